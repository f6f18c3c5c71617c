// The product started for the security tests: startApp on a fresh test database with the
// in-process sandbox (in memory), bound where the test says, with the environment it gives.
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
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

// "Another machine" for the exposure tests: a network namespace this test run makes itself,
// joined to this machine by a veth pair on 10.213.<n>.0/30 (this machine .1, the namespace .2).
// Requests made from inside the namespace arrive at the app from 10.213.<n>.2, as a visitor from
// elsewhere would; the namespace has no other link and no default route, so nothing leaves it
// except towards this machine's end of the pair.

const run = promisify(execFile);
const IP_TIMEOUT_MS = 10_000;

async function ip(args: string[]): Promise<string> {
  try {
    const { stdout } = await run('ip', args, { timeout: IP_TIMEOUT_MS });
    return stdout;
  } catch (error) {
    const e = error as Error & { code?: string | number; stderr?: string; killed?: boolean };
    const why = e.code === 'ENOENT' ? 'the ip command is not installed' : e.killed ? `no answer within ${IP_TIMEOUT_MS} ms` : (e.stderr || e.message).trim();
    throw new Error(`ip ${args.join(' ')}: ${why}`);
  }
}

/** Why network namespaces cannot be made here (no `ip`, not permitted), or null when they can. */
export async function netnsUnavailable(): Promise<string | null> {
  const probe = `lc${randomBytes(4).toString('hex')}`;
  try {
    await ip(['netns', 'add', probe]);
  } catch (error) {
    return (error as Error).message;
  }
  await ip(['netns', 'del', probe]);
  return null;
}

export type Reply = { status: number; body: string } | { error: string; message: string };

export interface OutsideHost {
  /** This machine's end of the pair: where the namespace reaches the app. */
  hostAddress: string;
  /** A request made from inside the namespace; a connection that fails gives its error code. */
  request(url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<Reply>;
  /** Removes the namespace and both ends of the pair. */
  close(): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 10_000;
// Runs in the namespace: one fetch, its outcome as one JSON line on stdout.
const FETCH_SCRIPT = `
const [url, init, ms] = JSON.parse(process.argv[1]);
fetch(url, { ...init, signal: AbortSignal.timeout(ms) }).then(
  async (r) => console.log(JSON.stringify({ status: r.status, body: await r.text() })),
  (e) => console.log(JSON.stringify({ error: String(e.cause?.code ?? e.name), message: String(e.cause?.message ?? e.message) })),
);`;

export async function createOutsideHost(): Promise<OutsideHost> {
  const id = randomBytes(4).toString('hex');
  const ns = `lc${id}`;
  const hostEnd = `lc${id}a`;
  const nsEnd = `lc${id}b`;
  const undo: Array<() => Promise<void>> = [];
  const close = async () => {
    const failures: string[] = [];
    for (const step of undo.splice(0).reverse()) {
      await step().catch((error: Error) => {
        // Deleting one end of a veth pair removes the other; the namespace may take it first.
        if (!/Cannot find device|No such file/.test(error.message)) failures.push(error.message);
      });
    }
    if (failures.length > 0) throw new Error(`cleaning up namespace ${ns}: ${failures.join('; ')}`);
  };
  try {
    await ip(['netns', 'add', ns]);
    undo.push(() => ip(['netns', 'del', ns]).then(() => {}));
    await ip(['link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', nsEnd]);
    undo.push(() => ip(['link', 'del', hostEnd]).then(() => {}));
    await ip(['link', 'set', nsEnd, 'netns', ns]);

    let subnet: number | undefined;
    for (let attempt = 0; attempt < 10 && subnet === undefined; attempt++) {
      const n = randomInt(256);
      const taken = await ip(['-4', '-o', 'addr', 'show']);
      if (taken.includes(` 10.213.${n}.`)) continue;
      try {
        await ip(['addr', 'add', `10.213.${n}.1/30`, 'dev', hostEnd]);
        subnet = n;
      } catch (error) {
        if (!/exists|in use/i.test((error as Error).message)) throw error;
      }
    }
    if (subnet === undefined) throw new Error('no free 10.213.<n>.0/30 for the test namespace after 10 tries');
    await ip(['-n', ns, 'addr', 'add', `10.213.${subnet}.2/30`, 'dev', nsEnd]);
    await ip(['link', 'set', hostEnd, 'up']);
    await ip(['-n', ns, 'link', 'set', nsEnd, 'up']);
    await ip(['-n', ns, 'link', 'set', 'lo', 'up']);

    const request: OutsideHost['request'] = async (url, init = {}) => {
      const what = `${init.method ?? 'GET'} ${url} from namespace ${ns}`;
      const args = ['netns', 'exec', ns, process.execPath, '-e', FETCH_SCRIPT, JSON.stringify([url, init, REQUEST_TIMEOUT_MS])];
      let stdout: string;
      try {
        ({ stdout } = await run('ip', args, { timeout: REQUEST_TIMEOUT_MS + 5_000, env: { PATH: process.env.PATH ?? '' } }));
      } catch (error) {
        const e = error as Error & { killed?: boolean; stderr?: string };
        throw new Error(e.killed ? `${what}: no outcome within ${REQUEST_TIMEOUT_MS + 5_000} ms` : `${what}: ${(e.stderr || e.message).trim()}`);
      }
      try {
        return JSON.parse(stdout) as Reply;
      } catch {
        throw new Error(`${what}: expected one JSON line, got ${JSON.stringify(stdout)}`);
      }
    };
    return { hostAddress: `10.213.${subnet}.1`, request, close };
  } catch (error) {
    await close().catch(() => {});
    throw error;
  }
}
