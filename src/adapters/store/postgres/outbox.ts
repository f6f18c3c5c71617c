// OutboxStore over PostgreSQL: deliveries stored before they are attempted, leased one lane head
// at a time so each chat's items go out in order.
import type pg from 'pg';
import type { NewOutboxItem, OutboxItem, OutboxStore } from '../../../ports.js';
import { toOutboxItem, type OutboxRow } from './rows.js';
import { json, text } from './sql.js';

const OUTBOX_COLUMNS = 'id, chat_id, kind, payload, attempts, next_attempt_at, last_error, created_at';
const MAX_ERROR_LENGTH = 2000;
/** First key of the outbox lane locks (the second is the lane's hash); as in migration 2. */
const LANE_LOCK = 7301;

export class PgOutbox implements OutboxStore {
  constructor(private readonly pool: pg.Pool) {}

  async enqueueOutbox(item: NewOutboxItem): Promise<OutboxItem> {
    const { rows } = await this.pool.query<OutboxRow>(
      // Due at once, at millisecond precision: a claim with a JS Date taken right after this
      // insert must not miss it by the microseconds JavaScript cannot express. The lane lock
      // (taken before the id is drawn) lets appendMessageWithOutbox trust "the lane is empty".
      `WITH lane AS (SELECT pg_advisory_xact_lock(${LANE_LOCK}, hashtext($1)))
       INSERT INTO outbox (chat_id, kind, payload, next_attempt_at)
       SELECT $1, $2, $3, date_trunc('milliseconds', now()) FROM lane
       RETURNING ${OUTBOX_COLUMNS}`,
      [item.chatId, item.kind, json(item.payload)],
    );
    return toOutboxItem(rows[0]!);
  }

  async claimOutbox(now: Date, limit: number, leaseMs: number): Promise<OutboxItem[]> {
    // Only the head of each lane (no older item left) is a candidate, so one chat's items go
    // out strictly in order. The due/lease test is on the locked row itself: when a concurrent
    // claimer leased it first, PostgreSQL re-checks the new row version and skips it, and
    // SKIP LOCKED passes over rows another claimer is leasing right now.
    const { rows } = await this.pool.query<OutboxRow>(
      `UPDATE outbox SET lease_until = $1::timestamptz + $3 * interval '1 millisecond'
       WHERE id IN (
         SELECT o.id FROM outbox o
         WHERE o.next_attempt_at <= $1 AND (o.lease_until IS NULL OR o.lease_until <= $1)
           AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.chat_id = o.chat_id AND p.id < o.id)
         ORDER BY o.next_attempt_at, o.id
         LIMIT $2
         FOR UPDATE SKIP LOCKED)
       RETURNING ${OUTBOX_COLUMNS}`,
      [now, limit, leaseMs],
    );
    return rows
      .map(toOutboxItem)
      .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id);
  }

  async completeOutbox(id: number): Promise<void> {
    await this.pool.query('DELETE FROM outbox WHERE id = $1', [id]);
  }

  async retryOutbox(id: number, nextAttemptAt: Date, error: string): Promise<void> {
    await this.pool.query(
      // `attempts` counts failed attempts: the worker's backoff grows with it.
      `UPDATE outbox SET next_attempt_at = $2, last_error = $3, lease_until = NULL,
         attempts = attempts + 1
       WHERE id = $1`,
      [id, nextAttemptAt, text(error).slice(0, MAX_ERROR_LENGTH)],
    );
  }

  async countPendingOutbox(chatId?: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM outbox WHERE $1::text IS NULL OR chat_id = $1',
      [chatId ?? null],
    );
    return rows[0]!.n;
  }
}
