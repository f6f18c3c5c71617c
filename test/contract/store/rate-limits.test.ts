// The RateLimitStore capability, on PostgreSQL and on Redis: fixed windows shared by every
// instance (two connections stand for two instances), exact under concurrency.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRateLimits } from '../../../src/adapters/ratelimit/redis.js';
import { PostgresStore } from '../../../src/adapters/store/postgres/postgres-store.js';
import type { RateLimitStore } from '../../../src/ports.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

interface Pair {
  one: RateLimitStore;
  two: RateLimitStore;
  close(): Promise<void>;
}

function describeCounters(name: string, open: () => Promise<Pair>): void {
  describe(`RateLimitStore (${name})`, () => {
    let pair: Pair;
    // Redis outlives a test run: keys of this run only.
    const run = randomUUID();
    const k = (key: string) => `${run}:${key}`;
    beforeAll(async () => {
      pair = await open();
    });
    afterAll(() => pair?.close());

    it('counts hits in one window and tells when it ends', async () => {
      const first = await pair.one.hit(k('ip:1'), 60_000);
      const second = await pair.one.hit(k('ip:1'), 60_000);
      expect(first.count).toBe(1);
      expect(second.count).toBe(2);
      expect(Math.abs(second.resetAt.getTime() - first.resetAt.getTime())).toBeLessThan(1_000);
      expect(first.resetAt.getTime() - Date.now()).toBeGreaterThan(50_000);
      expect((await pair.one.hit(k('ip:2'), 60_000)).count).toBe(1);
    });

    it('two instances count into the same window, exactly, under concurrency', async () => {
      const hits = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? pair.one : pair.two).hit(k('shared'), 60_000)));
      expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    it('a window that ended starts again at 1', async () => {
      await pair.one.hit(k('short'), 1);
      // The window was 1 ms: hit again until the store's clock has passed it (with a deadline).
      const deadline = Date.now() + 5_000;
      let again = await pair.one.hit(k('short'), 1);
      while (again.count !== 1 && Date.now() < deadline) again = await pair.one.hit(k('short'), 1);
      expect(again.count).toBe(1);
    });

    it('takes a hit back, forgets a key, accepts any key', async () => {
      await pair.one.hit(k('back'), 60_000);
      await pair.one.hit(k('back'), 60_000);
      await pair.two.unhit(k('back'));
      expect((await pair.one.hit(k('back'), 60_000)).count).toBe(2);
      await pair.two.resetHits(k('back'));
      expect((await pair.one.hit(k('back'), 60_000)).count).toBe(1);
      // Taking back from a key with no window creates nothing.
      await pair.two.unhit(k('never'));
      expect((await pair.one.hit(k('never'), 60_000)).count).toBe(1);
      expect((await pair.one.hit(k('nul\0 and \uD800 lone'), 60_000)).count).toBe(1);
    });
  });
}

let db: TestDatabase;
describeCounters('postgres', async () => {
  db = await createTestDatabase();
  const other = new pg.Pool({ connectionString: db.url, max: 4 });
  return {
    one: new PostgresStore(db.pool),
    two: new PostgresStore(other),
    close: async () => {
      await other.end();
      await db.drop();
    },
  };
});

describeCounters('redis', async () => {
  const log = pino({ level: 'silent' });
  const one = new RedisRateLimits('redis://127.0.0.1:6379', log);
  const two = new RedisRateLimits('redis://127.0.0.1:6379', log);
  await one.start();
  await two.start();
  return {
    one,
    two,
    close: async () => {
      await one.close();
      await two.close();
    },
  };
});

describe('RateLimitStore (postgres) retention', () => {
  let own: TestDatabase;
  beforeAll(async () => {
    own = await createTestDatabase();
  });
  afterAll(() => own?.drop());

  it('purges windows that ended before the cutoff', async () => {
    const store = new PostgresStore(own.pool);
    await store.hit('old', 60_000);
    expect(await store.purgeHitsBefore(new Date(Date.now() - 1_000))).toBe(0);
    expect(await store.purgeHitsBefore(new Date(Date.now() + 120_000))).toBe(1);
    expect((await store.hit('old', 60_000)).count).toBe(1);
  });
});
