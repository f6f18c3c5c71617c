// Helpers for tests that run the product as a real child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface Child {
  process: ChildProcess;
  /** Every line written so far to stdout and stderr. */
  lines: string[];
  /** Resolves with the first line (old or new) that matches. */
  waitFor(match: RegExp, ms?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a TypeScript entry point with tsx, as `npm start` does. */
export function runTs(entry: string, env: Record<string, string | undefined>, args: string[] = []): Child {
  return runNode(['--import', 'tsx', entry, ...args], env);
}

/** Runs node with these arguments (a built entry point: `['dist/src/main.js']`). */
export function runNode(args: string[], env: Record<string, string | undefined>): Child {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<{ match: RegExp; resolve: (line: string) => void }>();
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.match.test(line)) {
          waiters.delete(w);
          w.resolve(line);
        }
      }
    });
  }
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return {
    process: child,
    lines,
    exited,
    waitFor(match, ms = 60_000) {
      const found = lines.find((l) => match.test(l));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve: (line: string) => (clearTimeout(timer), resolve(line)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no line matching ${match} within ${ms} ms; output:\n${lines.join('\n')}`));
        }, ms);
        waiters.add(waiter);
        void exited.then(() => {
          if (waiters.delete(waiter)) {
            clearTimeout(timer);
            reject(new Error(`exited before a line matching ${match}; output:\n${lines.join('\n')}`));
          }
        });
      });
    },
  };
}

/** A minimal environment: no settings of the developer's shell leak into the product. */
export function bareEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ...extra };
}
