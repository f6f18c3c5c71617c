// RateLimitStore on Redis, for deployments that run the event bus on Redis: each window is one
// key that expires by itself, counted with INCR (atomic across instances).
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../../logger.js';
import type { RateLimitHit, RateLimitStore } from '../../ports.js';

const PREFIX = 'livechat:ratelimit:';

export class RedisRateLimits implements RateLimitStore {
  private readonly client: RedisClientType;

  constructor(url: string, log: Logger) {
    this.client = createClient({ url, socket: { reconnectStrategy: (retries: number) => Math.min(5_000, 100 * 2 ** retries) } });
    // Without a listener an 'error' event would crash the process; the client reconnects.
    this.client.on('error', (error: Error) => log.warn({ err: error.message }, 'redis (rate limits) connection error'));
  }

  async start(): Promise<void> {
    await this.client.connect();
  }

  async close(): Promise<void> {
    if (this.client.isOpen) await this.client.quit();
  }

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    const k = PREFIX + key;
    // The first hit of a window sets its expiry (NX: later hits keep it).
    const [count, , ttl] = (await this.client
      .multi()
      .incr(k)
      .pExpire(k, Math.max(1, Math.round(windowMs)), 'NX')
      .pTTL(k)
      .exec()) as unknown as [number, number, number];
    return { count, resetAt: new Date(Date.now() + Math.max(0, ttl)) };
  }

  async unhit(key: string): Promise<void> {
    const k = PREFIX + key;
    // Only a window that still exists and counts something is taken back (never below zero).
    await this.client.eval("if (tonumber(redis.call('GET', KEYS[1]) or '0') > 0) then return redis.call('DECR', KEYS[1]) end return 0", { keys: [k] });
  }

  async resetHits(key: string): Promise<void> {
    await this.client.del(PREFIX + key);
  }

  /** Redis expires each window by itself: nothing is left to purge. */
  async purgeHitsBefore(): Promise<number> {
    return 0;
  }
}
