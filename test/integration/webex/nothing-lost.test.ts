// The product killed (SIGKILL) between a webhook's 200 and the fetch of the message it names,
// with "Webex" (the sandbox) in another process: after a restart every agent message reaches the
// visitor once, in the order written. The sandbox holds every `GET /messages/{id}` (a knob), so
// the kill lands in that gap without guessing at timing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../../src/main.js';
import { startSandboxServer, type SandboxServer } from '../../../src/sandbox/server.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { bareEnv, runTs, type Child } from '../foundation/support.js';
import { Agent, TEST_CONFIG, Visitor, eventually, latestCard } from '../chats/harness.js';

let sandbox: SandboxServer;
let db: TestDatabase;
let env: Record<string, string>;
let url: string;
const children: Child[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startProduct(): Promise<Child> {
  const child = runTs('src/main.ts', env);
  children.push(child);
  await child.waitFor(/"msg":"ready"/);
  return child;
}

beforeAll(async () => {
  sandbox = await startSandboxServer({ deliveryRetryDelaysMs: [200, 500, 1_000] });
  db = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'nothing-lost-'));
  const configFile = path.join(dataDir, 'livechat.config.json');
  writeFileSync(configFile, JSON.stringify(TEST_CONFIG));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const bot = sandbox.sandbox.identities().find((i) => i.type === 'bot')!;
  env = bareEnv({
    PORT: String(port),
    PUBLIC_URL: url,
    DATA_DIR: dataDir,
    CONFIG_FILE: configFile,
    DATABASE_URL: db.url,
    LOG_LEVEL: 'info',
    WEBEX_BOT_TOKEN: bot.token,
    WEBEX_RELAY_TOKEN: sandbox.sandbox.tokenFor('relay@example.com'),
    WEBEX_WEBHOOK_SECRET: 'nothing-lost-secret',
    HYDRA_SERVICE_URL: sandbox.sandbox.apiBase,
  });
});

afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
  await Promise.all(children.map((c) => c.exited));
  sandbox?.sandbox.knobs.reset();
  await sandbox?.close();
  await db?.drop();
});

describe('killed between the 200 and the fetch', () => {
  it('after a restart every agent message reaches the visitor once, in created order', async () => {
    const first = await startProduct();
    // The agent's side needs only the sandbox (its API and tokens).
    const alice = new Agent({ sandbox: sandbox.sandbox } as unknown as RunningApp, 'alice@example.com');
    const visitor = await Visitor.start(url, { topic: 'sales', name: 'Olga' });
    const room = await eventually(async () => {
      const { rows } = await db.pool.query<{ space_id: string | null }>('SELECT space_id FROM chats WHERE id = $1', [visitor.id]);
      return rows[0]?.space_id;
    });
    const card = await latestCard(alice, room, true);
    await alice.submit(card.id, { action: 'claim', chatId: visitor.id });
    await visitor.waitFor((m) => /joined/.test(m.text));

    const knobs = sandbox.sandbox.knobs;
    knobs.holdMessageGets(true);
    const written = Array.from({ length: 5 }, (_, i) => `reply ${i + 1}`);
    for (const text of written) await alice.say(room, text);
    // Every webhook answered (the deliveries are idle) and each notification stored, while the
    // fetch of the first one is held: the product is between its 200s and its fetches.
    await sandbox.sandbox.deliveriesIdle();
    await eventually(async () => {
      const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM inbound WHERE room = $1 AND done_at IS NULL', [room]);
      return rows[0]!.n === written.length;
    });
    await eventually(() => knobs.snapshot().heldMessageGets >= 1);
    expect((await visitor.messages()).messages.filter((m) => m.from === 'agent')).toEqual([]);

    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    knobs.holdMessageGets(false);

    await startProduct();
    const texts = await eventually(
      async () => {
        const agent = (await visitor.messages()).messages.filter((m) => m.from === 'agent').map((m) => m.text);
        return agent.length >= written.length ? agent : null;
      },
      100,
    );
    expect(texts).toEqual(written);
    await eventually(async () => {
      const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM inbound WHERE room = $1 AND done_at IS NULL', [room]);
      return rows[0]!.n === 0;
    });
    expect((await visitor.messages()).messages.filter((m) => m.from === 'agent').map((m) => m.text)).toEqual(written);
  }, 180_000);
});
