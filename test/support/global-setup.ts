// Vitest global setup: one embedded PostgreSQL for the whole run, in a temporary directory.
// Each test file then gets its own fresh database on it (see ./db.ts).
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/adapters/db/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL of the run's embedded PostgreSQL. */
    embeddedPostgresUrl: string;
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
  project.provide('embeddedPostgresUrl', server.url);
  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
