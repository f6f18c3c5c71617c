// A small migration runner: applies the missing steps of `migrations.ts` in one transaction,
// under an advisory lock so that instances starting together apply each step exactly once.
import type pg from 'pg';
import type pino from 'pino';
import { migrations as defaultMigrations, type Migration } from './migrations.js';

// Arbitrary constant naming "the schema migration of this product" among advisory locks.
const MIGRATION_LOCK = 4_711_202_611;

export interface MigrateResult {
  /** Versions applied by this call (empty when the schema was already current). */
  applied: number[];
  /** The schema version after the call. */
  version: number;
}

export async function migrate(
  pool: pg.Pool,
  log?: pino.Logger,
  steps: readonly Migration[] = defaultMigrations,
): Promise<MigrateResult> {
  checkSteps(steps);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // Waiting for another instance's migration, or a long step, is not a runaway statement.
    await client.query('SET LOCAL statement_timeout = 0');
    // Transaction-scoped: released by COMMIT/ROLLBACK, even if this process dies meanwhile.
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    const done = new Map(rows.map((r) => [r.version, r.name]));
    for (const step of steps) {
      const name = done.get(step.version);
      if (name !== undefined && name !== step.name) {
        throw new Error(
          `Migration ${step.version} is recorded as "${name}" but this code calls it "${step.name}"`,
        );
      }
    }
    const applied: number[] = [];
    for (const step of steps) {
      if (done.has(step.version)) continue;
      try {
        await client.query(step.sql);
      } catch (err) {
        throw new Error(`Migration ${step.version} (${step.name}) failed: ${(err as Error).message}`);
      }
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        step.version,
        step.name,
      ]);
      applied.push(step.version);
    }
    await client.query('COMMIT');
    const known = Math.max(0, ...steps.map((s) => s.version));
    const version = Math.max(known, ...done.keys());
    if (version > known) {
      log?.warn({ version, known }, 'database schema is newer than this code');
    }
    if (applied.length > 0) log?.info({ applied, version }, 'database migrated');
    return { applied, version };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

function checkSteps(steps: readonly Migration[]): void {
  let previous = 0;
  for (const step of steps) {
    if (!Number.isInteger(step.version) || step.version <= previous) {
      throw new Error(`Migrations must have increasing integer versions (at "${step.name}")`);
    }
    previous = step.version;
  }
}
