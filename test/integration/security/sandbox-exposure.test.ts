// The sandbox never faces the internet by accident: it answers this machine only (checked from a
// network namespace the test makes, as another machine would arrive), binds loopback by default,
// stops a start whose PUBLIC_URL is public, and signs with a random secret.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, signBody } from '../../../src/sandbox/index.js';
import { bareEnv, runTs } from '../foundation/support.js';
import { createOutsideHost, netnsUnavailable, startWith, type OutsideHost, type Reply, type Started } from './support.js';

const started: Started[] = [];
afterAll(async () => {
  for (const s of started.reverse()) await s.close();
});

async function start(env: Record<string, string>, host?: string, logger?: pino.Logger): Promise<Started> {
  const s = await startWith(env, host, logger);
  started.push(s);
  return s;
}

// Another machine: a network namespace of this run (needs root or CAP_SYS_ADMIN and `ip`). On CI
// the tests fail without it; elsewhere they are skipped, saying why.
const unavailable = await netnsUnavailable();
const skipOutside = unavailable !== null && process.env.CI !== 'true';
if (skipOutside) console.log(`sandbox-exposure: skipping the tests from another machine: no network namespace (${unavailable})`);

function status(reply: Reply): number {
  if ('status' in reply) return reply.status;
  throw new Error(`the request from the namespace did not connect: ${reply.error} ${reply.message}`);
}

describe.skipIf(skipOutside)('from another machine (a network namespace of this test)', () => {
  let outside: OutsideHost | undefined;
  beforeAll(async () => {
    if (unavailable !== null) throw new Error(`CI=true: these tests need a network namespace (run as root or with CAP_SYS_ADMIN, with iproute2): ${unavailable}`);
    outside = await createOutsideHost();
  });
  afterAll(async () => {
    await outside?.close();
  });
  const from = () => outside!;

  describe('the sandbox mounts', () => {
    it('answer loopback clients only: another address gets 403 and no token', async () => {
      const { app } = await start({}, '0.0.0.0');
      const local = await fetch(`http://127.0.0.1:${app.port}/sandbox/identities`);
      expect(local.status).toBe(200);
      expect(((await local.json()) as unknown[]).length).toBeGreaterThan(3);

      const base = `http://${from().hostAddress}:${app.port}`;
      const remote = await from().request(`${base}/sandbox/identities`);
      expect(status(remote)).toBe(403);
      const body = (remote as { body: string }).body;
      expect(body).toMatch(/SANDBOX_PUBLIC=true/);
      expect(body).not.toContain(app.sandbox!.tokenFor('alice@example.com'));

      const knobs = await from().request(`${base}/sandbox/knobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ latencyMs: 1000 }),
      });
      expect(status(knobs)).toBe(403);
      for (const page of ['/sandbox/', `/sandbox/webex/v1/people/me`]) {
        expect(status(await from().request(`${base}${page}`)), page).toBe(403);
      }
      // The product itself still works from outside: only the sandbox is closed.
      expect(status(await from().request(`${base}/api/v1/config`))).toBe(200);
    });

    it('the Slack sandbox too', async () => {
      const { app } = await start({ MESSENGER: 'slack' }, '0.0.0.0');
      const init = { method: 'POST', headers: { authorization: 'Bearer xoxb-sandbox-bot' } };
      const path = '/sandbox/slack/api/auth.test';
      expect((await fetch(`http://127.0.0.1:${app.port}${path}`, init)).status).toBe(200);
      expect(status(await from().request(`http://${from().hostAddress}:${app.port}${path}`, init))).toBe(403);
    });

    it('open to everyone with SANDBOX_PUBLIC=true, which warns at start', async () => {
      const lines: string[] = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
      const { app } = await start({ SANDBOX_PUBLIC: 'true' }, '0.0.0.0', logger);
      expect(status(await from().request(`http://${from().hostAddress}:${app.port}/sandbox/identities`))).toBe(200);
      expect(lines.join('\n')).toMatch(/SANDBOX_PUBLIC=true: the sandbox .* answers anyone/);
    });
  });

  describe('sandbox mode binds loopback by default', () => {
    it('is unreachable from another address; reachable on 127.0.0.1', async () => {
      const { app } = await start({});
      expect(app.config.host).toBe('127.0.0.1');
      expect((await fetch(`http://127.0.0.1:${app.port}/healthz`)).status).toBe(200);
      const reply = await from().request(`http://${from().hostAddress}:${app.port}/healthz`);
      expect(reply).toMatchObject({ error: 'ECONNREFUSED' });
    });
  });
});

describe('a proxy on this machine', () => {
  it('relays other machines\' requests: relayed is not local, the sandbox refuses it', async () => {
    const { app } = await start({}, '0.0.0.0');
    const relayed = await fetch(`http://127.0.0.1:${app.port}/sandbox/identities`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(relayed.status).toBe(403);
  });
});

describe('the webhook secret of the in-process sandbox', () => {
  it('is random, not the old constant: a delivery signed with the constant is refused', async () => {
    const { app } = await start({});
    const secret = app.sandbox!.webhookSecret;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const body = JSON.stringify({ id: 'forged', resource: 'messages', event: 'created', data: { id: 'x', roomId: 'y' } });
    const forged = await fetch(`${app.url}/webhooks/webex`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-spark-signature': signBody(body, 'sandbox-webhook-secret') },
      body,
    });
    expect(forged.status).toBe(401);
  });

  it('differs per data directory and stays with it across restarts', async () => {
    const dirs = [mkdtempSync(path.join(tmpdir(), 'sbx-a-')), mkdtempSync(path.join(tmpdir(), 'sbx-b-'))];
    try {
      const open = (dataDir: string) => createSandbox({ publicUrl: 'http://127.0.0.1:1/sandbox', dataDir });
      const a = await open(dirs[0]!);
      const b = await open(dirs[1]!);
      await a.close();
      await b.close();
      expect(a.webhookSecret).not.toBe(b.webhookSecret);
      const again = await open(dirs[0]!);
      await again.close();
      expect(again.webhookSecret).toBe(a.webhookSecret);
      const memory = [await createSandbox({ publicUrl: 'http://127.0.0.1:1/sandbox' }), await createSandbox({ publicUrl: 'http://127.0.0.1:1/sandbox' })];
      for (const m of memory) await m.close();
      expect(memory[0]!.webhookSecret).not.toBe(memory[1]!.webhookSecret);
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a public PUBLIC_URL without a bot token', () => {
  it('stops the start with exit 1, naming both ways out', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'security-cli-'));
    try {
      const cli = runTs('src/main.ts', bareEnv({ PUBLIC_URL: 'https://chat.example.com', DATA_DIR: path.join(dir, 'never'), PORT: '0' }));
      expect((await cli.exited).code).toBe(1);
      const output = cli.lines.join('\n');
      expect(output).toMatch(/PUBLIC_URL: chat\.example\.com is not this machine/);
      expect(output).toContain('WEBEX_BOT_TOKEN and WEBEX_WEBHOOK_SECRET');
      expect(output).toContain('SANDBOX_PUBLIC=true');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
