// The Store contract on PostgreSQL: always the embedded server, and DATABASE_URL's when set.
import { PostgresStore } from '../../../src/adapters/store/postgres/postgres-store.js';
import { createTestDatabase, databaseTargets } from '../../support/db.js';
import { describeStoreContract } from './store-contract.js';

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
