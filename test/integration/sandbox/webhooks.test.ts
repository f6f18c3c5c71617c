// Webhook delivery over real HTTP: envelope, signature, visibility, card actions, knobs.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxServer } from '../../../src/sandbox/index.js';
import { apiFor, BOT, groupRoom, startReceiver, startSandbox, type Api, type Receiver } from './helpers.js';

let server: SandboxServer;
let receiver: Receiver;
let alice: Api;
let bob: Api;
let bot: Api;
const SECRET = 'hook-secret-123';

beforeAll(async () => {
  server = await startSandbox();
  alice = apiFor(server, 'alice@example.com');
  bob = apiFor(server, 'bob@example.com');
  bot = apiFor(server, BOT);
});
afterAll(async () => server.close());

beforeEach(async () => {
  receiver = await startReceiver();
});
afterEach(async () => {
  server.sandbox.knobs.reset();
  for (const api of [alice, bob, bot]) {
    for (const w of (await api('GET', '/webhooks')).body.items) await api('DELETE', `/webhooks/${w.id}`);
  }
  await server.sandbox.deliveriesIdle();
  await receiver.close();
});

const verify = (raw: string, signature: unknown, secret: string): boolean => {
  if (typeof signature !== 'string') return false;
  const expected = Buffer.from(createHmac('sha1', secret).update(raw).digest('hex'));
  const got = Buffer.from(signature);
  return got.length === expected.length && timingSafeEqual(got, expected);
};

const hook = async (api: Api, resource: string, event: string, extra: Record<string, string> = {}) => {
  const res = await api('POST', '/webhooks', { name: `${resource} ${event}`, targetUrl: receiver.url, resource, event, secret: SECRET, ...extra });
  expect(res.status).toBe(200);
  return res.body;
};

describe('webhooks', () => {
  it('keeps webhooks per token: create, list, get, update, delete', async () => {
    const w = await hook(alice, 'messages', 'created', { filter: 'roomType=group' });
    expect(w).toMatchObject({
      name: 'messages created',
      targetUrl: receiver.url,
      resource: 'messages',
      event: 'created',
      filter: 'roomType=group',
      status: 'active',
      ownedBy: 'creator',
      createdBy: (await alice('GET', '/people/me')).body.id,
    });
    expect((await alice('GET', '/webhooks')).body.items.map((x: any) => x.id)).toEqual([w.id]);
    expect((await bob('GET', '/webhooks')).body.items).toEqual([]);
    expect((await bob('GET', `/webhooks/${w.id}`)).status).toBe(404);
    const updated = await alice('PUT', `/webhooks/${w.id}`, { name: 'renamed', targetUrl: receiver.url, status: 'active' });
    expect(updated.body).toMatchObject({ name: 'renamed', status: 'active' });
    expect((await alice('DELETE', `/webhooks/${w.id}`)).status).toBe(204);
    expect((await alice('GET', `/webhooks/${w.id}`)).status).toBe(404);
    expect((await alice('POST', '/webhooks', { name: 'x', targetUrl: receiver.url, resource: 'messages', event: 'created', filter: 'color=red' })).status).toBe(400);
    expect((await alice('POST', '/webhooks', { name: 'x', targetUrl: 'ftp://127.0.0.1/x', resource: 'messages', event: 'created' })).status).toBe(400);
    expect((await alice('POST', '/webhooks', { name: 'x', targetUrl: receiver.url, resource: 'calls', event: 'created' })).status).toBe(400);
  });

  it('delivers a signed envelope with ids and metadata but never the message text', async () => {
    const roomId = await groupRoom(alice, 'Signed', ['bob@example.com']);
    const w = await hook(alice, 'messages', 'created', { filter: `roomId=${roomId}` });
    const sent = await bob('POST', '/messages', { roomId, markdown: 'very **secret** words' });
    await server.sandbox.deliveriesIdle();

    expect(receiver.deliveries).toHaveLength(1);
    const d = receiver.deliveries[0]!;
    expect(verify(d.raw, d.headers['x-spark-signature'], SECRET)).toBe(true);
    expect(verify(d.raw, d.headers['x-spark-signature'], 'wrong-secret')).toBe(false);
    expect(d.body).toEqual({
      id: w.id,
      name: w.name,
      targetUrl: receiver.url,
      resource: 'messages',
      event: 'created',
      filter: `roomId=${roomId}`,
      orgId: expect.any(String),
      createdBy: w.createdBy,
      appId: expect.any(String),
      ownedBy: 'creator',
      status: 'active',
      created: w.created,
      actorId: sent.body.personId,
      data: {
        id: sent.body.id,
        roomId,
        roomType: 'group',
        personId: sent.body.personId,
        personEmail: 'bob@example.com',
        created: sent.body.created,
      },
    });
    expect(d.raw).not.toContain('secret** words');
    expect(d.raw).not.toContain('very');
  });

  it('honours filters: roomId, mentionedPeople=me', async () => {
    const roomA = await groupRoom(alice, 'Filter A', ['bob@example.com']);
    const roomB = await groupRoom(alice, 'Filter B', ['bob@example.com']);
    await hook(alice, 'messages', 'created', { filter: `roomId=${roomA}` });
    await hook(bob, 'messages', 'created', { filter: 'mentionedPeople=me' });
    const inA = await alice('POST', '/messages', { roomId: roomA, text: 'a' });
    await alice('POST', '/messages', { roomId: roomB, text: 'b' });
    const toBob = await alice('POST', '/messages', { roomId: roomB, markdown: '<@personEmail:bob@example.com> look' });
    await server.sandbox.deliveriesIdle();
    const byOwner = (email: string) =>
      receiver.deliveries.filter((d) => d.body.createdBy === server.sandbox.identities().find((i) => i.email === email)!.id).map((d) => d.body.data.id);
    expect(byOwner('alice@example.com')).toEqual([inA.body.id]);
    expect(byOwner('bob@example.com')).toEqual([toBob.body.id]);
  });

  it('delivers a person\'s own messages to their own webhooks, as Webex does', async () => {
    const roomId = await groupRoom(alice, 'Own', []);
    await hook(alice, 'messages', 'created');
    await alice('POST', '/messages', { roomId, text: 'mine' });
    await server.sandbox.deliveriesIdle();
    expect(receiver.deliveries).toHaveLength(1);
  });

  it('does not notify a bot of an unmentioned group message, but does of a mentioned one', async () => {
    const roomId = await groupRoom(alice, 'Bot hooks', [BOT]);
    await hook(bot, 'all', 'all');
    await server.sandbox.deliveriesIdle();
    await alice('POST', '/messages', { roomId, text: 'agents only' });
    const mention = await alice('POST', '/messages', { roomId, markdown: `<@personEmail:${BOT}> help` });
    await server.sandbox.deliveriesIdle();
    const messages = receiver.deliveries.filter((d) => d.body.resource === 'messages');
    expect(messages.map((d) => d.body.data.id)).toEqual([mention.body.id]);
    expect(messages[0]!.body.data.mentionedPeople).toEqual([(await bot('GET', '/people/me')).body.id]);
  });

  it('fires membership and room events to the firehose, with filters', async () => {
    await hook(alice, 'all', 'all');
    const roomId = await groupRoom(alice, 'Events', ['bob@example.com']);
    await alice('PUT', `/rooms/${roomId}`, { title: 'Events 2' });
    const m = (await alice('GET', `/memberships?roomId=${roomId}&personEmail=bob@example.com`)).body.items[0];
    await alice('DELETE', `/memberships/${m.id}`);
    await server.sandbox.deliveriesIdle();
    const kinds = receiver.deliveries.map((d) => `${d.body.resource}:${d.body.event}`);
    expect(kinds).toEqual([
      'rooms:created',
      'memberships:created',
      'memberships:created',
      'rooms:updated',
      'memberships:deleted',
    ]);
    const deleted = receiver.deliveries[4]!.body.data;
    expect(deleted).toMatchObject({ id: m.id, roomId, personEmail: 'bob@example.com' });
  });

  it('tells the removed person of their own removal, then nothing more from that room', async () => {
    const roomId = await groupRoom(alice, 'Removal', [BOT]);
    await hook(bot, 'all', 'all');
    const m = (await alice('GET', `/memberships?roomId=${roomId}&personEmail=${BOT}`)).body.items[0];
    await alice('DELETE', `/memberships/${m.id}`);
    await alice('POST', '/messages', { roomId, markdown: `<@personEmail:${BOT}> are you there?` });
    await server.sandbox.deliveriesIdle();
    expect(receiver.deliveries.map((d) => `${d.body.resource}:${d.body.event}`)).toEqual(['memberships:deleted']);
    expect(receiver.deliveries[0]!.body.data).toMatchObject({ id: m.id, personEmail: BOT });
  });

  it('sends a card submission to the card author\'s webhook; author and submitter may read it', async () => {
    const roomId = await groupRoom(alice, 'Cards', [BOT, 'bob@example.com']);
    await hook(bot, 'attachmentActions', 'created');
    await hook(alice, 'attachmentActions', 'created');
    const card = await bot('POST', '/messages', {
      roomId,
      text: 'Claim this chat',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: { type: 'AdaptiveCard', version: '1.3', body: [], actions: [{ type: 'Action.Submit', title: 'Claim', data: { action: 'claim' } }] },
        },
      ],
    });
    const action = await bob('POST', '/attachment/actions', { type: 'submit', messageId: card.body.id, inputs: { action: 'claim' } });
    expect(action.status).toBe(202); // Accepted, as Webex answers
    expect(action.body).toMatchObject({ type: 'submit', messageId: card.body.id, roomId, inputs: { action: 'claim' }, personId: (await bob('GET', '/people/me')).body.id });
    await server.sandbox.deliveriesIdle();

    const actions = receiver.deliveries.filter((d) => d.body.resource === 'attachmentActions');
    expect(actions).toHaveLength(1); // the bot's webhook only: alice did not author the card
    expect(actions[0]!.body.createdBy).toBe((await bot('GET', '/people/me')).body.id);
    expect(actions[0]!.body.data).toMatchObject({ id: action.body.id, messageId: card.body.id, type: 'submit' });
    expect(actions[0]!.body.data.inputs).toBeUndefined();

    expect((await bot('GET', `/attachment/actions/${action.body.id}`)).body.inputs).toEqual({ action: 'claim' });
    expect((await bob('GET', `/attachment/actions/${action.body.id}`)).status).toBe(200);
    expect((await alice('GET', `/attachment/actions/${action.body.id}`)).status).toBe(404);

    const plain = await alice('POST', '/messages', { roomId, text: 'no card' });
    expect((await bob('POST', '/attachment/actions', { type: 'submit', messageId: plain.body.id, inputs: {} })).status).toBe(400);
    const carol = apiFor(server, 'carol@example.com');
    expect((await carol('POST', '/attachment/actions', { type: 'submit', messageId: card.body.id, inputs: {} })).status).toBe(404);
  });

  it('retries a failed delivery with backoff', async () => {
    const roomId = await groupRoom(alice, 'Retry', []);
    await hook(alice, 'messages', 'created');
    receiver.failNext(2, 503);
    await alice('POST', '/messages', { roomId, text: 'persist' });
    await server.sandbox.deliveriesIdle();
    expect(receiver.deliveries).toHaveLength(1);
  });
});

describe('knobs', () => {
  it('answers 429 with Retry-After for the next N calls, over HTTP too', async () => {
    const set = await fetch(`${server.url}/knobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ fail429: { count: 2, retryAfterSeconds: 1 } }),
    });
    expect(set.status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const res = await alice('GET', '/people/me');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body.errors).toHaveLength(1);
    }
    expect((await alice('GET', '/people/me')).status).toBe(200);
    expect((await fetch(`${server.url}/knobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"fail429":{"count":-1}}' })).status).toBe(400);
  });

  it('answers 5xx for the next N calls', async () => {
    server.sandbox.knobs.fail5xx(1, 502);
    expect((await alice('GET', '/people/me')).status).toBe(502);
    expect((await alice('GET', '/people/me')).status).toBe(200);
  });

  it('duplicates a delivery with the same ids, and drops one', async () => {
    const roomId = await groupRoom(alice, 'Dup', []);
    await hook(alice, 'messages', 'created');
    server.sandbox.knobs.duplicateDeliveries(1);
    const first = await alice('POST', '/messages', { roomId, text: 'twice' });
    await server.sandbox.deliveriesIdle();
    expect(receiver.deliveries).toHaveLength(2);
    expect(receiver.deliveries[0]!.raw).toBe(receiver.deliveries[1]!.raw);
    expect(receiver.deliveries[1]!.body.data.id).toBe(first.body.id);

    server.sandbox.knobs.dropDeliveries(1);
    await alice('POST', '/messages', { roomId, text: 'lost' });
    const third = await alice('POST', '/messages', { roomId, text: 'kept' });
    await server.sandbox.deliveriesIdle();
    expect(receiver.deliveries.map((d) => d.body.data.id)).toEqual([first.body.id, first.body.id, third.body.id]);
  });
});
