// Vitest global setup: one embedded PostgreSQL for the whole run, in a temporary directory.
// Each test file then gets its own fresh database on it (see ./db.ts).
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/adapters/db/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the run's embedded PostgreSQL. */
    embeddedPostgresUrl: string;
    /** Prefix of this run's test databases, so teardown can drop any a crashed file left. */
    testDatabasePrefix: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'livechat-test-pg-'));
  await chmod(dir, 0o755); // as root the cluster runs as `postgres`, which must enter the dir
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'warn' });
  const server = await startEmbeddedPostgres({ dataDir: dir, log, unsafeFast: true }).catch(
    async (err: unknown) => {
      await rm(dir, { recursive: true, force: true });
      throw err;
    },
  );
  const prefix = `livechat_test_${randomBytes(3).toString('hex')}_`;
  project.provide('embeddedPostgresUrl', server.url);
  project.provide('testDatabasePrefix', prefix);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
    if (process.env.DATABASE_URL) await dropLeftovers(process.env.DATABASE_URL, prefix);
  };
}

/** Drops this run's databases on the shared server that a failed test file did not drop. */
async function dropLeftovers(url: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
