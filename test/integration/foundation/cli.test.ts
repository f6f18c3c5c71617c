// The real CLI (`npm start` runs the same entry): bad config exits 1 naming the field; with no
// environment at all it starts on an embedded PostgreSQL in DATA_DIR and serves /healthz.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bareEnv, runTs } from './support.js';

const dir = mkdtempSync(path.join(tmpdir(), 'livechat-cli-'));
chmodSync(dir, 0o755); // as root the embedded cluster runs as `postgres`, which must enter it
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the CLI', () => {
  it('exits 1 naming hours.timezone when the config file has an unknown time zone', async () => {
    const file = path.join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        topics: [{ id: 'help', names: { en: 'Help' }, mode: 'group', agents: ['ann@example.com'] }],
        hours: { timezone: 'Mars/Olympus' },
      }),
    );
    const cli = runTs('src/main.ts', bareEnv({ CONFIG_FILE: file, DATA_DIR: path.join(dir, 'never') }));
    const { code } = await cli.exited;
    expect(code).toBe(1);
    expect(cli.lines).toContain('  hours.timezone: unknown time zone "Mars/Olympus"');
  });

  it('exits 1 naming a bad environment variable', async () => {
    const cli = runTs('src/main.ts', bareEnv({ PORT: 'eighty', DATA_DIR: path.join(dir, 'never') }));
    expect((await cli.exited).code).toBe(1);
    expect(cli.lines).toContain('  PORT: an integer from 0 to 65535, not "eighty"');
  });

  it('starts with no environment on the embedded database, serves /healthz, stops on SIGTERM, and starts again on the same data', async () => {
    const dataDir = path.join(dir, 'data');
    for (const round of ['first', 'warm']) {
      const cli = runTs('src/main.ts', bareEnv({ DATA_DIR: dataDir, PORT: '0' }));
      const ready = JSON.parse(await cli.waitFor(/"msg":"ready"/, 120_000)) as { url: string; database: string };
      expect(ready.database, round).toMatch(/^embedded/);
      const res = await fetch(`${ready.url}/healthz`);
      expect(res.status, round).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
      cli.process.kill('SIGTERM');
      expect(await cli.exited, round).toEqual({ code: 0, signal: null });
    }
  }, 240_000); // two starts, each allowed the 120 s of its wait for `ready` (busy machines)
});
