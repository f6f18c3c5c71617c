// The RateLimitStore capability on PostgreSQL: fixed windows counted by one upsert, shared by
// every store on the database (two pools stand for two instances), exact under concurrency.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../../src/adapters/store/postgres/postgres-store.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

describe('RateLimitStore (postgres)', () => {
  let db: TestDatabase;
  let other: pg.Pool;
  let one: PostgresStore;
  let two: PostgresStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    other = new pg.Pool({ connectionString: db.url, max: 4 });
    one = new PostgresStore(db.pool);
    two = new PostgresStore(other);
  });
  afterAll(async () => {
    await other?.end();
    await db?.drop();
  });

  it('counts hits in one window and tells when it ends', async () => {
    const first = await one.hit('ip:1', 60_000);
    const second = await one.hit('ip:1', 60_000);
    expect(first.count).toBe(1);
    expect(second.count).toBe(2);
    expect(second.resetAt.getTime()).toBe(first.resetAt.getTime());
    expect(first.resetAt.getTime() - Date.now()).toBeGreaterThan(50_000);
    expect((await one.hit('ip:2', 60_000)).count).toBe(1);
  });

  it('two instances count into the same window, exactly, under concurrency', async () => {
    const hits = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).hit('shared', 60_000)));
    expect(hits.map((h) => h.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('a window that ended starts again at 1', async () => {
    await one.hit('short', 1);
    // The window was 1 ms: wait until the database's clock has passed it.
    const deadline = Date.now() + 5_000;
    let again = await one.hit('short', 60_000);
    while (again.count !== 1 && Date.now() < deadline) again = await one.hit('short', 1);
    expect(again.count).toBe(1);
  });

  it('takes a hit back, forgets a key, accepts any key', async () => {
    await one.hit('back', 60_000);
    await one.hit('back', 60_000);
    await two.unhit('back');
    expect((await one.hit('back', 60_000)).count).toBe(2);
    await two.resetHits('back');
    expect((await one.hit('back', 60_000)).count).toBe(1);
    expect((await one.hit('nul\0 and \uD800 lone', 60_000)).count).toBe(1);
  });

  it('purges windows that ended before the cutoff', async () => {
    await one.hit('old', 60_000);
    const purged = await one.purgeHitsBefore(new Date(Date.now() + 120_000));
    expect(purged).toBeGreaterThan(0);
    expect((await one.hit('old', 60_000)).count).toBe(1);
    expect(await one.purgeHitsBefore(new Date(Date.now() - 1_000))).toBe(0);
  });
});
