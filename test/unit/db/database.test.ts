import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, redact } from '../../../src/adapters/db/database.js';
import { startEmbeddedPostgres } from '../../../src/adapters/db/embedded.js';
import { migrate } from '../../../src/adapters/db/migrate.js';
import { migrations } from '../../../src/adapters/db/migrations.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

const log = pino({ level: 'silent' });

describe('openDatabase with a URL', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(() => db.drop());

  it('opens a pool on that server and migrates it', async () => {
    const opened = await openDatabase({ url: db.url, dataDir: '/nonexistent', log, poolMax: 2 });
    try {
      expect(opened.embedded).toBe(false);
      const { rows } = await opened.pool.query('SELECT version, name FROM schema_migrations');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows[0]).toMatchObject({ version: 1, name: 'store' });
    } finally {
      await opened.close();
    }
    await opened.close(); // idempotent
  });

  it('refuses a pool smaller than 2', async () => {
    await expect(openDatabase({ url: db.url, dataDir: '/x', log, poolMax: 1 })).rejects.toThrow(/poolMax/);
  });

  it('names the server when it cannot connect, without the password', async () => {
    const err = await openDatabase({
      url: 'postgres://someone:secret@127.0.0.1:1/nothing',
      dataDir: '/x',
      log,
    }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/Cannot connect to PostgreSQL at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1/);
    expect((err as Error).message).not.toContain('secret');
    expect(redact('not a url')).toBe('(unparsable connection string)');
  });
});

describe('migrate', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(() => db.drop());

  it('applies each step once when several processes start together', async () => {
    const versions = migrations.map((m) => m.version);
    const latest = versions.at(-1)!;
    const results = await Promise.all([migrate(db.pool), migrate(db.pool), migrate(db.pool)]);
    const applied = results.flatMap((r) => r.applied);
    expect(applied).toEqual(versions);
    expect(results.map((r) => r.version)).toEqual([latest, latest, latest]);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rows[0].n).toBe(versions.length);
  });

  it('applies new steps later, and rolls back a failing one completely', async () => {
    const n = migrations.at(-1)!.version;
    const next = [...migrations, { version: n + 1, name: 'extra', sql: 'CREATE TABLE extra_one (x int)' }];
    expect(await migrate(db.pool, undefined, next)).toEqual({ applied: [n + 1], version: n + 1 });
    const failing = [
      ...next,
      { version: n + 2, name: 'good', sql: 'CREATE TABLE extra_two (x int)' },
      { version: n + 3, name: 'bad', sql: 'CREATE TABLE extra_one (x int)' },
    ];
    await expect(migrate(db.pool, undefined, failing)).rejects.toThrow(new RegExp(`Migration ${n + 3} \\(bad\\) failed`));
    const { rows } = await db.pool.query("SELECT to_regclass('extra_two') AS t");
    expect(rows[0].t).toBeNull();
  });

  it('refuses a renamed step and out-of-order versions', async () => {
    await expect(migrate(db.pool, undefined, [{ version: 1, name: 'other', sql: '' }])).rejects.toThrow(
      /recorded as "store"/,
    );
    await expect(
      migrate(db.pool, undefined, [
        { version: 2, name: 'a', sql: '' },
        { version: 1, name: 'b', sql: '' },
      ]),
    ).rejects.toThrow(/increasing/);
  });
});

describe('openDatabase embedded', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'livechat-db-test-'));
    await chmod(dir, 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('initialises on first open and keeps data across a restart', async () => {
    const first = await openDatabase({ dataDir: dir, log, unsafeFast: true });
    expect(first.embedded).toBe(true);
    expect(first.url).toMatch(/^postgres:\/\/postgres:.+@127\.0\.0\.1:\d+\/postgres$/);
    await first.pool.query("INSERT INTO settings (key, value, updated_by) VALUES ('kept', '42', 'test')");
    await first.close();
    await expect(first.pool.query('SELECT 1')).rejects.toThrow();

    const second = await openDatabase({ dataDir: dir, log, unsafeFast: true });
    try {
      const { rows } = await second.pool.query("SELECT value FROM settings WHERE key = 'kept'");
      expect(rows).toEqual([{ value: 42 }]);
    } finally {
      await second.close();
    }
  });

  it('starts despite a stale postmaster.pid', async () => {
    // pid 1 is alive but is not this cluster's postmaster: PostgreSQL alone would refuse.
    await writeFile(join(dir, 'postgres', 'postmaster.pid'), `1\n${join(dir, 'postgres')}\n0\n5432\n`);
    const db = await openDatabase({ dataDir: dir, log, unsafeFast: true });
    try {
      const { rows } = await db.pool.query("SELECT value FROM settings WHERE key = 'kept'");
      expect(rows).toEqual([{ value: 42 }]);
    } finally {
      await db.close();
    }
  });

  it('starts after the previous process was killed and left its server running', async () => {
    const fixture = fileURLToPath(new URL('./fixtures/open-and-wait.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`fixture exited with ${code}`)));
    });
    const orphan = Number.parseInt(await readFile(join(dir, 'postgres', 'postmaster.pid'), 'utf8'), 10);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const db = await openDatabase({ dataDir: dir, log, unsafeFast: true });
    try {
      const { rows } = await db.pool.query("SELECT value FROM settings WHERE key IN ('kept', 'orphan') ORDER BY key");
      expect(rows).toEqual([{ value: 42 }, { value: true }]);
      // Gone, or a zombie waiting for its new parent to reap it.
      const state = await readFile(`/proc/${orphan}/stat`, 'utf8').then((st) => st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3), () => 'gone');
      expect(['gone', 'Z']).toContain(state);
    } finally {
      await db.close();
    }
  });

  it('restarts the server when it dies, and the pool reconnects', async () => {
    const db = await openDatabase({ dataDir: dir, log, unsafeFast: true });
    try {
      const pidFile = await readFile(join(dir, 'postgres', 'postmaster.pid'), 'utf8');
      process.kill(Number.parseInt(pidFile, 10), 'SIGKILL');
      let rows: unknown[] | undefined;
      for (let i = 0; i < 200 && !rows; i++) {
        rows = await db.pool
          .query("SELECT value FROM settings WHERE key = 'kept'")
          .then((r) => r.rows)
          .catch(() => new Promise<undefined>((r) => setTimeout(r, 100)));
      }
      expect(rows).toEqual([{ value: 42 }]);
    } finally {
      await db.close();
    }
  });

  it('surfaces the server output when it cannot start', async () => {
    await writeFile(join(dir, 'postgres', 'postgresql.auto.conf'), 'shared_buffers = nonsense\n');
    const err = await openDatabase({ dataDir: dir, log }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/failed to start/);
    expect((err as Error).message).toMatch(/shared_buffers/);
  });
});

describe('startEmbeddedPostgres on a new data directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'livechat-db-init-'));
    await chmod(dir, 0o755);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('ends with one cluster when two start at once, and clears abandoned half-initialised ones', async () => {
    await mkdir(join(dir, 'postgres.initializing-999999999-abcdef'));
    const results = await Promise.allSettled([
      startEmbeddedPostgres({ dataDir: dir, log, unsafeFast: true }),
      startEmbeddedPostgres({ dataDir: dir, log, unsafeFast: true }),
    ]);
    const started = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    try {
      expect(started).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatch(/already run by another process|lock file/);
      expect(await readdir(dir)).toEqual(['postgres']);
    } finally {
      for (const server of started) await server.stop();
    }
  });
});

