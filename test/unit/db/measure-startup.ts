// Measures the embedded PostgreSQL's first start (initdb + start + migrate) and warm starts.
// Run: npx tsx test/unit/db/measure-startup.ts [runs]   (not a test: prints numbers, asserts nothing)
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openDatabase } from '../../../src/adapters/db/database.js';

const runs = Number(process.argv[2] ?? 3);
const log = pino({ level: 'silent' });

async function timeOpen(dataDir: string): Promise<{ open: number; close: number }> {
  const t0 = performance.now();
  const db = await openDatabase({ dataDir, log, unsafeFast: process.env.FAST === '1' });
  await db.pool.query('SELECT 1');
  const t1 = performance.now();
  await db.close();
  return { open: t1 - t0, close: performance.now() - t1 };
}

const first: number[] = [];
const warm: number[] = [];
const close: number[] = [];
for (let i = 0; i < runs; i++) {
  const dir = await mkdtemp(join(tmpdir(), 'livechat-measure-'));
  await chmod(dir, 0o755);
  try {
    const cold = await timeOpen(dir);
    first.push(cold.open);
    const again = await timeOpen(dir);
    warm.push(again.open);
    close.push(cold.close, again.close);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
const fmt = (xs: number[]) => xs.map((x) => `${Math.round(x)} ms`).join(', ');
console.log(`first start (initdb + start + migrate): ${fmt(first)}`);
console.log(`warm start (start, schema current):     ${fmt(warm)}`);
console.log(`close (pool end + fast shutdown):       ${fmt(close)}`);
