// TopicStore and SettingsStore over PostgreSQL: every change is audited in the same transaction.
import type pg from 'pg';
import type { Topic } from '../../../domain/types.js';
import type { AuditEntry, Json, SettingVersion, SettingsStore, TopicStore } from '../../../ports.js';
import { toAudit, toTopic, type AuditRow, type TopicRow } from './rows.js';
import { json, text, transaction } from './sql.js';

const TOPIC_SELECT = `
  SELECT t.id, t.names, t.mode, t.assistant, t.add_agents_at, t.fields, t.position,
         coalesce((SELECT array_agg(a.email ORDER BY a.position) FROM topic_agents a
                   WHERE a.topic_id = t.id), '{}') AS agents
  FROM topics t`;

type Queryable = Pick<pg.PoolClient, 'query'>;

export class PgTopics implements TopicStore {
  constructor(private readonly pool: pg.Pool) {}

  async listTopics(): Promise<Topic[]> {
    const { rows } = await this.pool.query<TopicRow>(`${TOPIC_SELECT} ORDER BY t.position, t.id`);
    return rows.map(toTopic);
  }

  async getTopic(id: string): Promise<Topic | null> {
    const { rows } = await this.pool.query<TopicRow>(`${TOPIC_SELECT} WHERE t.id = $1`, [id]);
    return rows[0] ? toTopic(rows[0]) : null;
  }

  async topicVersion(id: string): Promise<SettingVersion> {
    return versionOf(this.pool, id, 'topic.%');
  }

  saveTopic(topic: Topic, actor: string, ifVersion?: number): Promise<boolean> {
    return transaction(this.pool, async (c) => {
      const before = await c.query<TopicRow>(`${TOPIC_SELECT} WHERE t.id = $1 FOR UPDATE OF t`, [topic.id]);
      if (ifVersion !== undefined && (await versionOf(c, topic.id, 'topic.%')).version !== ifVersion) return false;
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
      return true;
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
}

export class PgSettings implements SettingsStore {
  constructor(private readonly pool: pg.Pool) {}

  async getSetting<T extends Json>(key: string): Promise<T | undefined> {
    const { rows } = await this.pool.query<{ value: T }>('SELECT value FROM settings WHERE key = $1', [key]);
    return rows[0]?.value;
  }

  async settingVersion(key: string): Promise<SettingVersion> {
    return versionOf(this.pool, key, 'setting.set');
  }

  setSetting(key: string, value: Json, actor: string, ifVersion?: number): Promise<boolean> {
    return transaction(this.pool, async (c) => {
      // The row lock orders concurrent writers; the version read after it is the latest.
      const before = await c.query<{ value: Json }>('SELECT value FROM settings WHERE key = $1 FOR UPDATE', [key]);
      if (ifVersion !== undefined && (await versionOf(c, key)).version !== ifVersion) return false;
      await c.query(
        `INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, now(), $3)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now(),
           updated_by = EXCLUDED.updated_by`,
        [key, json(value), actor],
      );
      await insertAudit(c, actor, 'setting.set', key, before.rows[0]?.value ?? null, value);
      return true;
    });
  }

  async listAudit(limit = 100): Promise<Required<AuditEntry>[]> {
    const { rows } = await this.pool.query<AuditRow>(
      'SELECT actor, action, subject, before, after, at FROM audit ORDER BY at DESC, id DESC LIMIT $1',
      [limit],
    );
    return rows.map(toAudit);
  }
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

/** The latest audit entry of a subject: `setting.set` for settings, `topic.%` for topics. */
async function versionOf(c: Queryable, key: string, action = 'setting.set'): Promise<SettingVersion> {
  const { rows } = await c.query<{ id: string; actor: string; at: Date }>(
    'SELECT id, actor, at FROM audit WHERE action LIKE $2 AND subject = $1 ORDER BY id DESC LIMIT 1',
    [key, action],
  );
  const row = rows[0];
  return row ? { version: Number(row.id), actor: row.actor, at: row.at } : { version: 0, actor: null, at: null };
}
