// RateLimitStore over PostgreSQL: one row per key, counted by a single upsert, so every instance
// on the database shares the same windows. Keys are hashed: any string fits, NUL included.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { RateLimitHit, RateLimitStore } from '../../../ports.js';

function rowKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

export class PgRateLimits implements RateLimitStore {
  constructor(private readonly pool: pg.Pool) {}

  async hit(key: string, windowMs: number): Promise<RateLimitHit> {
    // A window that has ended starts again at 1; otherwise one more hit in the same window.
    const { rows } = await this.pool.query<{ hits: number; reset_at: Date }>(
      `INSERT INTO rate_limits AS r (key, hits, reset_at)
       VALUES ($1, 1, clock_timestamp() + $2 * interval '1 millisecond')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.reset_at <= clock_timestamp() THEN 1 ELSE r.hits + 1 END,
         reset_at = CASE WHEN r.reset_at <= clock_timestamp() THEN EXCLUDED.reset_at ELSE r.reset_at END
       RETURNING hits, reset_at`,
      [rowKey(key), Math.max(1, Math.round(windowMs))],
    );
    const row = rows[0]!;
    return { count: row.hits, resetAt: row.reset_at };
  }

  async unhit(key: string): Promise<void> {
    await this.pool.query(
      'UPDATE rate_limits SET hits = hits - 1 WHERE key = $1 AND hits > 0 AND reset_at > clock_timestamp()',
      [rowKey(key)],
    );
  }

  async resetHits(key: string): Promise<void> {
    await this.pool.query('DELETE FROM rate_limits WHERE key = $1', [rowKey(key)]);
  }

  async purgeHitsBefore(cutoff: Date): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM rate_limits WHERE reset_at < $1', [cutoff]);
    return rowCount ?? 0;
  }
}
