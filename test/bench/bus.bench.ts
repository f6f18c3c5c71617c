// Event bus latency between processes: this process publishes over PostgreSQL NOTIFY, a child
// process subscribed on the same database prints each event, and we time publish → printed
// line (the pipe back adds a fraction of a millisecond). DESIGN asks for delivery within 1 s.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { PostgresEventBus } from '../../src/adapters/bus/postgres.js';
import { openDatabase } from '../../src/adapters/db/database.js';
import { createLogger } from '../../src/logger.js';
import type { BenchContext, BenchResult } from './run.js';

const EVENTS = 500;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const log = createLogger({ level: 'warn' });
  const dir = mkdtempSync(path.join(tmpdir(), 'livechat-bench-bus-'));
  chmodSync(dir, 0o755);
  const db = await openDatabase({ url: process.env.DATABASE_URL, dataDir: dir, log, poolMax: 4 });
  const bus = new PostgresEventBus({ connectionString: db.url, pool: db.pool, log });
  const peer = path.join(ctx.root, 'test/integration/foundation/fixtures/bus-peer.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', peer, 'subscribe', db.url, 'bench'], {
    cwd: ctx.root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await bus.start();
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    if ((await lines.next()).value !== 'listening') throw new Error('the subscriber did not start');
    const latencies: number[] = [];
    for (let seq = 0; seq < EVENTS; seq++) {
      const sent = performance.now();
      await bus.publish('bench', { seq });
      const line = (await lines.next()).value as string;
      latencies.push(performance.now() - sent);
      if (JSON.parse(line).seq !== seq) throw new Error(`out of order: ${line} for ${seq}`);
    }
    latencies.sort((a, b) => a - b);
    const max = latencies[latencies.length - 1]!;
    const ms = (v: number) => `${v.toFixed(2)} ms`;
    ctx.note(`p50 ${ms(pct(latencies, 50))}, p99 ${ms(pct(latencies, 99))}`);
    return {
      title: 'Event bus: publish in one process → subscriber in another (PostgreSQL LISTEN/NOTIFY)',
      markdown: [
        `${EVENTS} events one after another, ${db.embedded ? 'embedded PostgreSQL' : 'server PostgreSQL'}.`,
        '',
        '| p50 | p90 | p99 | max |',
        '|---|---|---|---|',
        `| ${ms(pct(latencies, 50))} | ${ms(pct(latencies, 90))} | ${ms(pct(latencies, 99))} | ${ms(max)} |`,
      ].join('\n'),
      budgets: [{ name: 'event to another process', limit: '1 s', measured: `${ms(max)} (max)`, ok: max <= 1000 }],
    };
  } finally {
    child.kill('SIGTERM');
    await bus.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
