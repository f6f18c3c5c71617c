// The production build: `tsc -p tsconfig.build.json` (what `npm run build` runs for the server)
// compiles src alone, and `node <outDir>/src/main.js` starts the product from the output without
// tsx, on the embedded defaults: locales, the sandbox console and the built widget are found from
// the project root. The output goes to a folder of its own, so a developer's dist/ is left alone.
// `--noCheck` emits the same files without type-checking them again: `npm run lint` does that
// (same compiler options, src and tests), and on two cores it halves this test.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { bareEnv, ROOT, runNode } from './support.js';

const BUILD_MS = 180_000; // tsc on two busy cores
const READY_MS = 120_000; // the first start initialises the embedded cluster

// Under the project (walking up from it reaches package.json, as from dist/), in git's ignore.
const cache = path.join(ROOT, 'node_modules', '.cache');
mkdirSync(cache, { recursive: true });
const outDir = mkdtempSync(path.join(cache, 'build-test-'));
const dataDir = mkdtempSync(path.join(tmpdir(), 'livechat-build-'));
chmodSync(dataDir, 0o755); // as root the embedded cluster runs as `postgres`, which must enter it
afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

async function build(): Promise<void> {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noCheck', '--outDir', outDir], {
      cwd: ROOT,
      timeout: BUILD_MS,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`the build failed (${String(error)}):\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

describe('the production build', () => {
  it(
    'compiles src only and starts with node on the embedded defaults, then stops on SIGTERM',
    async () => {
      await build();
      expect(existsSync(path.join(outDir, 'src', 'main.js'))).toBe(true);
      expect(existsSync(path.join(outDir, 'test')), 'tests are not compiled').toBe(false);

      const server = runNode([path.join(outDir, 'src', 'main.js')], bareEnv({ DATA_DIR: dataDir, PORT: '0' }));
      try {
        const line = await server.waitFor(/"msg":"ready"/, READY_MS);
        const ready = JSON.parse(line) as { url: string; database: string; sandboxConsole?: string };
        expect(ready.database).toMatch(/^embedded/);
        expect(ready.sandboxConsole, line).toBeDefined();
        expect((await fetch(`${ready.url}/healthz`)).status).toBe(200);
        expect((await fetch(ready.sandboxConsole!)).status, 'the sandbox console').toBe(200);
        expect((await fetch(`${ready.url}/widget.js`)).status, 'the built widget').toBe(200);
      } finally {
        server.process.kill('SIGTERM');
      }
      expect(await server.exited).toEqual({ code: 0, signal: null });
    },
    BUILD_MS + READY_MS + 30_000,
  );
});
