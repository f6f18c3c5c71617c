// The event buses: in-process, and PostgreSQL LISTEN/NOTIFY between real processes.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryEventBus } from '../../../src/adapters/bus/memory.js';
import { EventTooLargeError } from '../../../src/adapters/bus/payload.js';
import { PostgresEventBus } from '../../../src/adapters/bus/postgres.js';
import { RedisEventBus } from '../../../src/adapters/bus/redis.js';
import { createLogger } from '../../../src/logger.js';
import type { EventBus, Json } from '../../../src/ports.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

const log = createLogger({ level: 'silent' });
const peer = path.join(import.meta.dirname, 'fixtures', 'bus-peer.ts');

function runPeer(...args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', peer, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Resolves with the first value the subscription receives (generous deadline, not a timing). */
function next(bus: EventBus, channel: string, ms = 10_000): Promise<Json> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`nothing on ${channel}`));
    }, ms);
    const off = bus.subscribe(channel, (payload) => {
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

function sharedContract(name: string, make: () => Promise<EventBus>) {
  describe(`${name}: the EventBus contract`, () => {
    let bus: EventBus;
    beforeAll(async () => {
      bus = await make();
    });
    afterAll(async () => {
      await bus.close();
    });

    it('delivers to every subscriber of the channel, and only of that channel', async () => {
      const got: string[] = [];
      const offA = bus.subscribe('chat:1', (p) => got.push(`a:${JSON.stringify(p)}`));
      const offB = bus.subscribe('chat:1', (p) => got.push(`b:${JSON.stringify(p)}`));
      const offOther = bus.subscribe('chat:2', (p) => got.push(`other:${JSON.stringify(p)}`));
      const arrived = next(bus, 'chat:1');
      await bus.publish('chat:1', { seq: 1 });
      expect(await arrived).toEqual({ seq: 1 });
      expect(got.sort()).toEqual(['a:{"seq":1}', 'b:{"seq":1}']);
      offA();
      offB();
      offOther();
    });

    it('stops delivering after unsubscribe, and survives a throwing handler', async () => {
      const got: Json[] = [];
      const off = bus.subscribe('chat:3', (p) => got.push(p));
      const offThrowing = bus.subscribe('chat:3', () => {
        throw new Error('handler bug');
      });
      const first = next(bus, 'chat:3');
      await bus.publish('chat:3', 1);
      await first;
      off();
      offThrowing();
      const second = next(bus, 'chat:3');
      await bus.publish('chat:3', 2);
      await second;
      expect(got).toEqual([1]);
    });

    it('refuses payloads above the NOTIFY limit with a clear error', async () => {
      await expect(bus.publish('chat:4', { text: 'x'.repeat(8000) })).rejects.toThrow(EventTooLargeError);
      await expect(bus.publish('chat:4', { text: 'x'.repeat(8000) })).rejects.toThrow(/above the 7900-byte limit/);
      const ok = next(bus, 'chat:4');
      await bus.publish('chat:4', { text: 'x'.repeat(7800) });
      expect(((await ok) as { text: string }).text).toHaveLength(7800);
    });
  });
}

let db: TestDatabase;
const buses: PostgresEventBus[] = [];

async function postgresBus(): Promise<PostgresEventBus> {
  const bus = new PostgresEventBus({ connectionString: db.url, pool: db.pool, log });
  buses.push(bus);
  await bus.start();
  return bus;
}

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  for (const bus of buses) await bus.close();
  await db?.drop();
});

sharedContract('memory', async () => new MemoryEventBus(log));
sharedContract('postgres', () => postgresBus());

// Redis runs in CI (.ci/run starts it); elsewhere set REDIS_URL to include these.
const redisUrl = process.env.REDIS_URL ?? (process.env.CI ? 'redis://127.0.0.1:6379' : undefined);
describe.runIf(redisUrl)('redis', () => {
  sharedContract('redis', async () => {
    const bus = new RedisEventBus({ url: redisUrl!, log, redisChannel: `livechat_test_${process.pid}` });
    await bus.start();
    return bus;
  });

  it('carries events between two independent clients', async () => {
    const channel = `livechat_test_pair_${process.pid}`;
    const one = new RedisEventBus({ url: redisUrl!, log, redisChannel: channel });
    const two = new RedisEventBus({ url: redisUrl!, log, redisChannel: channel });
    await Promise.all([one.start(), two.start()]);
    const arrived = next(two, 'chat:r');
    await one.publish('chat:r', { seq: 3 });
    expect(await arrived).toEqual({ seq: 3 });
    await Promise.all([one.close(), two.close()]);
  });
});

describe('PostgresEventBus between processes', () => {
  it('delivers an event published by another process', async () => {
    const bus = await postgresBus();
    const arrived = next(bus, 'chat:from-child');
    const child = runPeer('publish', db.url, 'chat:from-child', '{"seq":7}');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    expect(await arrived).toEqual({ seq: 7 });
  });

  it('delivers an event to a subscriber in another process', async () => {
    const child = runPeer('subscribe', db.url, 'chat:to-child');
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    expect((await lines.next()).value).toBe('listening');
    const bus = await postgresBus();
    await bus.publish('chat:to-child', { seq: 8 });
    expect((await lines.next()).value).toBe('{"seq":8}');
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
  });

  it('reconnects and listens again after losing its connection', async () => {
    const bus = await postgresBus();
    const { rows } = await db.pool.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'LISTEN livechat_bus%'",
    );
    expect(rows.length).toBeGreaterThan(0);
    // Cut every listener of this database; each bus must come back by itself.
    await db.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [rows.map((r) => r.pid)]);
    const got: Json[] = [];
    bus.subscribe('chat:after-loss', (p) => got.push(p));
    const deadline = Date.now() + 15_000;
    let n = 0;
    while (got.length === 0) {
      if (Date.now() > deadline) throw new Error('no event after the reconnect');
      await bus.publish('chat:after-loss', ++n);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(bus.listening).toBe(true);
  });
});

describe('MemoryEventBus', () => {
  it('hands each subscriber its own copy', async () => {
    const bus = new MemoryEventBus(log);
    const payload = { list: [1] };
    const arrived = next(bus, 'c');
    await bus.publish('c', payload);
    const got = (await arrived) as { list: number[] };
    expect(got).toEqual(payload);
    expect(got).not.toBe(payload);
    await bus.close();
    await expect(bus.publish('c', 1)).rejects.toThrow(/closed/);
  });
});

