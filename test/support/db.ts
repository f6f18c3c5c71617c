// A fresh, migrated database per test file: on the server named by DATABASE_URL when set,
// otherwise on the embedded PostgreSQL that global-setup.ts starts once per run.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { migrate } from '../../src/adapters/db/migrate.js';

export type DatabaseTarget = 'embedded' | 'server';

export interface TestDatabase {
  /** Connection string of the new database (give it to code under test). */
  url: string;
  pool: pg.Pool;
  target: DatabaseTarget;
  /** Ends the pool and drops the database (even if other connections are still open). */
  drop(): Promise<void>;
}

/** The servers a contract suite should run against: always embedded, plus DATABASE_URL's. */
export function databaseTargets(): DatabaseTarget[] {
  return process.env.DATABASE_URL ? ['embedded', 'server'] : ['embedded'];
}

export function adminUrl(target: DatabaseTarget): string {
  if (target === 'server') {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: no server PostgreSQL to test against');
    return url;
  }
  const url = inject('embeddedPostgresUrl');
  if (!url) throw new Error('No embedded PostgreSQL: is test/support/global-setup.ts configured?');
  return url;
}

export async function createTestDatabase(
  opts: { target?: DatabaseTarget; poolMax?: number; migrate?: boolean } = {},
): Promise<TestDatabase> {
  const target = opts.target ?? (process.env.DATABASE_URL ? 'server' : 'embedded');
  const admin = adminUrl(target);
  const name = `${inject('testDatabasePrefix') ?? 'livechat_test_'}${process.pid}_${randomBytes(4).toString('hex')}`;
  await withClient(admin, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(admin, name);
  const pool = new pg.Pool({ connectionString: url, max: opts.poolMax ?? 10 });
  pool.on('error', () => undefined); // dropped connections at teardown are expected
  try {
    if (opts.migrate !== false) await migrate(pool);
  } catch (err) {
    await pool.end();
    await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    throw err;
  }
  let dropped: Promise<void> | undefined;
  return {
    url,
    pool,
    target,
    drop() {
      dropped ??= (async () => {
        await pool.end();
        await withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      })();
      return dropped;
    },
  };
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
