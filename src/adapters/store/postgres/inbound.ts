// InboundStore over PostgreSQL: webhook notifications kept before the webhook is answered, then
// leased one room head at a time (the oldest by the messenger's `created`), like the outbox.
import type pg from 'pg';
import type { InboundItem, InboundStore, Json, NewInboundItem } from '../../../ports.js';
import { json, text } from './sql.js';

const COLUMNS = 'id, key, room, kind, payload, created, attempts';
const MAX_ERROR_LENGTH = 2000;

interface InboundRow {
  id: string;
  key: string;
  room: string;
  kind: string;
  payload: Json;
  created: Date;
  attempts: number;
}

function toItem(row: InboundRow): InboundItem {
  return { ...row, id: Number(row.id) };
}

export class PgInbound implements InboundStore {
  constructor(private readonly pool: pg.Pool) {}

  async enqueueInbound(item: NewInboundItem): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO inbound (key, room, kind, payload, created, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, date_trunc('milliseconds', now()))
       ON CONFLICT (key) DO NOTHING`,
      [text(item.key), text(item.room), item.kind, json(item.payload), item.created],
    );
    return rowCount === 1;
  }

  async claimInbound(now: Date, limit: number, leaseMs: number): Promise<InboundItem[]> {
    // Only a room's head (no pending item created before it) is a candidate, so a room's items
    // are handed over in created order even when a later one's webhook came first.
    const { rows } = await this.pool.query<InboundRow>(
      `UPDATE inbound SET lease_until = $1::timestamptz + $3 * interval '1 millisecond'
       WHERE id IN (
         SELECT i.id FROM inbound i
         WHERE i.done_at IS NULL AND i.next_attempt_at <= $1
           AND (i.lease_until IS NULL OR i.lease_until <= $1)
           AND NOT EXISTS (
             SELECT 1 FROM inbound p
             WHERE p.room = i.room AND p.done_at IS NULL AND (p.created, p.id) < (i.created, i.id))
         ORDER BY i.created, i.id
         LIMIT $2
         FOR UPDATE SKIP LOCKED)
       RETURNING ${COLUMNS}`,
      [now, limit, leaseMs],
    );
    return rows.map(toItem).sort((a, b) => a.created.getTime() - b.created.getTime() || a.id - b.id);
  }

  async completeInbound(id: number): Promise<void> {
    await this.pool.query('UPDATE inbound SET done_at = now(), lease_until = NULL, payload = $2 WHERE id = $1', [id, json({})]);
  }

  async renewInbound(id: number, leaseMs: number): Promise<void> {
    await this.pool.query(
      `UPDATE inbound SET lease_until = now() + $2 * interval '1 millisecond' WHERE id = $1 AND done_at IS NULL`,
      [id, leaseMs],
    );
  }

  async retryInbound(id: number, nextAttemptAt: Date, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE inbound SET next_attempt_at = $2, last_error = $3, lease_until = NULL, attempts = attempts + 1
       WHERE id = $1`,
      [id, nextAttemptAt, text(error).slice(0, MAX_ERROR_LENGTH)],
    );
  }

  async countPendingInbound(room?: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM inbound WHERE done_at IS NULL AND ($1::text IS NULL OR room = $1)',
      [room ?? null],
    );
    return rows[0]!.n;
  }

  async inboundMark(room: string): Promise<Date | null> {
    const { rows } = await this.pool.query<{ at: Date }>('SELECT listed_to AS at FROM inbound_marks WHERE room = $1', [room]);
    return rows[0]?.at ?? null;
  }

  async setInboundMark(room: string, listedTo: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO inbound_marks (room, listed_to) VALUES ($1, $2)
       ON CONFLICT (room) DO UPDATE SET listed_to = greatest(inbound_marks.listed_to, excluded.listed_to)`,
      [text(room), listedTo],
    );
  }

  async purgeInboundBefore(cutoff: Date): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM inbound WHERE done_at < $1', [cutoff]);
    // A room not listed since the cutoff is no longer active: its marker goes too.
    await this.pool.query('DELETE FROM inbound_marks WHERE listed_to < $1', [cutoff]);
    return rowCount ?? 0;
  }
}
