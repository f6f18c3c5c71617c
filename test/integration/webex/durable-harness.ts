// The product with the in-process sandbox, short inbound timers and a short webhook check /
// reconciliation period, for the "nothing an agent writes is lost" tests; and the counting of
// what a visitor received.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../../src/config.js';
import { startApp, type RunningApp } from '../../../src/main.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import { Agent, TEST_CONFIG, Visitor, eventually, latestCard, log, spaceOf } from '../chats/harness.js';

export interface DurableProduct {
  app: RunningApp;
  db: TestDatabase;
  close(): Promise<void>;
}

export async function startDurableProduct(upkeepMs: number): Promise<DurableProduct> {
  const db = await createTestDatabase({ poolMax: 20 });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'durable-test-'));
  const configFile = path.join(dataDir, 'livechat.config.json');
  writeFileSync(configFile, JSON.stringify(TEST_CONFIG));
  const config = loadConfig(
    { LOG_LEVEL: 'silent', DATA_DIR: dataDir, CONFIG_FILE: configFile, EVENT_BUS: 'postgres', TIMER_SWEEP_EVERY: '200ms', TIMER_LOST_VISITOR: '10m' },
    [],
    dataDir,
  );
  const app = await startApp(config, {
    port: 0,
    host: '127.0.0.1',
    log,
    database: { pool: db.pool, url: db.url, embedded: false, close: async () => {} },
    sandboxDataDir: null,
    outbox: { sweepMs: 100, leaseMs: 5_000, baseDelayMs: 100, maxDelayMs: 1_000 },
    scheduler: { processEvery: 100, lockLifetime: 5_000, drainTimeout: 1_000 },
    widgetApi: { chatsPerMinute: 1_000, messagesPerMinute: 1_000, messagesPerIpPerMinute: 10_000, refusedPerMinute: 10_000, heartbeatMs: 1_000 },
    httpDrainMs: 500,
    webexPolicy: { baseDelayMs: 20, maxDelayMs: 200, maxRetries: 2, timeoutMs: 5_000 },
    inbound: { sweepMs: 100, leaseMs: 5_000, baseDelayMs: 50, maxDelayMs: 500, upkeepMs },
  });
  return {
    app,
    db,
    async close() {
      await app.close().catch(() => undefined);
      await db.drop();
    },
  };
}

/** A chat of the sales topic claimed by alice: the visitor, the room, and alice. */
export async function claimedChat(app: RunningApp, name: string): Promise<{ visitor: Visitor; room: string; alice: Agent }> {
  const alice = new Agent(app, 'alice@example.com');
  const visitor = await Visitor.start(app.url, { topic: 'sales', name });
  const room = await spaceOf(app, visitor.id);
  const card = await latestCard(alice, room, true);
  await alice.submit(card.id, { action: 'claim', chatId: visitor.id });
  await visitor.waitFor((m) => /joined/.test(m.text));
  return { visitor, room, alice };
}

/** The agent messages the visitor has received, in the order received (texts). */
export async function agentTexts(visitor: Visitor): Promise<string[]> {
  return (await visitor.messages()).messages.filter((m) => m.from === 'agent').map((m) => m.text);
}

/** Waits until the visitor holds at least `count` agent messages; returns them all. */
export async function waitForAgentTexts(visitor: Visitor, count: number): Promise<string[]> {
  return eventually(async () => {
    const texts = await agentTexts(visitor);
    return texts.length >= count ? texts : null;
  });
}

/** The relay's webhooks as the sandbox holds them. */
export async function relayHooks(app: RunningApp): Promise<{ name: string; status: string }[]> {
  const relay = new Agent(app, 'relay@example.com');
  const { json } = await relay.call<{ items: { name: string; status: string }[] }>('GET', '/webhooks');
  return json.items;
}

export { Agent, Visitor, eventually };
