// The Store port over PostgreSQL with plain SQL. The schema is in src/adapters/db/migrations.ts.
import type pg from 'pg';
import type { Chat, ChatEvent, ChatMessage, ChatState, Topic } from '../../../domain/types.js';
import { AppendRefusedError } from '../../../ports.js';
import type {
  AppendGuard,
  AppendedWithOutbox,
  AuditEntry,
  ChatFilter,
  ChatPatch,
  Json,
  LeaseIfHead,
  NewChat,
  NewChatEvent,
  NewMessage,
  NewOfflineMessage,
  NewOutboxItem,
  OfflineMessage,
  OutboxItem,
  Store,
} from '../../../ports.js';
import {
  CHAT_PATCH_COLUMNS,
  toAudit,
  toChat,
  toEvent,
  toMessage,
  toOutboxItem,
  toTopic,
  type AuditRow,
  type ChatRow,
  type EventRow,
  type MessageRow,
  type OutboxRow,
  type TopicRow,
} from './rows.js';
import { json, text, transaction } from './sql.js';

/** appendMessage on a chat that does not exist (or was purged). */
export class ChatNotFoundError extends Error {
  constructor(readonly chatId: string) {
    super(`Chat ${chatId} does not exist`);
    this.name = 'ChatNotFoundError';
  }
}

const CHAT_COLUMNS = `id, short_id, topic_id, state, language, visitor, token_hash, space_id, owner_email,
  owner_name, created_at, updated_at, claimed_at, closed_at, close_reason, closed_by, last_seen_at,
  last_visitor_message_at, left_at, warned_at`;
const MESSAGE_COLUMNS = 'chat_id, seq, sender, text, author_name, client_id, external_id, data, at';
const OUTBOX_COLUMNS = 'id, chat_id, kind, payload, attempts, next_attempt_at, last_error, created_at';
const TOPIC_SELECT = `
  SELECT t.id, t.names, t.mode, t.assistant, t.add_agents_at, t.fields, t.position,
         coalesce((SELECT array_agg(a.email ORDER BY a.position) FROM topic_agents a
                   WHERE a.topic_id = t.id), '{}') AS agents
  FROM topics t`;
const MAX_ERROR_LENGTH = 2000;
/** First key of the outbox lane locks (the second is the lane's hash); as in migration 2. */
const LANE_LOCK = 7301;

/** A row of append_message_with_outbox (migration 2). */
interface AppendedRow {
  msg_chat_id: string;
  /** Null on a refusal (the chat's state was not allowed). */
  msg_seq: number | null;
  msg_sender: MessageRow['sender'];
  msg_text: string;
  msg_author_name: string | null;
  msg_client_id: string | null;
  msg_external_id: string | null;
  msg_data: Record<string, unknown> | null;
  msg_at: Date;
  created: boolean;
  box_id: string | null;
  box_attempts: number | null;
  box_next_attempt_at: Date | null;
  box_created_at: Date | null;
  leased: boolean;
  chat_state: ChatState;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface PostgresStoreOptions {
  /** Closed chats deleted per statement by purgeClosedBefore. Default 500. */
  purgeBatch?: number;
}

export class PostgresStore implements Store {
  private readonly purgeBatch: number;

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresStoreOptions = {},
  ) {
    this.purgeBatch = options.purgeBatch ?? 500;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  // --- chats -----------------------------------------------------------------------------------

  async createChat(chat: NewChat, event: NewChatEvent): Promise<Chat> {
    // One statement is one transaction: if the event cannot be written, neither is the chat.
    const { rows } = await this.pool.query<ChatRow>(
      `WITH chat AS (
         INSERT INTO chats (id, short_id, topic_id, state, language, visitor, token_hash, space_id,
           owner_email, owner_name, created_at, updated_at, claimed_at, closed_at, close_reason,
           closed_by, last_seen_at, last_visitor_message_at, left_at, warned_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11, now()), coalesce($11, now()),
           $12, $13, $14, $15, $16, $17, $18, $19)
         RETURNING ${CHAT_COLUMNS}
       ), event AS (${insertEventFrom('chat', 20)})
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

  // --- messages --------------------------------------------------------------------------------

  async appendMessage(message: NewMessage): Promise<{ message: ChatMessage; created: boolean }> {
    const clientId = text(message.clientId ?? null);
    const externalId = text(message.externalId ?? null);
    // One statement, one round trip. Locking the chat row serialises appends to one chat, and
    // the lock returns the row as last committed, so last_seq + 1 is unique. The counter moves
    // only when the message is inserted: no gaps. A duplicate already committed is returned.
    // One committed after this statement's snapshot (a concurrent retry) makes the insert do
    // nothing and the statement return no row: then the stored message is read afresh.
    const { rows } = await this.pool.query<MessageRow & { created: boolean }>(
      `WITH chat AS (
         SELECT id, last_seq FROM chats WHERE id = $1 FOR UPDATE
       ), dup AS (
         SELECT ${MESSAGE_COLUMNS} FROM messages
         WHERE EXISTS (SELECT 1 FROM chat)
           AND ((chat_id = $1 AND client_id = $6) OR external_id = $7)
         ORDER BY seq LIMIT 1
       ), ins AS (
         INSERT INTO messages (${MESSAGE_COLUMNS})
         SELECT chat.id, chat.last_seq + 1, $2, $3, $4, $6, $7, $5, coalesce($8, now())
         FROM chat WHERE NOT EXISTS (SELECT 1 FROM dup)
         ON CONFLICT DO NOTHING
         RETURNING ${MESSAGE_COLUMNS}
       ), bump AS (
         UPDATE chats SET last_seq = ins.seq FROM ins WHERE chats.id = ins.chat_id
       )
       SELECT *, true AS created FROM ins
       UNION ALL
       SELECT *, false AS created FROM dup`,
      messageParams(message, clientId, externalId),
    );
    const row = rows[0];
    if (row) return { message: toMessage(row), created: row.created };
    const stored = await findDuplicate(this.pool, message.chatId, clientId, externalId);
    if (stored) return { message: stored, created: false };
    if (!(await this.getChat(message.chatId))) throw new ChatNotFoundError(message.chatId);
    throw new Error(`appendMessage: message for chat ${message.chatId} was neither stored nor found`);
  }

  async appendMessageWithOutbox(
    message: NewMessage,
    item: Omit<NewOutboxItem, 'chatId'>,
    lease?: LeaseIfHead,
    guard?: AppendGuard,
  ): Promise<AppendedWithOutbox> {
    const clientId = text(message.clientId ?? null);
    const externalId = text(message.externalId ?? null);
    // One round trip: the function (migration 2) locks the chat, checks the guard, appends
    // unless a duplicate is stored, enqueues in the chat's lane and, asked to, leases the item
    // when it heads the lane.
    const { rows } = await this.pool.query<AppendedRow>(
      'SELECT * FROM append_message_with_outbox($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)',
      [
        ...messageParams(message, clientId, externalId),
        item.kind,
        json(item.payload),
        lease ? Math.max(1, Math.round(lease.leaseMs)) : null,
        guard?.tokenHash ?? null,
        guard?.states ?? null,
      ],
    );
    const row = rows[0];
    // Guarded: no row means no chat for that token (not even a stored message comes back).
    if (!row && guard) throw new AppendRefusedError('not_found', null);
    if (row) {
      const { msg_seq: seq, chat_state: state } = row;
      if (seq === null) throw new AppendRefusedError('state', state);
      const stored = toMessage({
        chat_id: row.msg_chat_id,
        seq,
        sender: row.msg_sender,
        text: row.msg_text,
        author_name: row.msg_author_name,
        client_id: row.msg_client_id,
        external_id: row.msg_external_id,
        data: row.msg_data,
        at: row.msg_at,
      });
      if (!row.created || row.box_id === null) return { message: stored, created: false, item: null, leased: false, state };
      const outbox = toOutboxItem({
        id: row.box_id,
        chat_id: row.msg_chat_id,
        kind: item.kind,
        payload: item.payload,
        attempts: row.box_attempts!,
        next_attempt_at: row.box_next_attempt_at!,
        last_error: null,
        created_at: row.box_created_at!,
      });
      return { message: stored, created: true, item: outbox, leased: row.leased, state };
    }
    // No row: the chat does not exist, or an externalId was committed elsewhere meanwhile.
    const stored = await findDuplicate(this.pool, message.chatId, clientId, externalId);
    if (stored) return { message: stored, created: false, item: null, leased: false };
    if (!(await this.getChat(message.chatId))) throw new ChatNotFoundError(message.chatId);
    throw new Error(`appendMessageWithOutbox: message for chat ${message.chatId} was neither stored nor found`);
  }

  async listMessages(chatId: string, afterSeq: number, limit?: number): Promise<ChatMessage[]> {
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE chat_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [chatId, afterSeq, limit ?? null],
    );
    return rows.map(toMessage);
  }

  // --- topics ----------------------------------------------------------------------------------

  async listTopics(): Promise<Topic[]> {
    const { rows } = await this.pool.query<TopicRow>(`${TOPIC_SELECT} ORDER BY t.position, t.id`);
    return rows.map(toTopic);
  }

  async getTopic(id: string): Promise<Topic | null> {
    const { rows } = await this.pool.query<TopicRow>(`${TOPIC_SELECT} WHERE t.id = $1`, [id]);
    return rows[0] ? toTopic(rows[0]) : null;
  }

  saveTopic(topic: Topic, actor: string): Promise<void> {
    return transaction(this.pool, async (c) => {
      const before = await c.query<TopicRow>(`${TOPIC_SELECT} WHERE t.id = $1 FOR UPDATE OF t`, [topic.id]);
      await c.query(
        `INSERT INTO topics (id, names, mode, assistant, add_agents_at, fields, position, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now())
         ON CONFLICT (id) DO UPDATE SET names = EXCLUDED.names, mode = EXCLUDED.mode,
           assistant = EXCLUDED.assistant, add_agents_at = EXCLUDED.add_agents_at,
           fields = EXCLUDED.fields, position = EXCLUDED.position, updated_at = now()`,
        [
          topic.id,
          json(topic.names),
          topic.mode,
          topic.assistant,
          topic.addAgentsAt,
          json(topic.fields),
          topic.position,
        ],
      );
      const agents = [...new Set(topic.agents)];
      await c.query('DELETE FROM topic_agents WHERE topic_id = $1', [topic.id]);
      await c.query(
        `INSERT INTO topic_agents (topic_id, email, position)
         SELECT $1, email, ord FROM unnest($2::text[]) WITH ORDINALITY AS a (email, ord)`,
        [topic.id, agents],
      );
      const after: Topic = { ...topic, agents };
      await insertAudit(c, actor, 'topic.save', topic.id, before.rows[0] ? toTopic(before.rows[0]) : null, after);
    });
  }

  deleteTopic(id: string, actor: string): Promise<boolean> {
    return transaction(this.pool, async (c) => {
      const before = await c.query<TopicRow>(`${TOPIC_SELECT} WHERE t.id = $1 FOR UPDATE OF t`, [id]);
      if (!before.rows[0]) return false;
      await c.query('DELETE FROM topics WHERE id = $1', [id]);
      await insertAudit(c, actor, 'topic.delete', id, toTopic(before.rows[0]), null);
      return true;
    });
  }

  // --- settings and audit ----------------------------------------------------------------------

  async getSetting<T extends Json>(key: string): Promise<T | undefined> {
    const { rows } = await this.pool.query<{ value: T }>('SELECT value FROM settings WHERE key = $1', [key]);
    return rows[0]?.value;
  }

  setSetting(key: string, value: Json, actor: string): Promise<void> {
    return transaction(this.pool, async (c) => {
      const before = await c.query<{ value: Json }>('SELECT value FROM settings WHERE key = $1 FOR UPDATE', [key]);
      await c.query(
        `INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, now(), $3)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now(),
           updated_by = EXCLUDED.updated_by`,
        [key, json(value), actor],
      );
      await insertAudit(c, actor, 'setting.set', key, before.rows[0]?.value ?? null, value);
    });
  }

  async listAudit(limit = 100): Promise<Required<AuditEntry>[]> {
    const { rows } = await this.pool.query<AuditRow>(
      'SELECT actor, action, subject, before, after, at FROM audit ORDER BY at DESC, id DESC LIMIT $1',
      [limit],
    );
    return rows.map(toAudit);
  }

  // --- outbox ----------------------------------------------------------------------------------

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

  // --- dedupe and retention --------------------------------------------------------------------

  async markProcessed(key: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      'INSERT INTO processed (key) VALUES ($1) ON CONFLICT (key) DO NOTHING',
      [text(key)],
    );
    return rowCount === 1;
  }

  async purgeProcessedBefore(cutoff: Date): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM processed WHERE at < $1', [cutoff]);
    return rowCount ?? 0;
  }

  async saveOfflineMessage(m: NewOfflineMessage): Promise<OfflineMessage> {
    const { rows } = await this.pool.query<OfflineRow>(
      `INSERT INTO offline_messages (topic_id, name, email, message, language, page, ip, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8::timestamptz, now())) RETURNING *`,
      [m.topicId, text(m.name), text(m.email), text(m.message), m.language, m.page && text(m.page), m.ip, m.at ?? null],
    );
    return toOffline(rows[0]!);
  }

  async listOfflineMessages(limit = 50): Promise<OfflineMessage[]> {
    const { rows } = await this.pool.query<OfflineRow>(
      'SELECT * FROM offline_messages ORDER BY at DESC, id DESC LIMIT $1',
      [limit],
    );
    return rows.map(toOffline);
  }

  async purgeOfflineMessagesBefore(cutoff: Date): Promise<number> {
    const { rowCount } = await this.pool.query('DELETE FROM offline_messages WHERE at < $1', [cutoff]);
    return rowCount ?? 0;
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

/** A message's columns as the append statements take them ($1..$8), ids already cleaned. */
function messageParams(message: NewMessage, clientId: string | null, externalId: string | null): unknown[] {
  return [
    message.chatId,
    message.from,
    text(message.text),
    text(message.authorName ?? null),
    message.data == null ? null : json(message.data),
    clientId,
    externalId,
    message.at ?? null,
  ];
}

interface OfflineRow {
  id: string;
  topic_id: string;
  name: string;
  email: string;
  message: string;
  language: string;
  page: string | null;
  ip: string | null;
  at: Date;
}

function toOffline(r: OfflineRow): OfflineMessage {
  return {
    id: Number(r.id),
    topicId: r.topic_id,
    name: r.name,
    email: r.email,
    message: r.message,
    language: r.language,
    page: r.page,
    ip: r.ip,
    at: r.at,
  };
}

/** SQL inserting one event for the chat row of CTE `source`; parameters from `first` on. */
function insertEventFrom(source: string, first: number): string {
  const [type, actor, data, at] = [first, first + 1, first + 2, first + 3].map((n) => `$${n}`);
  return `INSERT INTO chat_events (chat_id, type, actor, data, at)
    SELECT id, ${type}, ${actor}, ${data}, coalesce(${at}::timestamptz, now()) FROM ${source}`;
}

function eventParams(event: NewChatEvent): unknown[] {
  return [event.type, text(event.actor), json(event.data ?? {}), event.at ?? null];
}

async function insertAudit(
  c: Queryable,
  actor: string,
  action: string,
  subject: string,
  before: unknown,
  after: unknown,
): Promise<void> {
  await c.query('INSERT INTO audit (actor, action, subject, before, after) VALUES ($1, $2, $3, $4, $5)', [
    text(actor),
    action,
    subject,
    json(before),
    json(after),
  ]);
}

async function findDuplicate(
  q: Queryable,
  chatId: string,
  clientId: string | null,
  externalId: string | null,
): Promise<ChatMessage | null> {
  const { rows } = await q.query<MessageRow>(
    `SELECT ${MESSAGE_COLUMNS} FROM messages
     WHERE (chat_id = $1 AND client_id = $2) OR external_id = $3
     ORDER BY seq LIMIT 1`,
    [chatId, text(clientId), text(externalId)],
  );
  return rows[0] ? toMessage(rows[0]) : null;
}
