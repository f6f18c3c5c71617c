// What the lint scripts read: every TypeScript and JavaScript file under a folder, parsed with the
// TypeScript compiler (syntax only; no type information is needed for imports or sizes).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SOURCE = /\.(ts|js|mjs|cjs)$/;

/** Paths relative to `root`, with forward slashes, sorted. */
export function listSources(root: string, dir: string): string[] {
  const entries = readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' });
  return entries
    .filter((entry) => SOURCE.test(entry) && !entry.endsWith('.d.ts'))
    .map((entry) => path.posix.join(dir, entry.split(path.sep).join('/')))
    .sort();
}

export function parse(root: string, file: string): ts.SourceFile {
  const text = readFileSync(path.join(root, file), 'utf8');
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
}

/** 1-based line of a node's first token. */
export function lineOf(source: ts.SourceFile, node: ts.Node): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

/** Prints the violations, one `path:line message` a line, and sets the exit code. */
export function report(what: string, violations: string[]): void {
  for (const violation of violations) console.log(violation);
  if (violations.length > 0) {
    console.error(`${what}: ${violations.length} violation${violations.length === 1 ? '' : 's'}`);
    process.exitCode = 1;
  }
}
