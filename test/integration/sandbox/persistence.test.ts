// State under dataDir survives a restart, so a restarted product and its sandbox agree.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_FILE } from '../../../src/sandbox/state.js';
import { apiFor, BOT, groupRoom, startSandbox } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'livechat-sandbox-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('persistence', () => {
  it('keeps identities, rooms, memberships, messages and webhooks across a restart', async () => {
    const first = await startSandbox(dir);
    const alice = apiFor(first, 'alice@example.com');
    const roomId = await groupRoom(alice, 'Persistent', [BOT]);
    const msg = await alice('POST', '/messages', { roomId, markdown: `<@personEmail:${BOT}> remember me` });
    const hook = await apiFor(first, BOT)('POST', '/webhooks', { name: 'h', targetUrl: 'http://127.0.0.1:9/x', resource: 'all', event: 'all', secret: 's' });
    const tokens = first.sandbox.identities();
    await first.close();
    expect(JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')).messages).toHaveLength(1);

    const second = await startSandbox(dir);
    try {
      expect(second.sandbox.identities()).toEqual(tokens);
      const alice2 = apiFor(second, 'alice@example.com');
      const bot2 = apiFor(second, BOT);
      expect((await alice2('GET', `/rooms/${roomId}`)).body.title).toBe('Persistent');
      expect((await alice2('GET', `/memberships?roomId=${roomId}`)).body.items).toHaveLength(2);
      expect((await bot2('GET', `/messages/${msg.body.id}`)).body.text).toBe('Live Chat Bot remember me');
      expect((await bot2('GET', '/webhooks')).body.items.map((w: any) => w.id)).toEqual([hook.body.id]);
      // New messages keep sorting after the restored ones.
      const later = await alice2('POST', '/messages', { roomId, text: 'after restart' });
      const list = await alice2('GET', `/messages?roomId=${roomId}`);
      expect(list.body.items.map((m: any) => m.id)).toEqual([later.body.id, msg.body.id]);
    } finally {
      await second.close();
    }
  });

  it('keeps nothing in memory-only mode, but tokens stay the same', async () => {
    const a = await startSandbox(null);
    const b = await startSandbox(null);
    try {
      expect(b.sandbox.tokenFor('alice@example.com')).toBe(a.sandbox.tokenFor('alice@example.com'));
      expect((await apiFor(b, 'alice@example.com')('GET', '/rooms')).body.items).toEqual([]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses a damaged state file with a clear error', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'livechat-sandbox-broken-'));
    try {
      await writeFile(join(broken, STATE_FILE), '{"version":1,"people":');
      await expect(startSandbox(broken)).rejects.toThrow(/not valid JSON.*move it away/);
      await writeFile(join(broken, STATE_FILE), '{"version":7}');
      await expect(startSandbox(broken)).rejects.toThrow(/not a version 1 sandbox state/);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});
