// The scheduler's LISTEN connection dies (a database restart, or the embedded database stopping
// at shutdown): the process keeps running and jobs still run once the scheduler reconnects.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AgendaScheduler } from '../../../src/adapters/scheduler/agenda.js';
import { createLogger } from '../../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

const log = createLogger({ level: 'silent' });
let db: TestDatabase;
let pool: pg.Pool;
let scheduler: AgendaScheduler;
const ran: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
  pool.on('error', () => undefined);
  scheduler = new AgendaScheduler({ pool, log, processEvery: 200, lockLifetime: 5_000, drainTimeout: 2_000 });
  scheduler.define<{ n: string }>('mark', async ({ n }) => void ran.push(n));
  await scheduler.start();
});

afterAll(async () => {
  await scheduler?.stop();
  await pool?.end();
  await db?.drop();
});

async function until(what: string, probe: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it('survives its connections being terminated and keeps running jobs', async () => {
  await scheduler.schedule(new Date(), 'mark', { n: 'before' });
  await until('the first job', () => ran.includes('before'));

  // What a database restart does to every open connection, the LISTEN one included.
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  expect(rows[0]!.n).toBeGreaterThan(0);
  // The pool drops its dead idle connections as their errors arrive (a query in between would
  // meet one: that is the pool's business, not the scheduler's).
  await until('the pool to drop its dead connections', () => pool.idleCount === 0);

  await scheduler.schedule(new Date(), 'mark', { n: 'after' });
  await until('a job after the connection loss', () => ran.includes('after'));
  expect(ran).toEqual(['before', 'after']);
});
