// The sandbox's REST surface over real HTTP: Webex shapes, errors, pagination, visibility.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxServer } from '../../../src/sandbox/index.js';
import { apiFor, BOT, groupRoom, startSandbox, type Api } from './helpers.js';

let server: SandboxServer;
let alice: Api;
let bob: Api;
let bot: Api;
let anonymous: Api;

beforeAll(async () => {
  server = await startSandbox();
  alice = apiFor(server, 'alice@example.com');
  bob = apiFor(server, 'bob@example.com');
  bot = apiFor(server, BOT);
  anonymous = apiFor(server, null);
});
afterAll(async () => server.close());

const expectWebexError = (res: { status: number; headers: Headers; body: any }, status: number): void => {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    message: expect.any(String),
    errors: [{ description: expect.any(String) }],
    trackingId: expect.any(String),
  });
  expect(res.headers.get('trackingid')).toBe(res.body.trackingId);
};

describe('identities and people', () => {
  it('lists the default identities with Webex-shaped ids and tokens', async () => {
    const res = await fetch(`${server.url}/identities`);
    const ids = (await res.json()) as any[];
    expect(ids.map((i) => i.email)).toEqual([
      BOT,
      'relay@example.com',
      'alice@example.com',
      'bob@example.com',
      'carol@example.com',
      'dave@example.com',
      'sam@example.com',
    ]);
    expect(ids[0]).toMatchObject({ type: 'bot', displayName: 'Live Chat Bot' });
    for (const i of ids) {
      expect(Buffer.from(i.id, 'base64').toString()).toMatch(/^ciscospark:\/\/us\/PEOPLE\/[0-9a-f-]{36}$/);
      expect(i.token).toEqual(expect.any(String));
    }
  });

  it('answers people/me, people?email= and people/{id}', async () => {
    const me = await bot('GET', '/people/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ emails: [BOT], displayName: 'Live Chat Bot', type: 'bot', orgId: expect.any(String) });
    const list = await bot('GET', '/people?email=ALICE@example.com');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ emails: ['alice@example.com'], type: 'person' });
    const one = await bot('GET', `/people/${list.body.items[0].id}`);
    expect(one.body.displayName).toBe('Alice Anders');
    expectWebexError(await bot('GET', '/people/Y2lzY29zcGFyazovL3VzL1BFT1BMRS9ub3BlXX'), 404);
  });

  it('refuses missing and unknown tokens with 401 and the Webex error body', async () => {
    expectWebexError(await anonymous('GET', '/people/me'), 401);
    const res = await fetch(`${server.sandbox.apiBase}/people/me`, { headers: { authorization: 'Bearer nope' } });
    expectWebexError({ status: res.status, headers: res.headers, body: await res.json() }, 401);
  });

  it('answers bad input with 400, never 500', async () => {
    const res = await fetch(`${server.sandbox.apiBase}/rooms`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.sandbox.tokenFor('alice@example.com')}`, 'content-type': 'application/json' },
      body: '{not json',
    });
    expectWebexError({ status: res.status, headers: res.headers, body: await res.json() }, 400);
    expectWebexError(await alice('POST', '/rooms', { title: 42 }), 400);
    expectWebexError(await alice('GET', '/messages'), 400);
    expectWebexError(await alice('GET', '/rooms?max=zero'), 400);
    expectWebexError(await alice('POST', '/webhooks', { name: 'x', targetUrl: 'not a url', resource: 'messages', event: 'created' }), 400);
    expectWebexError(await alice('GET', '/nothing-here'), 404);
  });
});

describe('tokens and tracking ids', () => {
  it('renews an integration token with the refresh token (sandbox tokens do not expire)', async () => {
    const relay = server.sandbox.identities().find((i) => i.email === 'relay@example.com')!;
    const form = (refresh: string) =>
      fetch(`${server.sandbox.apiBase}/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: 'cid', client_secret: 'cs', refresh_token: refresh }),
      });
    const ok = await form(relay.refreshToken);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ access_token: relay.token, expires_in: expect.any(Number), refresh_token: relay.refreshToken, token_type: 'Bearer' });
    const bad = await form('nope');
    expectWebexError({ status: bad.status, headers: bad.headers, body: await bad.json() }, 400);
  });

  it('echoes the caller\'s TrackingID', async () => {
    const res = await fetch(`${server.sandbox.apiBase}/people/me`, {
      headers: { authorization: `Bearer ${server.sandbox.tokenFor('alice@example.com')}`, trackingid: 'LIVECHAT_abc-123' },
    });
    expect(res.headers.get('trackingid')).toBe('LIVECHAT_abc-123');
  });
});

describe('rooms and memberships', () => {
  it('creates, lists, updates, locks and deletes rooms; the creator is a member', async () => {
    const room = await alice('POST', '/rooms', { title: 'Support: Visitor 1' });
    expect(room.status).toBe(200);
    expect(room.body).toMatchObject({ title: 'Support: Visitor 1', type: 'group', isLocked: false, creatorId: expect.any(String) });
    const members = await alice('GET', `/memberships?roomId=${room.body.id}`);
    expect(members.body.items.map((m: any) => m.personEmail)).toEqual(['alice@example.com']);
    const listed = await alice('GET', '/rooms?type=group&sortBy=lastactivity');
    expect(listed.body.items.map((r: any) => r.id)).toContain(room.body.id);
    expect((await bob('GET', '/rooms')).body.items.map((r: any) => r.id)).not.toContain(room.body.id);
    expectWebexError(await bob('GET', `/rooms/${room.body.id}`), 404);

    const locked = await alice('PUT', `/rooms/${room.body.id}`, { title: 'Renamed', isLocked: true });
    expect(locked.body).toMatchObject({ title: 'Renamed', isLocked: true });
    const me = await alice('GET', `/memberships?roomId=${room.body.id}&personEmail=alice@example.com`);
    expect(me.body.items[0].isModerator).toBe(true);

    expect((await alice('DELETE', `/rooms/${room.body.id}`)).status).toBe(204);
    expectWebexError(await alice('GET', `/rooms/${room.body.id}`), 404);
  });

  it('adds by e-mail or id, refuses duplicates with 409, updates moderators and removes', async () => {
    const roomId = await groupRoom(alice, 'Members', []);
    const bobId = (await alice('GET', '/people?email=bob@example.com')).body.items[0].id;
    const added = await alice('POST', '/memberships', { roomId, personId: bobId });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ roomId, personId: bobId, personEmail: 'bob@example.com', personDisplayName: 'Bob Brown', isModerator: false, roomType: 'group' });
    expectWebexError(await alice('POST', '/memberships', { roomId, personEmail: 'bob@example.com' }), 409);

    const promoted = await alice('PUT', `/memberships/${added.body.id}`, { isModerator: true });
    expect(promoted.body.isModerator).toBe(true);
    expect((await alice('GET', `/memberships/${added.body.id}`)).body.isModerator).toBe(true);

    // Bob's own memberships, listed without a room.
    expect((await bob('GET', '/memberships')).body.items.map((m: any) => m.roomId)).toContain(roomId);
    // Carol is not in the room: she cannot read or add.
    const carol = apiFor(server, 'carol@example.com');
    expectWebexError(await carol('GET', `/memberships?roomId=${roomId}`), 404);
    expectWebexError(await carol('POST', '/memberships', { roomId, personEmail: 'dave@example.com' }), 404);
  });

  it('lets only moderators add people to a locked room', async () => {
    const roomId = await groupRoom(alice, 'Locked', ['bob@example.com']);
    await alice('PUT', `/rooms/${roomId}`, { title: 'Locked', isLocked: true });
    expectWebexError(await bob('POST', '/memberships', { roomId, personEmail: 'carol@example.com' }), 403);
    expect((await alice('POST', '/memberships', { roomId, personEmail: 'carol@example.com' })).status).toBe(200);
  });

  it('deleting a membership removes the person\'s access at once', async () => {
    const roomId = await groupRoom(alice, 'Access', ['bob@example.com']);
    const first = await bob('POST', '/messages', { roomId, text: 'I am here' });
    expect(first.status).toBe(200);
    const membership = (await alice('GET', `/memberships?roomId=${roomId}&personEmail=bob@example.com`)).body.items[0];
    expect((await alice('DELETE', `/memberships/${membership.id}`)).status).toBe(204);

    expectWebexError(await bob('POST', '/messages', { roomId, text: 'still here?' }), 404);
    expectWebexError(await bob('GET', `/messages?roomId=${roomId}`), 404);
    expectWebexError(await bob('GET', `/messages/${first.body.id}`), 404);
    expectWebexError(await bob('GET', `/rooms/${roomId}`), 404);
    expect((await bob('GET', '/rooms')).body.items.map((r: any) => r.id)).not.toContain(roomId);
  });
});

describe('messages', () => {
  it('creates text, markdown with mentions, threads, cards; edits and deletes', async () => {
    const roomId = await groupRoom(alice, 'Messages', ['bob@example.com', BOT]);
    const botId = (await bot('GET', '/people/me')).body.id;
    const md = await alice('POST', '/messages', {
      roomId,
      markdown: `Hi <@personId:${botId}|Live Chat Bot>, ask <@personEmail:bob@example.com> and <@all> **now**`,
    });
    expect(md.status).toBe(200);
    expect(md.body).toMatchObject({
      roomId,
      roomType: 'group',
      personEmail: 'alice@example.com',
      text: 'Hi Live Chat Bot, ask Bob Brown and All now',
      mentionedGroups: ['all'],
    });
    expect(md.body.mentionedPeople).toHaveLength(2);
    expect(md.body.mentionedPeople[0]).toBe(botId);
    expect(md.body.html).toContain('<strong>now</strong>');

    const reply = await bob('POST', '/messages', { roomId, parentId: md.body.id, text: 'on it' });
    expect(reply.body.parentId).toBe(md.body.id);
    expectWebexError(await bob('POST', '/messages', { roomId, parentId: reply.body.id, text: 'nested' }), 400);
    const thread = await alice('GET', `/messages?roomId=${roomId}&parentId=${md.body.id}`);
    expect(thread.body.items.map((m: any) => m.id)).toEqual([reply.body.id]);

    const edited = await bob('PUT', `/messages/${reply.body.id}`, { roomId, text: 'on it!' });
    expect(edited.body).toMatchObject({ text: 'on it!', updated: expect.any(String) });
    expectWebexError(await alice('PUT', `/messages/${reply.body.id}`, { roomId, text: 'hijack' }), 403);

    const card = await bot('POST', '/messages', {
      roomId,
      markdown: 'A card',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.3', body: [] } }],
    });
    expect(card.body.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expectWebexError(await bot('POST', '/messages', { roomId, attachments: [{ contentType: 'text/html', content: { type: 'AdaptiveCard' } }] }), 400);

    expectWebexError(await alice('DELETE', `/messages/${reply.body.id}`), 403);
    expect((await bob('DELETE', `/messages/${reply.body.id}`)).status).toBe(204);
    expectWebexError(await bob('GET', `/messages/${reply.body.id}`), 404);
  });

  it('enforces the 7439-byte limit on text and markdown, counted in bytes', async () => {
    const roomId = await groupRoom(alice, 'Limits', []);
    expect((await alice('POST', '/messages', { roomId, text: 'a'.repeat(7439) })).status).toBe(200);
    expectWebexError(await alice('POST', '/messages', { roomId, text: 'a'.repeat(7440) }), 400);
    // 'é' is two bytes in UTF-8: 3720 of them are 7440 bytes but only 3720 characters.
    expectWebexError(await alice('POST', '/messages', { roomId, markdown: 'é'.repeat(3720) }), 400);
    expect((await alice('POST', '/messages', { roomId, markdown: 'é'.repeat(3719) })).status).toBe(200);
  });

  it('sends 1:1 messages by e-mail into one direct room', async () => {
    const first = await alice('POST', '/messages', { toPersonEmail: 'carol@example.com', text: 'hello carol' });
    expect(first.body.roomType).toBe('direct');
    const second = await alice('POST', '/messages', { toPersonEmail: 'carol@example.com', text: 'again' });
    expect(second.body.roomId).toBe(first.body.roomId);
    const carol = apiFor(server, 'carol@example.com');
    const room = await carol('GET', `/rooms/${first.body.roomId}`);
    expect(room.body).toMatchObject({ type: 'direct', title: 'Alice Anders' });
  });

  it('follows the Link header through 120 messages with max=50, newest first', async () => {
    const roomId = await groupRoom(alice, 'Paging', []);
    for (let i = 0; i < 120; i++) {
      const res = await alice('POST', '/messages', { roomId, text: `m${i}` });
      expect(res.status).toBe(200);
    }
    const seen: string[] = [];
    let url: string | null = `/messages?roomId=${roomId}&max=50`;
    let pages = 0;
    while (url) {
      const res = await alice('GET', url);
      expect(res.status).toBe(200);
      pages++;
      seen.push(...res.body.items.map((m: any) => m.text));
      const link = res.headers.get('link');
      url = link ? (/<([^>]+)>;\s*rel="next"/.exec(link)?.[1] ?? null) : null;
    }
    expect(pages).toBe(3);
    expect(seen).toHaveLength(120);
    expect(seen[0]).toBe('m119');
    expect(seen[119]).toBe('m0');
    expect(new Set(seen).size).toBe(120);
  });

  it('pages other lists through Link too', async () => {
    for (let i = 0; i < 3; i++) await groupRoom(alice, `Many ${i}`, []);
    const first = await alice('GET', '/rooms?max=2');
    expect(first.body.items).toHaveLength(2);
    const next = /<([^>]+)>;\s*rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    expect(next).toBeDefined();
    const second = await alice('GET', next!);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });

  it('shows a bot only the group messages that mention it, and all direct messages', async () => {
    const roomId = await groupRoom(alice, 'Bot visibility', [BOT]);
    const plain = await alice('POST', '/messages', { roomId, text: 'not for the bot' });
    const mention = await alice('POST', '/messages', { roomId, markdown: `<@personEmail:${BOT}|Live Chat Bot> status` });
    expectWebexError(await bot('GET', `/messages?roomId=${roomId}`), 403);
    expectWebexError(await bot('GET', `/messages?roomId=${roomId}&mentionedPeople=me&max=101`), 400);
    const listed = await bot('GET', `/messages?roomId=${roomId}&mentionedPeople=me`);
    expect(listed.body.items.map((m: any) => m.id)).toEqual([mention.body.id]);
    expectWebexError(await bot('GET', `/messages/${plain.body.id}`), 404);
    expect((await bot('GET', `/messages/${mention.body.id}`)).body.text).toBe('Live Chat Bot status');
    // People see everything in their rooms.
    expect((await alice('GET', `/messages?roomId=${roomId}`)).body.items).toHaveLength(2);

    const direct = await alice('POST', '/messages', { toPersonEmail: BOT, text: 'hi bot' });
    const dm = await bot('GET', `/messages?roomId=${direct.body.roomId}`);
    expect(dm.body.items.map((m: any) => m.text)).toEqual(['hi bot']);
  });
});
