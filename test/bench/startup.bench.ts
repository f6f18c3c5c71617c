// `npm start` to ready on the embedded defaults (no environment): the first start in an empty
// data directory (the cluster is created), then warm starts on the same data. Measured from
// spawning `npm start` to the first 200 of /healthz, and the stop on SIGTERM.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import type { BenchContext, BenchResult } from './run.js';

const BUDGET_MS = 5_000;
const WARM_RUNS = 3;

interface Sample {
  readyMs: number;
  healthyMs: number;
  stopMs: number;
}

async function startOnce(root: string, dataDir: string): Promise<Sample> {
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit');
  const output: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => output.push(String(chunk)));
  const ready = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      if (line.includes('"msg":"ready"')) resolve(JSON.parse(line) as { url: string; pid: number });
    });
    void exited.then(() => reject(new Error(`npm start exited before ready:\n${output.join('\n')}`)));
  });
  const readyMs = performance.now() - started;
  let healthy = false;
  while (!healthy) healthy = (await fetch(`${ready.url}/healthz`).catch(() => null))?.status === 200;
  const healthyMs = performance.now() - started;
  const stopping = performance.now();
  // The server process itself (the log line names it), as an orchestrator would signal it;
  // npm then exits with its status.
  process.kill(ready.pid, 'SIGTERM');
  const [code] = (await exited) as [number | null];
  if (code !== 0) throw new Error(`npm start exited ${code} on SIGTERM:\n${output.join('\n')}`);
  return { readyMs, healthyMs, stopMs: performance.now() - stopping };
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), 'livechat-bench-start-'));
  chmodSync(dir, 0o755); // as root the embedded cluster runs as `postgres`
  const dataDir = path.join(dir, 'data');
  try {
    ctx.note('first start (empty data directory)');
    const first = await startOnce(ctx.root, dataDir);
    const warm: Sample[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      ctx.note(`warm start ${i + 1}/${WARM_RUNS}`);
      warm.push(await startOnce(ctx.root, dataDir));
    }
    const warmReady = median(warm.map((w) => w.healthyMs));
    const rows = [
      ['first (creates the cluster)', first],
      ...warm.map((w, i) => [`warm ${i + 1}`, w] as const),
    ] as const;
    return {
      title: 'Start-up: `npm start` to ready, embedded defaults',
      markdown: [
        'Spawn of `npm start` with no environment but `DATA_DIR` (fresh) and `PORT=0`, to the',
        '"ready" log line and to the first `200` of `/healthz`; then SIGTERM to exit.',
        '',
        '| Run | Ready | /healthz 200 | Stop (SIGTERM → exit 0) |',
        '|---|---|---|---|',
        ...rows.map(([name, r]) => `| ${name} | ${s(r.readyMs)} | ${s(r.healthyMs)} | ${s(r.stopMs)} |`),
      ].join('\n'),
      budgets: [
        {
          name: '`npm start` to ready (warm, median)',
          limit: s(BUDGET_MS),
          measured: s(warmReady),
          ok: warmReady <= BUDGET_MS,
        },
        { name: '`npm start` to ready (first start)', limit: s(BUDGET_MS), measured: s(first.healthyMs), ok: first.healthyMs <= BUDGET_MS },
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
