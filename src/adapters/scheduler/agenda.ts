// The Scheduler port on Agenda 6 with its PostgreSQL backend: jobs live in the same database as
// the chats, so any instance may run any timer and a restart loses none. The backend keeps one
// pooled connection for LISTEN, so new jobs are picked up at once rather than at the next poll.
import { Agenda, exponential, type Job } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
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
  private stopping: Promise<void> | undefined;

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
    this.agenda = new Agenda({
      backend: new PostgresBackend({ pool: options.pool, tableName: this.table }),
      name: options.name ?? `${process.env.HOSTNAME ?? 'livechat'}:${process.pid}`,
      processEvery: options.processEvery ?? 2_000,
      defaultLockLifetime: this.lockLifetime,
      // One-off timers (one per chat) would pile up otherwise.
      removeOnComplete: true,
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
        await handler(job.attrs.data.data);
      },
      { backoff: exponential({ delay: 1_000, maxRetries: this.maxRetries, maxDelay: 60_000 }) },
    );
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.agenda.start();
    this.started = true;
  }

  async every(interval: string | number, name: string, data: Json = null): Promise<void> {
    await this.agenda.ready;
    // Agenda stores a recurring job as a `single` job, unique per name (a unique index).
    await this.agenda.every(interval, name, { key: null, data } satisfies Envelope);
  }

  async schedule(at: Date, name: string, data: Json, key?: string): Promise<void> {
    await this.agenda.ready;
    const envelope: Envelope = { key: key ?? null, data };
    if (key === undefined) {
      await this.agenda.schedule(at, name, envelope);
      return;
    }
    // Replace = delete the pending job of that key, then create. Two instances doing it at the
    // same time must not both create one: serialise on an advisory lock of (name, key).
    await this.withLock(`${name}\u0000${key}`, async () => {
      await this.pool.query(
        `DELETE FROM "${this.table}" WHERE name = $1 AND data @> $2::jsonb AND locked_at IS NULL`,
        [name, JSON.stringify({ key })],
      );
      await this.agenda.schedule(at, name, envelope);
    });
  }

  async cancel(name: string, key?: string): Promise<number> {
    await this.agenda.ready;
    return this.agenda.cancel(key === undefined ? { name } : { name, data: { key } });
  }

  /** Waits for running jobs (up to the drain timeout), then releases the rest. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.started) return;
      const result = await this.agenda.drain({ timeout: this.drainTimeout, closeConnection: false });
      if (result.timedOut) {
        this.log.warn({ running: result.running }, 'scheduler stopped with jobs still running');
      }
      this.started = false;
    })();
    return this.stopping;
  }

  private async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [name]);
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [name]);
      }
    } finally {
      client.release();
    }
  }
}
