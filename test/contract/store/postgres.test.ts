// The Store contract on PostgreSQL: always the embedded server, and DATABASE_URL's when set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../../src/adapters/store/postgres/postgres-store.js';
import { createTestDatabase, databaseTargets, type TestDatabase } from '../../support/db.js';
import { describeStoreContract, newChat } from './store-contract.js';

const TABLES = 'topics, topic_agents, chats, messages, chat_events, outbox, settings, audit, processed';

for (const target of databaseTargets()) {
  describeStoreContract(`postgres (${target})`, async () => {
    const db = await createTestDatabase({ target });
    return {
      store: new PostgresStore(db.pool),
      reset: async () => {
        await db.pool.query(`TRUNCATE ${TABLES} RESTART IDENTITY`);
      },
      close: () => db.drop(),
    };
  });
}

describe('PostgresStore specifics', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('purges in batches until nothing old is left', async () => {
    const store = new PostgresStore(db.pool, { purgeBatch: 2 });
    const closedAt = new Date('2020-01-01T00:00:00Z');
    for (let i = 0; i < 5; i++) {
      const chat = await store.createChat(newChat({ state: 'closed', closedAt }), { type: 'created', actor: 'v' });
      await store.appendMessage({ chatId: chat.id, from: 'visitor', text: 'old' });
    }
    expect(await store.purgeClosedBefore(new Date('2021-01-01T00:00:00Z'))).toBe(5);
    const { rows } = await db.pool.query('SELECT (SELECT count(*) FROM chats)::int AS c, (SELECT count(*) FROM messages)::int AS m');
    expect(rows[0]).toEqual({ c: 0, m: 0 });
  });

  it('keeps the per-chat counter in step with the stored messages', async () => {
    const store = new PostgresStore(db.pool);
    const chat = await store.createChat(newChat(), { type: 'created', actor: 'v' });
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.appendMessage({ chatId: chat.id, from: 'visitor', text: 'x', clientId: `c${i % 4}` }),
      ),
    );
    const { rows } = await db.pool.query(
      'SELECT last_seq, (SELECT max(seq) FROM messages WHERE chat_id = $1) AS max FROM chats WHERE id = $1',
      [chat.id],
    );
    expect(rows[0]).toEqual({ last_seq: 4, max: 4 });
  });
});
