// MessageStore over PostgreSQL: gap-free per-chat sequence numbers, duplicates stored once, and
// a message with its outbox delivery in one round trip (append_message_with_outbox, migration 2).
import type pg from 'pg';
import type { ChatMessage, ChatState } from '../../../domain/types.js';
import { AppendRefusedError } from '../../../ports.js';
import type { AppendGuard, AppendedWithOutbox, LeaseIfHead, MessageStore, NewMessage, NewOutboxItem } from '../../../ports.js';
import { toMessage, toOutboxItem, type MessageRow } from './rows.js';
import { json, text } from './sql.js';

/** appendMessage on a chat that does not exist (or was purged). */
class ChatNotFoundError extends Error {
  constructor(readonly chatId: string) {
    super(`Chat ${chatId} does not exist`);
    this.name = 'ChatNotFoundError';
  }
}

const MESSAGE_COLUMNS = 'chat_id, seq, sender, text, author_name, client_id, external_id, data, at';

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

export class PgMessages implements MessageStore {
  constructor(private readonly pool: pg.Pool) {}

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
    if (!(await chatExists(this.pool, message.chatId))) throw new ChatNotFoundError(message.chatId);
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
    if (!(await chatExists(this.pool, message.chatId))) throw new ChatNotFoundError(message.chatId);
    throw new Error(`appendMessageWithOutbox: message for chat ${message.chatId} was neither stored nor found`);
  }

  async listMessages(chatId: string, afterSeq: number, limit?: number): Promise<ChatMessage[]> {
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE chat_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [chatId, afterSeq, limit ?? null],
    );
    return rows.map(toMessage);
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

async function chatExists(pool: pg.Pool, chatId: string): Promise<boolean> {
  const { rowCount } = await pool.query('SELECT 1 FROM chats WHERE id = $1', [chatId]);
  return rowCount === 1;
}

async function findDuplicate(
  q: Pick<pg.PoolClient, 'query'>,
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
