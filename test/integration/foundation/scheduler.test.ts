// The Agenda scheduler on PostgreSQL, with two independent instances (separate pools, as two
// processes would have) sharing one database.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgendaScheduler } from '../../../src/adapters/scheduler/agenda.js';
import { createLogger } from '../../../src/logger.js';
import type { Json } from '../../../src/ports.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

const log = createLogger({ level: 'silent' });
let db: TestDatabase;
const pools: pg.Pool[] = [];
const schedulers: AgendaScheduler[] = [];

function instance(): { scheduler: AgendaScheduler; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => undefined);
  pools.push(pool);
  const scheduler = new AgendaScheduler({ pool, log, processEvery: 200, lockLifetime: 5_000, drainTimeout: 5_000 });
  schedulers.push(scheduler);
  return { scheduler, pool };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  db = await createTestDatabase();
  await db.pool.query('CREATE TABLE job_runs (job text NOT NULL, instance text NOT NULL, data jsonb)');
});

afterAll(async () => {
  for (const s of schedulers) await s.stop();
  for (const p of pools) await p.end();
  await db?.drop();
});

async function runs(job: string): Promise<{ instance: string; data: Json }[]> {
  const { rows } = await db.pool.query('SELECT instance, data FROM job_runs WHERE job = $1', [job]);
  return rows as { instance: string; data: Json }[];
}

async function pending(name: string): Promise<number> {
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM agenda_jobs WHERE name = $1', [name]);
  return (rows[0] as { n: number }).n;
}

describe('AgendaScheduler', () => {
  const a = { name: 'A' } as { name: string; scheduler: AgendaScheduler };
  const b = { name: 'B' } as { name: string; scheduler: AgendaScheduler };
  const started: { name: string; key: number }[] = [];
  let releaseSlow: () => void = () => {};

  beforeAll(async () => {
    for (const side of [a, b]) {
      side.scheduler = instance().scheduler;
      for (const job of ['once', 'tick', 'remind', 'later']) {
        side.scheduler.define(job, async (data: Json) => {
          await db.pool.query('INSERT INTO job_runs VALUES ($1, $2, $3)', [job, side.name, JSON.stringify(data)]);
        });
      }
      side.scheduler.define('slow', async () => {
        started.push({ name: side.name, key: 1 });
        await new Promise<void>((resolve) => {
          releaseSlow = resolve;
        });
        await db.pool.query('INSERT INTO job_runs VALUES ($1, $2, $3)', ['slow', side.name, 'null']);
      });
      await side.scheduler.start();
    }
  });

  it('runs each job scheduled by one instance exactly once while two instances share the database', async () => {
    const soon = new Date(Date.now() + 300);
    for (let i = 0; i < 20; i++) await a.scheduler.schedule(soon, 'once', { i });
    await until('20 runs', async () => ((await runs('once')).length >= 20 ? true : undefined));
    await pause(1_000); // several more polling rounds of both instances
    const done = await runs('once');
    expect(done.map((r) => (r.data as { i: number }).i).sort((x, y) => x - y)).toEqual([...Array(20).keys()]);
    expect(await pending('once')).toBe(0); // one-off jobs are removed once done
  });

  it('keeps one recurring job per name across instances', async () => {
    await Promise.all([a.scheduler.every('1 second', 'tick', { from: 'A' }), b.scheduler.every('1 second', 'tick', { from: 'B' })]);
    await a.scheduler.every('1 second', 'tick', { from: 'A' });
    expect(await pending('tick')).toBe(1);
    await until('a tick', async () => ((await runs('tick')).length > 0 ? true : undefined));
    expect(await a.scheduler.cancel('tick')).toBe(1);
  });

  it('replaces the pending job of the same key, even when both instances schedule at once', async () => {
    const later = new Date(Date.now() + 60_000);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).scheduler.schedule(later, 'remind', { n: i }, 'chat-1')),
    );
    expect(await pending('remind')).toBe(1);
    await a.scheduler.schedule(new Date(Date.now() + 200), 'remind', { n: 99 }, 'chat-1');
    expect(await pending('remind')).toBe(1);
    await until('the reminder', async () => ((await runs('remind')).length > 0 ? true : undefined));
    await pause(600);
    expect((await runs('remind')).map((r) => r.data)).toEqual([{ n: 99 }]);
  });

  it('cancels by name and key', async () => {
    const later = new Date(Date.now() + 60_000);
    await a.scheduler.schedule(later, 'later', { n: 1 }, 'k1');
    await a.scheduler.schedule(later, 'later', { n: 2 }, 'k2');
    await b.scheduler.schedule(later, 'later', { n: 3 });
    expect(await pending('later')).toBe(3);
    expect(await b.scheduler.cancel('later', 'k1')).toBe(1);
    expect(await b.scheduler.cancel('later', 'nope')).toBe(0);
    expect(await pending('later')).toBe(2);
    expect(await a.scheduler.cancel('later')).toBe(2);
    expect(await pending('later')).toBe(0);
  });

  it('waits for a running job before stop() resolves', async () => {
    await a.scheduler.schedule(new Date(), 'slow', null);
    await until('the slow job to start', () => (started.length ? true : undefined));
    const runner = started[0]!.name === 'A' ? a : b;
    let stopped = false;
    const stopping = runner.scheduler.stop().then(() => {
      stopped = true;
    });
    await pause(300);
    expect(stopped).toBe(false);
    releaseSlow();
    await stopping;
    expect(await runs('slow')).toHaveLength(1);
  });

  it('refuses a pool of one connection', () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    pools.push(pool);
    expect(() => new AgendaScheduler({ pool, log })).toThrow(/max >= 2/);
  });
});
