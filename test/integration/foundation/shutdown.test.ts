// SIGTERM under load: requests in flight are answered, new connections are refused, exit 0.
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { bareEnv, runTs } from './support.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

it('finishes in-flight requests on SIGTERM and exits 0', async () => {
  const server = runTs(path.join(import.meta.dirname, 'fixtures', 'slow-server.ts'), bareEnv({ DATABASE_URL: db.url }));
  const url = (await server.waitFor(/^ready /)).slice('ready '.length);

  const inFlight = 20;
  const answers = Array.from({ length: inFlight }, () =>
    fetch(`${url}/test/slow?ms=1500`).then(async (res) => ({ status: res.status, body: await res.json() })),
  );
  // Every request has reached its handler before the signal.
  while (server.lines.filter((l) => l === 'slow-start').length < inFlight) {
    await new Promise((r) => setTimeout(r, 20));
  }
  server.process.kill('SIGTERM');
  await server.waitFor(/"msg":"stopping"/);
  // Draining: the health check sends load balancers elsewhere (or the port is already closed).
  const health = await fetch(`${url}/healthz`).then((res) => res.status, () => 'refused');
  expect([503, 'refused']).toContain(health);

  const results = await Promise.all(answers);
  expect(results).toEqual(Array.from({ length: inFlight }, () => ({ status: 200, body: { done: true, ms: 1500 } })));
  expect(await server.exited).toEqual({ code: 0, signal: null });
  expect(server.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
});
