// Two real worker processes share one database: each job scheduled (here, by a third party
// that does not run jobs) runs exactly once, whichever worker takes it.
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AgendaScheduler } from '../../../src/adapters/scheduler/agenda.js';
import { createLogger } from '../../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { bareEnv, runTs, type Child } from './support.js';

let db: TestDatabase;
let pool: pg.Pool;
const workers: Child[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query('CREATE TABLE job_runs (job text NOT NULL, instance text NOT NULL, data jsonb)');
  pool = new pg.Pool({ connectionString: db.url, max: 3 });
});

afterAll(async () => {
  for (const w of workers) w.process.kill('SIGKILL');
  await pool?.end();
  await db?.drop();
});

it('runs each job exactly once across two worker processes', async () => {
  const fixture = path.join(import.meta.dirname, 'fixtures', 'scheduler-peer.ts');
  for (const name of ['W1', 'W2']) workers.push(runTs(fixture, bareEnv({}), [db.url, name]));
  await Promise.all(workers.map((w) => w.waitFor(/^started$/)));

  // The scheduling side only writes jobs; it never starts processing.
  const producer = new AgendaScheduler({ pool, log: createLogger({ level: 'silent' }) });
  const at = new Date(Date.now() + 500);
  for (let i = 0; i < 30; i++) await producer.schedule(at, 'once', { i });

  const count = async () => Number((await db.pool.query('SELECT count(*) FROM job_runs')).rows[0].count);
  const deadline = Date.now() + 30_000;
  while ((await count()) < 30) {
    if (Date.now() > deadline) throw new Error(`only ${await count()} of 30 jobs ran`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 1_000)); // more polling rounds of both workers

  const { rows } = await db.pool.query<{ i: number; n: number }>(
    "SELECT (data->>'i')::int AS i, count(*)::int AS n FROM job_runs GROUP BY 1 ORDER BY 1",
  );
  expect(rows).toEqual(Array.from({ length: 30 }, (_, i) => ({ i, n: 1 })));

  for (const w of workers) w.process.kill('SIGTERM');
  for (const w of workers) expect(await w.exited).toEqual({ code: 0, signal: null });
});
