// `npm run bench [-- name…]`: runs every test/bench/*.bench.ts (or those named) and writes
// BENCHMARKS.md with the machine and the date; a partial run keeps the other sections. A bench module exports
//   run(ctx: BenchContext): Promise<BenchResult>
// and returns its section of the report as Markdown.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  const fresh: Section[] = [];
  let failed = 0;
  for (const file of files) {
    process.stderr.write(`bench ${file}\n`);
    const started = performance.now();
    const at = new Date().toISOString();
    try {
      const mod = (await import(pathToFileURL(path.join(here, file)).href)) as { run?: (c: BenchContext) => Promise<BenchResult> };
      if (typeof mod.run !== 'function') throw new Error(`${file} does not export run()`);
      const result = await mod.run(ctx);
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      fresh.push({
        file,
        budgets: result.budgets ?? [],
        body: `## ${result.title}\n\n_${file}, ${secs} s, ${at}_\n\n${result.markdown.trim()}\n`,
      });
    } catch (error) {
      failed++;
      fresh.push({ file, budgets: [], body: `## ${file}\n\nFailed (${at}): \`${(error as Error).message}\`\n` });
      process.stderr.write(`  failed: ${(error as Error).stack}\n`);
    }
  }

  // A run of some benchmarks keeps the other benchmarks' sections from the last report.
  const all = readdirSync(here).filter((f) => f.endsWith('.bench.ts'));
  const kept = readSections(path.join(root, 'BENCHMARKS.md')).filter(
    (old) => all.includes(old.file) && !files.includes(old.file),
  );
  const sections = [...kept, ...fresh].sort((a, b) => a.file.localeCompare(b.file));
  const budgets = sections.flatMap((x) => x.budgets);

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
    `Written by \`npm run bench\` on ${new Date().toISOString()}; each section says when it ran.`,
    '',
    machine(),
    '',
    budgetTable ? `## Budgets (DESIGN §11)\n\n${budgetTable}\n` : '',
    ...sections.map((x) => `${MARK}${JSON.stringify({ file: x.file, budgets: x.budgets })} -->\n${x.body}`),
  ].join('\n');
  writeFileSync(path.join(root, 'BENCHMARKS.md'), report);
  process.stderr.write(`wrote BENCHMARKS.md (${fresh.length} run, ${kept.length} kept, ${failed} failed)\n`);
  if (failed) process.exitCode = 1;
}

interface Section {
  file: string;
  budgets: NonNullable<BenchResult['budgets']>;
  body: string;
}

/** Each section starts with this comment holding its file and budgets (for later partial runs). */
const MARK = '<!-- bench ';

function readSections(report: string): Section[] {
  let text: string;
  try {
    text = readFileSync(report, 'utf8');
  } catch {
    return [];
  }
  return text
    .split(MARK)
    .slice(1)
    .flatMap((chunk) => {
      const end = chunk.indexOf(' -->\n');
      if (end < 0) return [];
      try {
        const meta = JSON.parse(chunk.slice(0, end)) as Omit<Section, 'body'>;
        return [{ ...meta, body: chunk.slice(end + ' -->\n'.length).trimEnd() + '\n' }];
      } catch {
        return [];
      }
    });
}

await main();
