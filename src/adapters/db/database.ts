// Opens the product's PostgreSQL: the server named by a URL, or an embedded one owned by this
// process. Either way the caller gets one pg Pool with the schema migrated, and one close().
import pg from 'pg';
import type pino from 'pino';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.js';
import { migrate } from './migrate.js';

export interface Database {
  pool: pg.Pool;
  /** Connection string of the server (for the embedded one it includes its password). */
  url: string;
  embedded: boolean;
  /** Ends the pool, then stops the embedded server if this process started it. */
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** A PostgreSQL connection string; without it an embedded server runs in `dataDir`. */
  url?: string;
  /** The embedded cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
  log: pino.Logger;
  /** Pool size; at least 2 (the scheduler's backend holds one connection for LISTEN). */
  poolMax?: number;
  /** Skip the schema migrations (tests of the migration runner itself). Default: migrate. */
  migrate?: boolean;
  /** Embedded only: fsync off, for throwaway test clusters. */
  unsafeFast?: boolean;
  /** Embedded only: the server is down for good (the composition root decides what follows). */
  onGiveUp?: () => void;
}

const DEFAULT_POOL_MAX = 10;

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const poolMax = opts.poolMax ?? DEFAULT_POOL_MAX;
  if (!Number.isInteger(poolMax) || poolMax < 2) {
    throw new Error(`poolMax must be an integer of at least 2 (got ${poolMax})`);
  }
  const log = opts.log.child({ component: 'database' });

  let server: EmbeddedServer | undefined;
  let url = opts.url;
  if (!url) {
    server = await startEmbeddedPostgres({ dataDir: opts.dataDir, log: opts.log, unsafeFast: opts.unsafeFast, onGiveUp: opts.onGiveUp });
    url = server.url;
  }

  let closing: Promise<void> | undefined;
  const pool = createPool(url, poolMax, log, () => closing !== undefined);
  try {
    await pool.query('SELECT 1').catch((err: Error) => {
      throw new Error(`Cannot connect to PostgreSQL at ${redact(url)}: ${err.message}`);
    });
    if (opts.migrate !== false) await migrate(pool, log);
  } catch (err) {
    await pool.end().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    throw err;
  }

  return {
    pool,
    url,
    embedded: server !== undefined,
    close() {
      closing ??= (async () => {
        await pool.end().catch((err: Error) => log.warn({ err }, 'error while ending the pool'));
        await server?.stop();
      })();
      return closing;
    },
  };
}

export function createPool(url: string, max: number, log: pino.Logger, closing = () => false): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    idleTimeoutMillis: 30_000,
    // Fail rather than hang: an unreachable server, a pool exhausted for 10 s, a runaway query,
    // or a transaction left open by a bug (it would hold a chat's row lock and stall its appends).
    connectionTimeoutMillis: 10_000,
    statement_timeout: 30_000,
    idle_in_transaction_session_timeout: 60_000,
  });
  // An idle client losing its server (restart, network) must not crash the process; the pool
  // drops that client and the next query opens a new one. While closing, the embedded server's
  // shutdown can still reach sockets the pool has let go: expected, so not a warning.
  pool.on('error', (err) => {
    if (closing()) log.debug({ err: err.message }, 'connection ended by shutdown');
    else log.warn({ err: err.message }, 'idle PostgreSQL connection failed');
  });
  return pool;
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable connection string)';
  }
}
