// With the event bus on Redis, rate limits count in Redis: two instances still share one limit,
// and the database's rate_limits table stays empty.
import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../../src/main.js';
import { startProduct, type Product } from '../chats/harness.js';

let product: Product;
let second: RunningApp;

beforeAll(async () => {
  product = await startProduct({ EVENT_BUS: 'redis', REDIS_URL: 'redis://127.0.0.1:6379', TRUST_PROXY: 'loopback' }, { chatsPerMinute: 2 });
  second = await product.another();
});

afterAll(async () => {
  await product?.close();
});

describe('rate limits on Redis', () => {
  it('two instances share one limit, counted in Redis', async () => {
    // Redis outlives the test's database: an address of its own keeps runs apart.
    const ip = `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
    const start = (base: string) =>
      fetch(`${base}/api/v1/chats`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
        body: JSON.stringify({ topic: 'sales' }),
      });
    expect([(await start(product.app.url)).status, (await start(second.url)).status]).toEqual([201, 201]);
    const third = await start(second.url);
    expect(third.status).toBe(429);
    expect((await start(product.app.url)).status).toBe(429);
    const { rows } = await product.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM rate_limits');
    expect(rows[0]!.n).toBe(0);
  });
});
