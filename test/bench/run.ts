// `npm run bench [-- name…]`: runs every test/bench/*.bench.ts (or those named) and writes
// BENCHMARKS.md with the machine and the date. A bench module exports
//   run(ctx: BenchContext): Promise<BenchResult>
// and returns its section of the report as Markdown.
import { readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

export interface BenchContext {
  /** The repository root (where `npm start` runs). */
  root: string;
  /** Progress lines for the person waiting (stderr). */
  note(message: string): void;
}

export interface BenchResult {
  title: string;
  /** Markdown: a table or a few lines. */
  markdown: string;
  /** Budgets from DESIGN §11 this bench checked, and whether they held. */
  budgets?: { name: string; limit: string; measured: string; ok: boolean }[];
}

const here = import.meta.dirname;
const root = path.resolve(here, '../..');

function machine(): string {
  const cpus = os.cpus();
  return [
    `- CPU: ${cpus[0]?.model ?? 'unknown'} (${cpus.length} cores)`,
    `- RAM: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- OS: ${os.type()} ${os.release()} (${os.arch()})`,
    `- Node: ${process.version}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const files = readdirSync(here)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.bench\.ts$/, '')))
    .sort();
  if (files.length === 0) throw new Error(`no benchmarks to run (asked: ${wanted.join(', ') || 'all'})`);

  const ctx: BenchContext = { root, note: (m) => process.stderr.write(`  ${m}\n`) };
  const sections: string[] = [];
  const budgets: NonNullable<BenchResult['budgets']> = [];
  let failed = 0;
  for (const file of files) {
    process.stderr.write(`bench ${file}\n`);
    const started = performance.now();
    try {
      const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { run?: (c: BenchContext) => Promise<BenchResult> };
      if (typeof mod.run !== 'function') throw new Error(`${file} does not export run()`);
      const result = await mod.run(ctx);
      budgets.push(...(result.budgets ?? []));
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      sections.push(`## ${result.title}\n\n_${file}, ${secs} s_\n\n${result.markdown.trim()}\n`);
    } catch (error) {
      failed++;
      sections.push(`## ${file}\n\nFailed: \`${(error as Error).message}\`\n`);
      process.stderr.write(`  failed: ${(error as Error).stack}\n`);
    }
  }

  const budgetTable = budgets.length
    ? [
        '| Budget | Limit | Measured | Held |',
        '|---|---|---|---|',
        ...budgets.map((b) => `| ${b.name} | ${b.limit} | ${b.measured} | ${b.ok ? 'yes' : '**no**'} |`),
      ].join('\n')
    : '';
  const report = [
    '# Benchmarks',
    '',
    `Run with \`npm run bench\` on ${new Date().toISOString()}.`,
    '',
    machine(),
    '',
    budgetTable ? `## Budgets (DESIGN §11)\n\n${budgetTable}\n` : '',
    ...sections,
  ].join('\n');
  writeFileSync(path.join(root, 'BENCHMARKS.md'), report);
  process.stderr.write(`wrote BENCHMARKS.md (${files.length} benchmarks, ${failed} failed)\n`);
  if (failed) process.exitCode = 1;
}

await main();
