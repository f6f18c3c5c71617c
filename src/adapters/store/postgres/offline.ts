// OfflineMessageStore and DedupeStore over PostgreSQL: the offline form's messages, and the
// webhook delivery ids already seen.
import type pg from 'pg';
import type { DedupeStore, NewOfflineMessage, OfflineMessage, OfflineMessageStore } from '../../../ports.js';
import { text } from './sql.js';

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

export class PgOfflineMessages implements OfflineMessageStore {
  constructor(private readonly pool: pg.Pool) {}

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
}

export class PgDedupe implements DedupeStore {
  constructor(private readonly pool: pg.Pool) {}

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
}
