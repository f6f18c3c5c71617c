// Small helpers over pg: transactions, and values made safe for PostgreSQL.
import type pg from 'pg';

export async function transaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * PostgreSQL text cannot hold U+0000, and a NUL in untrusted input (a visitor's message) must
 * not turn into a server error. It carries no meaning in chat text, so it is dropped.
 */
export function text(value: string): string;
export function text(value: string | null | undefined): string | null;
export function text(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value.includes('\0') ? value.replaceAll('\0', '') : value;
}

/** A value for a jsonb parameter (NULs dropped as in `text`). */
export function json(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    typeof v === 'string' && v.includes('\0') ? v.replaceAll('\0', '') : v,
  );
}
