// ChatStore over PostgreSQL: chats and their events, written together in one statement.
import type pg from 'pg';
import type { Chat, ChatEvent, ChatState } from '../../../domain/types.js';
import type { ChatFilter, ChatPatch, ChatStore, NewChat, NewChatEvent } from '../../../ports.js';
import { CHAT_PATCH_COLUMNS, toChat, toEvent, type ChatRow, type EventRow } from './rows.js';
import { json, text } from './sql.js';

const CHAT_COLUMNS = `id, short_id, topic_id, state, language, visitor, token_hash, space_id, owner_email,
  owner_name, created_at, updated_at, claimed_at, closed_at, close_reason, closed_by, last_seen_at,
  last_visitor_message_at, left_at, warned_at, waiting_on_visitor_since, queued_at, queue_notice_at, queue_offer_at`;

/** SQL inserting one event for the chat row of CTE `source`; parameters from `first` on. */
function insertEventFrom(source: string, first: number): string {
  const [type, actor, data, at] = [first, first + 1, first + 2, first + 3].map((n) => `$${n}`);
  return `INSERT INTO chat_events (chat_id, type, actor, data, at)
    SELECT id, ${type}, ${actor}, ${data}, coalesce(${at}::timestamptz, now()) FROM ${source}`;
}

function eventParams(event: NewChatEvent): unknown[] {
  return [event.type, text(event.actor), json(event.data ?? {}), event.at ?? null];
}

export class PgChats implements ChatStore {
  constructor(
    private readonly pool: pg.Pool,
    /** Closed chats deleted per statement by purgeClosedBefore. */
    private readonly purgeBatch: number,
  ) {}

  async createChat(chat: NewChat, event: NewChatEvent): Promise<Chat> {
    // One statement is one transaction: if the event cannot be written, neither is the chat.
    const { rows } = await this.pool.query<ChatRow>(
      `WITH chat AS (
         INSERT INTO chats (id, short_id, topic_id, state, language, visitor, token_hash, space_id,
           owner_email, owner_name, created_at, updated_at, claimed_at, closed_at, close_reason,
           closed_by, last_seen_at, last_visitor_message_at, left_at, warned_at, waiting_on_visitor_since,
           queued_at, queue_notice_at, queue_offer_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11, now()), coalesce($11, now()),
           $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
         RETURNING ${CHAT_COLUMNS}
       ), event AS (${insertEventFrom('chat', 24)})
       SELECT * FROM chat`,
      [
        chat.id,
        chat.shortId,
        chat.topicId,
        chat.state,
        chat.language,
        json(chat.visitor),
        chat.tokenHash,
        chat.spaceId,
        chat.ownerEmail,
        text(chat.ownerName),
        chat.createdAt ?? null,
        chat.claimedAt,
        chat.closedAt,
        text(chat.closeReason),
        chat.closedBy,
        chat.lastSeenAt,
        chat.lastVisitorMessageAt,
        chat.leftAt,
        chat.warnedAt,
        chat.waitingOnVisitorSince ?? null,
        chat.queuedAt ?? null,
        chat.queueNoticeAt ?? null,
        chat.queueOfferAt ?? null,
        ...eventParams(event),
      ],
    );
    return toChat(rows[0]!);
  }

  async getChat(id: string): Promise<Chat | null> {
    const { rows } = await this.pool.query<ChatRow>(`SELECT ${CHAT_COLUMNS} FROM chats WHERE id = $1`, [id]);
    return rows[0] ? toChat(rows[0]) : null;
  }

  async getChatBySpace(spaceId: string): Promise<Chat | null> {
    const { rows } = await this.pool.query<ChatRow>(
      `SELECT ${CHAT_COLUMNS} FROM chats WHERE space_id = $1`,
      [spaceId],
    );
    return rows[0] ? toChat(rows[0]) : null;
  }

  async updateChat(
    id: string,
    patch: ChatPatch,
    event?: NewChatEvent,
    expectState?: ChatState | ChatState[],
  ): Promise<Chat | null> {
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [id];
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const column = CHAT_PATCH_COLUMNS[field as keyof typeof CHAT_PATCH_COLUMNS];
      if (!column) throw new Error(`updateChat: "${field}" cannot be patched`);
      params.push(field === 'visitor' ? json(value) : typeof value === 'string' ? text(value) : value);
      sets.push(`${column} = $${params.length}`);
    }
    let where = 'id = $1';
    if (expectState !== undefined) {
      params.push(Array.isArray(expectState) ? expectState : [expectState]);
      where += ` AND state = ANY($${params.length}::text[])`;
    }
    // The row lock of the UPDATE serialises concurrent updates: a second claimer re-reads the
    // committed state and no longer matches `expectState`. With an event, one statement writes
    // both, so they commit together (and no event is written when the update lost).
    const update = `UPDATE chats SET ${sets.join(', ')} WHERE ${where} RETURNING ${CHAT_COLUMNS}`;
    const sql = event
      ? `WITH chat AS (${update}), event AS (${insertEventFrom('chat', params.length + 1)}) SELECT * FROM chat`
      : update;
    const { rows } = await this.pool.query<ChatRow>(sql, event ? [...params, ...eventParams(event)] : params);
    return rows[0] ? toChat(rows[0]) : null;
  }

  async listChats(filter: ChatFilter): Promise<Chat[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (condition: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    if (filter.states) add((p) => `state = ANY(${p}::text[])`, filter.states);
    if (filter.topicId !== undefined) add((p) => `topic_id = ${p}`, filter.topicId);
    if (filter.shortId !== undefined) add((p) => `short_id = ${p}`, filter.shortId);
    if (filter.createdSince) add((p) => `created_at >= ${p}`, filter.createdSince);
    if (filter.lastSeenBefore) add((p) => `last_seen_at < ${p}`, filter.lastSeenBefore);
    params.push(filter.limit ?? null);
    const { rows } = await this.pool.query<ChatRow>(
      `SELECT ${CHAT_COLUMNS} FROM chats
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at, id
       LIMIT $${params.length}`,
      params,
    );
    return rows.map(toChat);
  }

  async listEvents(chatId: string): Promise<ChatEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      'SELECT id, chat_id, type, actor, data, at FROM chat_events WHERE chat_id = $1 ORDER BY id',
      [chatId],
    );
    return rows.map(toEvent);
  }

  async listEventsOfChatsSince(since: Date): Promise<ChatEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `SELECT e.id, e.chat_id, e.type, e.actor, e.data, e.at
       FROM chat_events e JOIN chats c ON c.id = e.chat_id
       WHERE c.created_at >= $1 ORDER BY e.id`,
      [since],
    );
    return rows.map(toEvent);
  }

  async purgeClosedBefore(cutoff: Date): Promise<number> {
    // In batches, so a large backlog neither holds locks long nor meets the statement timeout.
    // Messages and events go with their chat (ON DELETE CASCADE); the outbox lane explicitly.
    let total = 0;
    for (;;) {
      const { rows } = await this.pool.query<{ n: number }>(
        `WITH victims AS (
           SELECT id FROM chats WHERE state = 'closed' AND closed_at < $1
           ORDER BY closed_at LIMIT $2 FOR UPDATE SKIP LOCKED
         ), gone AS (
           DELETE FROM chats WHERE id IN (SELECT id FROM victims) RETURNING id
         ), lanes AS (
           DELETE FROM outbox WHERE chat_id IN (SELECT id FROM gone)
         )
         SELECT count(*)::int AS n FROM gone`,
        [cutoff, this.purgeBatch],
      );
      const n = rows[0]!.n;
      total += n;
      if (n < this.purgeBatch) return total;
    }
  }
}
