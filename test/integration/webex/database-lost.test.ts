// When the embedded database keeps dying and its supervisor gives up, the process exits 1 (the
// process manager restarts it) instead of staying up without a database, swallowing webhooks.
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bareEnv, runTs } from '../foundation/support.js';

const dir = mkdtempSync(path.join(tmpdir(), 'livechat-dblost-'));
chmodSync(dir, 0o755); // as root the embedded cluster runs as `postgres`, which must enter it
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** The embedded server's postmaster, from its pid file. */
function postmaster(dataDir: string): number {
  return Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

describe('the embedded database given up', () => {
  it('exits 1 with a clear line after the supervisor stops restarting it', async () => {
    const dataDir = path.join(dir, 'data');
    const cli = runTs('src/main.ts', bareEnv({ DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' }));
    await cli.waitFor(/"msg":"ready"/, 120_000);
    // The supervisor restarts a dead server three times within a minute; the fourth death is final.
    for (let restart = 1; restart <= 3; restart++) {
      process.kill(postmaster(dataDir), 'SIGKILL');
      await expect.poll(() => cli.lines.filter((l) => /embedded PostgreSQL restarted/.test(l)).length, { timeout: 60_000 }).toBe(restart);
    }
    process.kill(postmaster(dataDir), 'SIGKILL');
    const exit = await cli.exited;
    expect(exit).toEqual({ code: 1, signal: null });
    expect(cli.lines.some((l) => /keeps exiting; not restarting it again/.test(l))).toBe(true);
    expect(cli.lines.some((l) => /the embedded database is down for good; exiting with 1/.test(l))).toBe(true);
  }, 240_000);
});
