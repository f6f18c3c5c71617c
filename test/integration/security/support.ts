// The product started for the security tests: startApp on a fresh test database with the
// in-process sandbox (in memory), bound where the test says, with the environment it gives.
import { mkdtempSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config.js';
import { startApp, type RunningApp } from '../../../src/main.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export interface Started {
  app: RunningApp;
  db: TestDatabase;
  close(): Promise<void>;
}

/** `host` undefined: the configuration's own default (what `npm start` would bind). */
export async function startWith(env: Record<string, string>, host?: string, logger = log): Promise<Started> {
  const db = await createTestDatabase({ poolMax: 10 });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'security-test-'));
  try {
    const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, EVENT_BUS: 'memory', ...env }, [], dataDir);
    const app = await startApp(config, {
      port: 0,
      ...(host ? { host } : {}),
      log: logger,
      database: { pool: db.pool, url: db.url, embedded: false, close: async () => {} },
      sandboxDataDir: null,
      httpDrainMs: 500,
      outbox: { sweepMs: 100, leaseMs: 5_000, baseDelayMs: 100, maxDelayMs: 1_000 },
      scheduler: { processEvery: 100, lockLifetime: 5_000, drainTimeout: 1_000 },
      webexPolicy: { baseDelayMs: 20, maxDelayMs: 200, maxRetries: 2, timeoutMs: 5_000 },
    });
    return {
      app,
      db,
      close: async () => {
        await app.close();
        await db.drop();
      },
    };
  } catch (error) {
    await db.drop();
    throw error;
  }
}

/** An address of this machine that is not loopback (another machine would reach us there too). */
export function outsideAddress(): string {
  const found = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && !i.internal && i.family === 'IPv4');
  if (!found) throw new Error('this machine has no non-loopback IPv4 address to test from');
  return found.address;
}
