// Behaviours of real Webex the sandbox plays (issue 12), checked against Webex's published spec:
// current id shapes, PUT /webhooks only reactivates, memberships by person need a room, and the
// 7439 characters/bytes message limit, each answered with Webex's error body.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spaceLinkOf } from '../../../src/adapters/channel/webex/ids.js';
import type { SandboxServer } from '../../../src/sandbox/index.js';
import { STATE_FILE } from '../../../src/sandbox/state.js';
import { apiFor, BOT, groupRoom, startSandbox, type Api, type ApiResponse } from './helpers.js';

let server: SandboxServer;
let alice: Api;
let bot: Api;

beforeAll(async () => {
  server = await startSandbox();
  alice = apiFor(server, 'alice@example.com');
  bot = apiFor(server, BOT);
});
afterAll(async () => server.close());

const decode = (id: string): string => Buffer.from(id, 'base64').toString('utf8');
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

function expectWebex400(res: ApiResponse, mentions: RegExp): void {
  expect(res.status).toBe(400);
  expect(res.body).toEqual({ message: expect.any(String), errors: [{ description: res.body.message }], trackingId: expect.any(String) });
  expect(res.headers.get('trackingid')).toBe(res.body.trackingId);
  expect(res.body.message).toMatch(mentions);
}

describe('ids', () => {
  it('mints rooms, messages, memberships and webhooks in the team cluster; people keep us', async () => {
    const roomId = await groupRoom(alice, 'Ids', ['bob@example.com']);
    const msg = await alice('POST', '/messages', { roomId, text: 'hello' });
    const membership = (await alice('GET', `/memberships?roomId=${roomId}`)).body.items[0];
    const hook = await alice('POST', '/webhooks', { name: 'h', targetUrl: 'http://127.0.0.1:9/x', resource: 'messages', event: 'created' });
    const cluster = 'ciscospark://urn:TEAM:us-west-2_r';
    expect(decode(roomId)).toMatch(new RegExp(`^${cluster}/ROOM/${UUID}$`));
    expect(decode(msg.body.id)).toMatch(new RegExp(`^${cluster}/MESSAGE/${UUID}$`));
    expect(decode(membership.id)).toMatch(new RegExp(`^${cluster}/MEMBERSHIP/${UUID}:${UUID}$`));
    expect(decode(hook.body.id)).toMatch(new RegExp(`^${cluster}/WEBHOOK/${UUID}$`));
    expect(decode(membership.personId)).toMatch(new RegExp(`^ciscospark://us/PEOPLE/${UUID}$`));
    expect((await alice('GET', `/rooms/${roomId}`)).body.id).toBe(roomId);
  });

  it('still serves rooms and messages persisted with the old `ciscospark://us/…` ids', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'livechat-sandbox-ids-'));
    try {
      const first = await startSandbox(dir);
      const a1 = apiFor(first, 'alice@example.com');
      const newRoom = await groupRoom(a1, 'Old ids', ['bob@example.com']);
      const newMsg = (await a1('POST', '/messages', { roomId: newRoom, text: 'from before' })).body.id;
      await first.close();
      // Rewrite the state as an older sandbox wrote it.
      const old = (id: string): string => Buffer.from(decode(id).replace('urn:TEAM:us-west-2_r', 'us')).toString('base64').replace(/=+$/, '');
      const [oldRoom, oldMsg] = [old(newRoom), old(newMsg)];
      expect(decode(oldRoom)).toMatch(new RegExp(`^ciscospark://us/ROOM/${UUID}$`));
      const file = join(dir, STATE_FILE);
      await writeFile(file, (await readFile(file, 'utf8')).replaceAll(newRoom, oldRoom).replaceAll(newMsg, oldMsg));

      const second = await startSandbox(dir);
      try {
        const a2 = apiFor(second, 'alice@example.com');
        expect((await a2('GET', `/rooms/${oldRoom}`)).body.title).toBe('Old ids');
        expect((await a2('GET', `/messages/${oldMsg}`)).body).toMatchObject({ roomId: oldRoom, text: 'from before' });
        expect((await a2('POST', '/memberships', { roomId: oldRoom, personEmail: 'carol@example.com' })).status).toBe(200);
        const reply = await apiFor(second, 'carol@example.com')('POST', '/messages', { roomId: oldRoom, parentId: oldMsg, text: 'after' });
        expect(reply.status).toBe(200);
        expect(decode(reply.body.id)).toMatch(/^ciscospark:\/\/urn:TEAM:us-west-2_r\/MESSAGE\//);
        expect((await a2('GET', `/memberships?roomId=${oldRoom}`)).body.items).toHaveLength(3);
        // Supervisor links work for both shapes.
        expect(spaceLinkOf(oldRoom)).toBe(spaceLinkOf(newRoom));
        expect(spaceLinkOf(newRoom)).toMatch(new RegExp(`^webexteams://im\\?space=${UUID}$`));
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('webhooks: PUT only reactivates', () => {
  it('accepts name, targetUrl, secret and status active; refuses any other status with a 400', async () => {
    const hook = (await bot('POST', '/webhooks', { name: 'h', targetUrl: 'http://127.0.0.1:9/x', resource: 'messages', event: 'created' })).body;
    const renamed = await bot('PUT', `/webhooks/${hook.id}`, { name: 'renamed', targetUrl: 'http://127.0.0.1:9/y', secret: 'new-secret', status: 'active' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'renamed', targetUrl: 'http://127.0.0.1:9/y', status: 'active' });
    for (const status of ['inactive', 'disabled']) {
      expectWebex400(await bot('PUT', `/webhooks/${hook.id}`, { name: 'renamed', targetUrl: 'http://127.0.0.1:9/y', status }), /active/);
    }
    expect((await bot('GET', `/webhooks/${hook.id}`)).body.status).toBe('active');
  });
});

describe('memberships by person need a room', () => {
  it('refuses personEmail or personId without roomId; with roomId it filters', async () => {
    const roomId = await groupRoom(alice, 'Members by person', ['bob@example.com']);
    const bob = (await alice('GET', `/memberships?roomId=${roomId}&personEmail=bob@example.com`)).body.items;
    expect(bob.map((m: any) => m.personEmail)).toEqual(['bob@example.com']);
    expectWebex400(await alice('GET', '/memberships?personEmail=bob@example.com'), /roomId/);
    expectWebex400(await alice('GET', `/memberships?personId=${bob[0].personId}`), /roomId/);
    expect((await alice('GET', '/memberships')).body.items.map((m: any) => m.roomId)).toContain(roomId);
  });
});

describe('message length', () => {
  it('takes 7439 characters and bytes; refuses one more of either with a 400', async () => {
    const roomId = await groupRoom(alice, 'Long', []);
    expect((await alice('POST', '/messages', { roomId, text: 'a'.repeat(7439) })).status).toBe(200);
    expectWebex400(await alice('POST', '/messages', { roomId, text: 'a'.repeat(7440) }), /7439 characters/);
    expectWebex400(await alice('POST', '/messages', { roomId, markdown: 'a'.repeat(7440) }), /markdown/);
    // 3720 Polish letters: 7440 bytes, well under 7439 characters.
    expectWebex400(await alice('POST', '/messages', { roomId, markdown: 'ż'.repeat(3720) }), /7440 bytes/);
    expect((await alice('POST', '/messages', { roomId, markdown: 'ż'.repeat(3719) })).status).toBe(200);
    // Emoji: 4 bytes each.
    expectWebex400(await alice('POST', '/messages', { roomId, text: '🎉'.repeat(1860) }), /1860 characters, 7440 bytes/);
  });
});
