// The Scheduler port on Agenda 6 with its PostgreSQL backend: jobs live in the same database as
// the chats, so any instance may run any timer and a restart loses none. The backend keeps one
// pooled connection for LISTEN, so new jobs are picked up at once rather than at the next poll.
import { Agenda, exponential, type Job } from 'agenda';
import {
  PostgresBackend,
  getCreateIndexesSQL,
  getCreateTableSQL,
  getUpdateTimestampTriggerSQL,
} from '@agendajs/postgres-backend';
import type pg from 'pg';
import type { Logger } from '../../logger.js';
import type { Json, Scheduler } from '../../ports.js';

/** What is stored in a job: our payload plus the replace key of `schedule`. */
interface Envelope<T extends Json = Json> {
  key: string | null;
  data: T;
}

export interface AgendaSchedulerOptions {
  /** A pool with max ≥ 2: the backend holds one connection for LISTEN. Not closed by us. */
  pool: pg.Pool;
  log: Logger;
  /** Instance name recorded on locked jobs (default: host:pid). */
  name?: string;
  /** How often to look for due jobs besides notifications (default 2 s). */
  processEvery?: number;
  /** A job running longer than this is considered dead and may run elsewhere (default 60 s). */
  lockLifetime?: number;
  /** How long `stop()` waits for running jobs (default 8 s). */
  drainTimeout?: number;
  /** Retries of a failing job, with exponential backoff from 1 s (default 5). */
  maxRetries?: number;
  tableName?: string;
}

export class AgendaScheduler implements Scheduler {
  private readonly agenda: Agenda;
  private readonly pool: pg.Pool;
  private readonly log: Logger;
  private readonly table: string;
  private readonly lockLifetime: number;
  private readonly maxRetries: number;
  private readonly drainTimeout: number;
  private started = false;
  /** Jobs of this instance started and not yet `complete` (Agenda's own count lags: see stop). */
  private running = 0;
  private readonly idle = new Set<() => void>();
  private stopping: Promise<void> | undefined;
  private schema: Promise<void> | undefined;

  constructor(options: AgendaSchedulerOptions) {
    const max = (options.pool as pg.Pool & { options?: { max?: number } }).options?.max;
    if (max !== undefined && max < 2) {
      throw new Error('the scheduler needs a pool with max >= 2 (one connection stays on LISTEN)');
    }
    this.pool = options.pool;
    this.log = options.log;
    this.table = options.tableName ?? 'agenda_jobs';
    this.lockLifetime = options.lockLifetime ?? 60_000;
    this.maxRetries = options.maxRetries ?? 5;
    this.drainTimeout = options.drainTimeout ?? 8_000;
    // Its own schema step races when two instances start on a fresh database (both run
    // CREATE INDEX IF NOT EXISTS; one fails on the catalog's unique index): see `ready`.
    const backend = new PostgresBackend({ pool: options.pool, tableName: this.table, ensureSchema: false });
    // Its LISTEN connection reports errors as 'error' events, also after stop() has handed that
    // connection back to the pool: with no listener, the database going away (a restart, or the
    // embedded one stopping at shutdown) would crash the process. It reconnects by itself.
    backend.notificationChannel?.on('error', (error: Error) => {
      if (this.stopping) this.log.debug({ err: error }, 'scheduler LISTEN connection closed');
      else this.log.warn({ err: error }, 'scheduler LISTEN connection lost; reconnecting');
    });
    this.agenda = new Agenda({
      backend,
      name: options.name ?? `${process.env.HOSTNAME ?? 'livechat'}:${process.pid}`,
      processEvery: options.processEvery ?? 2_000,
      defaultLockLifetime: this.lockLifetime,
      // One-off timers (one per chat) would pile up otherwise.
      removeOnComplete: true,
    });
    // `complete` comes after Agenda has saved the job's state, for success and failure alike.
    this.agenda.on('complete', (_job: unknown, remote?: boolean) => {
      if (remote === true) return;
      this.running = Math.max(0, this.running - 1);
      if (this.running === 0) for (const resolve of this.idle) resolve();
    });
    this.agenda.on('error', (error: Error) => this.log.error({ err: error }, 'scheduler error'));
    this.agenda.on('fail', (error: Error | string, job: { attrs?: { name?: string }; jobName?: string }) => {
      this.log.warn({ err: error, job: job.attrs?.name ?? job.jobName }, 'job failed');
    });
  }

  define<T extends Json>(name: string, handler: (data: T) => Promise<void>): void {
    if (this.started) throw new Error(`define "${name}" before the scheduler starts`);
    this.agenda.define<Envelope<T>>(
      name,
      async (job: Job<Envelope<T>>) => {
        this.running++;
        await handler(job.attrs.data.data);
      },
      { backoff: exponential({ delay: 1_000, maxRetries: this.maxRetries, maxDelay: 60_000 }) },
    );
  }

  /** Agenda connected and its table in place, created once under an advisory lock. */
  private ready(): Promise<void> {
    this.schema ??= (async () => {
      await this.agenda.ready;
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        await client.query("SELECT pg_advisory_xact_lock(hashtext('livechat:agenda-schema'))");
        await client.query(getCreateTableSQL(this.table));
        for (const sql of getCreateIndexesSQL(this.table)) await client.query(sql);
        await client.query(getUpdateTimestampTriggerSQL(this.table));
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        this.schema = undefined;
        throw error;
      } finally {
        client.release();
      }
    })();
    return this.schema;
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.ready();
    await this.agenda.start();
    this.started = true;
  }

  async every(interval: string | number, name: string, data: Json = null): Promise<void> {
    await this.ready();
    // Agenda stores a recurring job as a `single` job, unique per name (a unique index).
    await this.agenda.every(interval, name, { key: null, data } satisfies Envelope);
  }

  async schedule(at: Date, name: string, data: Json, key?: string): Promise<void> {
    await this.ready();
    const envelope: Envelope = { key: key ?? null, data };
    if (key === undefined) {
      await this.agenda.schedule(at, name, envelope);
      return;
    }
    // Replace without a lock: insert, then delete every job of that key older than the newest
    // one. Whoever cleans last sees every insert, so exactly one job survives even when several
    // instances schedule the same key at once. The newest counts even if it is already locked
    // (a job due at once may be taken before we clean); a running older job is left alone.
    await this.agenda.schedule(at, name, envelope);
    await this.pool.query(
      `DELETE FROM "${this.table}" AS j
        WHERE j.name = $1 AND j.data @> $2::jsonb AND j.locked_at IS NULL
          AND (j.created_at, j.id) < (
            SELECT n.created_at, n.id FROM "${this.table}" AS n
             WHERE n.name = $1 AND n.data @> $2::jsonb
             ORDER BY n.created_at DESC, n.id DESC LIMIT 1)`,
      [name, JSON.stringify({ key })],
    );
  }

  async cancel(name: string, key?: string): Promise<number> {
    await this.ready();
    return this.agenda.cancel(key === undefined ? { name } : { name, data: { key } });
  }

  /**
   * Stops taking jobs, waits for the running ones (up to the drain timeout), and stops.
   * Agenda's own drain() re-checks its running list one tick after each `complete`, before the
   * list is updated, so it would wait for its timeout; we count completions ourselves instead.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.started) return;
      const abort = new AbortController();
      const drained = this.agenda.drain({ signal: abort.signal, closeConnection: false });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        this.whenIdle().then(() => false),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), this.drainTimeout);
        }),
      ]);
      clearTimeout(timer);
      if (timedOut) this.log.warn({ running: this.running }, 'scheduler stopped with jobs still running');
      abort.abort();
      await drained;
      this.started = false;
    })();
    return this.stopping;
  }

  private whenIdle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.idle.delete(done);
        resolve();
      };
      this.idle.add(done);
    });
  }
}
