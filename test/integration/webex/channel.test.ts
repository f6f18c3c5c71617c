// The Webex channel against the real sandbox over real HTTP: our client registers the webhooks,
// the sandbox delivers signed webhooks to a real receiver, and the channel's callbacks fire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createWebexChannel, type WebexChannel } from '../../../src/adapters/channel/webex/channel.js';
import { WebexClient } from '../../../src/adapters/channel/webex/client.js';
import { RefreshingToken, type RelayTokens } from '../../../src/adapters/channel/webex/tokens.js';
import { startSandboxServer } from '../../../src/sandbox/index.js';
import { plain } from '../../../src/domain/rich-text.js';
import type { CardSpec, OutgoingMessage } from '../../../src/ports.js';
import { json, signWebhookBody, startFakeServer } from '../../unit/webex/fake-server.js';
import { collectingHandlers, eventually, startReceiver, type Receiver } from './harness.js';

const SECRET = 'integration-secret';
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

let sandboxServer: Awaited<ReturnType<typeof startSandboxServer>>;
let receiver: Receiver;
let tokens: Record<string, string>;
let apiBase: string;

function as(email: string): WebexClient {
  const token = tokens[email];
  if (!token) throw new Error(`no sandbox identity ${email}`);
  return new WebexClient({ baseUrl: apiBase, token, logger });
}

beforeAll(async () => {
  sandboxServer = await startSandboxServer({ port: 0, dataDir: null });
  apiBase = sandboxServer.sandbox.apiBase;
  tokens = Object.fromEntries(sandboxServer.sandbox.identities().map((i) => [i.email, i.token]));
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await sandboxServer?.close();
});

const botEmail = () => sandboxServer.sandbox.identities().find((i) => i.type === 'bot')!.email;

const visitor = (text: string): OutgoingMessage => ({ speaker: { kind: 'visitor', name: 'Visitor', verified: false }, text: plain(text) });
const closedCard = (heading: string): CardSpec => ({ template: 'closed', data: { heading, facts: [] }, fallback: plain(heading) });

describe('relay mode', () => {
  let channel: WebexChannel;
  const { messages, actions, handlers } = collectingHandlers();
  let space: string;

  beforeAll(async () => {
    channel = createWebexChannel({
      apiBase,
      botToken: tokens[botEmail()]!,
      relay: { token: tokens['relay@example.com']! },
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
      logger,
    });
    receiver.setHandler((raw, headers) => channel.handleWebhook(raw, headers));
    await channel.start(handlers);
    space = await channel.createSpace('Sales · Visitor · #abc123');
    await channel.addMember(space, 'alice@example.com');
    await channel.addMember(space, 'bob@example.com');
    await channel.addMember(space, 'carol@example.com');
  });

  afterAll(async () => {
    await channel?.stop();
    // Leave no webhook behind for the mention-mode block that follows (stop keeps them).
    for (const who of ['relay@example.com', botEmail()]) {
      const client = as(who);
      for (const hook of await client.listWebhooks()) await client.deleteWebhook(hook.id);
    }
  });

  it('registers the webhooks once, also when started again', async () => {
    expect(channel.mode).toBe('relay');
    expect(channel.identities.bot?.email).toBe(botEmail());
    expect(channel.identities.relay?.email).toBe('relay@example.com');
    const botHooks = await as(botEmail()).listWebhooks();
    expect(botHooks.map((h) => `${h.resource}/${h.event}`).sort()).toEqual(['attachmentActions/created', 'messages/created']);
    expect(botHooks.every((h) => h.targetUrl === receiver.url)).toBe(true);
    const relayHooks = await as('relay@example.com').listWebhooks();
    expect(relayHooks.map((h) => `${h.resource}/${h.event}`)).toEqual(['messages/created']);

    await channel.stop();
    // Kept while this instance is down: another instance behind the same bot still needs them.
    expect((await as(botEmail()).listWebhooks()).map((h) => h.id).sort()).toEqual(botHooks.map((h) => h.id).sort());
    await channel.start(handlers);
    expect((await as(botEmail()).listWebhooks()).length).toBe(2);
    expect((await as('relay@example.com').listWebhooks()).map((h) => h.id)).toEqual(relayHooks.map((h) => h.id));
  });

  it('receives a card submission made by alice', async () => {
    const cardId = await channel.postCard(space, closedCard('Chat controls'));
    await as('alice@example.com').createAttachmentAction(cardId, { action: 'close', reason: 'solved' });
    const action = await actions.next((a) => a.messageId === cardId);
    expect(action.actor.email).toBe('alice@example.com');
    expect(action.actor.displayName).toBe('Alice Anders');
    expect(action.spaceId).toBe(space);
    expect(action.inputs).toEqual({ action: 'close', reason: 'solved' });
  });

  it('refuses a delivery with a wrong signature: 401, no callback', async () => {
    const before = messages.items.length + actions.items.length;
    const body = JSON.stringify({ resource: 'messages', event: 'created', data: { id: 'forged', roomId: space } });
    const wrong = await fetch(receiver.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-spark-signature': signWebhookBody(body, 'not-the-secret') },
      body,
    });
    expect(wrong.status).toBe(401);
    const missing = await fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(missing.status).toBe(401);
    await channel.whenIdle();
    expect(messages.items.length + actions.items.length).toBe(before);
  });

  it("relays an agent's unmentioned group message that the bot alone would not see", async () => {
    const posted = await as('alice@example.com').createMessage({ roomId: space, markdown: 'Hello, how can I **help**?' });
    const message = await messages.next((m) => m.messageId === posted.id);
    expect(message.author.email).toBe('alice@example.com');
    expect(message.text).toBe('Hello, how can I help?');
    expect(message.parentId).toBeNull();
    expect(message.mentionsBot).toBe(false);
    // The bot itself is not allowed to read it.
    const asBot = await as(botEmail())
      .getMessage(posted.id)
      .then(() => 'visible', (e: { status: number }) => e.status);
    expect([403, 404]).toContain(asBot);
  });

  it('delivers a thread reply with its parentId (an internal note)', async () => {
    const [top] = await channel.post(space, visitor('I need a quote'));
    const reply = await as('bob@example.com').createMessage({ roomId: space, parentId: top!, markdown: 'note: VIP customer' });
    const message = await messages.next((m) => m.messageId === reply.id);
    expect(message.parentId).toBe(top);
    expect(message.author.email).toBe('bob@example.com');
  });

  it('hands a mention of the bot over once, as a command without the mention', async () => {
    const bot = channel.identities.bot!;
    const posted = await as('alice@example.com').createMessage({
      roomId: space,
      markdown: `<@personId:${bot.id}|${bot.displayName}> status`,
    });
    const message = await messages.next((m) => m.messageId === posted.id);
    expect(message.mentionsBot).toBe(true);
    expect(message.text).toBe('status');
    await eventually(() => receiver.deliveries.filter((d) => d.body.includes(posted.id)).length >= 2);
    await channel.whenIdle();
    expect(messages.items.filter((m) => m.messageId === posted.id)).toHaveLength(1);
  });

  it('drops duplicate deliveries: one callback', async () => {
    sandboxServer.sandbox.knobs.duplicateDeliveries(10);
    try {
      const posted = await as('carol@example.com').createMessage({ roomId: space, markdown: 'twice?' });
      await eventually(() => receiver.deliveries.filter((d) => d.body.includes(posted.id)).length >= 2);
      await channel.whenIdle();
      expect(messages.items.filter((m) => m.messageId === posted.id)).toHaveLength(1);
    } finally {
      sandboxServer.sandbox.knobs.reset();
    }
  });

  it('ignores its own identities: visitor text and bot text produce no callback', async () => {
    const visitorIds = await channel.post(space, visitor('from the visitor'));
    const botIds = await channel.post(space, { speaker: { kind: 'bot' }, text: plain('from the bot') });
    const ids = [...visitorIds, ...botIds];
    await eventually(() => ids.every((id) => receiver.deliveries.some((d) => d.body.includes(id))));
    await channel.whenIdle();
    expect(messages.items.filter((m) => ids.includes(m.messageId))).toHaveLength(0);
  });

  it('splits a long visitor text into parts that each fit and keep their order', async () => {
    const paragraph = 'Zażółć gęślą jaźń. '.repeat(200);
    const ids = await channel.post(space, visitor(`${paragraph}\n\n${paragraph}`));
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const listed = await as('relay@example.com').listMessages({ roomId: space, max: 50 });
    const ours = listed.filter((m) => ids.includes(m.id));
    expect(ours).toHaveLength(ids.length);
    for (const m of ours) expect(Buffer.byteLength(m.text ?? '', 'utf8')).toBeLessThanOrEqual(7439);
  });

  it('manages members: list, check, remove (removal takes the access away)', async () => {
    expect(await channel.isMember(space, 'alice@example.com')).toBe(true);
    const members = (await channel.listMembers(space)).map((p) => p.email).sort();
    expect(members).toEqual(expect.arrayContaining(['alice@example.com', 'bob@example.com', 'relay@example.com', botEmail()]));
    await channel.removeMember(space, 'bob@example.com');
    expect(await channel.isMember(space, 'bob@example.com')).toBe(false);
    const refused = await as('bob@example.com')
      .createMessage({ roomId: space, markdown: 'still here?' })
      .then(() => 'posted', (e: { status: number }) => e.status);
    expect([403, 404]).toContain(refused);
    await channel.removeMember(space, 'bob@example.com'); // idempotent
    await channel.addMember(space, 'alice@example.com'); // already a member: fine
    expect(await channel.findPerson('dave@example.com')).toMatchObject({ email: 'dave@example.com', displayName: 'Dave Davis' });
    await channel.renameSpace(space, 'Sales · Visitor · #abc123 · Alice');
  });

  it('replaces a card: deletes the old one', async () => {
    const cardId = await channel.postCard(space, closedCard('old card'));
    await channel.deleteMessage(cardId);
    await channel.deleteMessage(cardId); // already gone: fine
    const error = await as('alice@example.com')
      .getMessage(cardId)
      .then(() => null, (e: { status: number }) => e.status);
    expect(error).toBe(404);
  });
});

describe('the client policy against the sandbox', () => {
  it('waits out a 429 with Retry-After: 1 and succeeds', async () => {
    const waits: number[] = [];
    const client = new WebexClient({
      baseUrl: apiBase,
      token: tokens['alice@example.com']!,
      sleep: (ms) => {
        waits.push(ms);
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    sandboxServer.sandbox.knobs.fail429(1, 1);
    try {
      const me = await client.me();
      expect(me.emails).toEqual(['alice@example.com']);
      expect(waits).toEqual([1000]);
    } finally {
      sandboxServer.sandbox.knobs.reset();
    }
  });

  it('retries a 5xx and succeeds', async () => {
    const client = new WebexClient({ baseUrl: apiBase, token: tokens['alice@example.com']!, sleep: async () => {} });
    sandboxServer.sandbox.knobs.fail5xx(2, 502);
    try {
      expect((await client.me()).emails).toEqual(['alice@example.com']);
    } finally {
      sandboxServer.sandbox.knobs.reset();
    }
  });

  it("renews a relay token through the sandbox's own POST /access_token on a 401", async () => {
    const relay = sandboxServer.sandbox.identities().find((i) => i.email === 'relay@example.com')!;
    const renewed = new RefreshingToken({
      baseUrl: apiBase,
      accessToken: 'no-longer-valid',
      refreshToken: relay.refreshToken,
      clientId: 'client-id',
      clientSecret: 'client-secret',
      expiresAt: new Date(Date.now() + 3600_000),
    });
    const client = new WebexClient({ baseUrl: apiBase, token: renewed });
    expect((await client.me()).emails).toEqual(['relay@example.com']);
    expect(await renewed.token()).toBe(relay.token);
    renewed.stop();
  });

  it('lists 120 messages with max=50 by following the Link header', async () => {
    const relay = as('relay@example.com');
    const room = await relay.createRoom('pagination');
    for (let i = 0; i < 120; i++) await relay.createMessage({ roomId: room.id, text: `message ${i}` });
    const listed = await relay.listMessages({ roomId: room.id, max: 50 });
    expect(listed).toHaveLength(120);
    expect(new Set(listed.map((m) => m.id)).size).toBe(120);
  });
});

describe('mention mode (no relay token)', () => {
  let channel: WebexChannel;
  const { messages, handlers } = collectingHandlers();

  beforeAll(async () => {
    channel = createWebexChannel({
      apiBase,
      botToken: tokens[botEmail()]!,
      relay: null,
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
      logger,
    });
    receiver.setHandler((raw, headers) => channel.handleWebhook(raw, headers));
    await channel.start(handlers);
  });

  afterAll(async () => {
    await channel?.stop();
  });

  it('posts visitor text as the bot and hears agents only when they mention it', async () => {
    expect(channel.mode).toBe('mention');
    const hooks = await as(botEmail()).listWebhooks();
    expect(hooks.map((h) => `${h.resource}/${h.event}`).sort()).toEqual(['attachmentActions/created', 'messages/created']);

    const space = await channel.createSpace('Support · Visitor · #def456');
    await channel.addMember(space, 'dave@example.com');
    const [visitorMessage] = await channel.post(space, visitor('hello?'));
    const seenByDave = await as('dave@example.com').getMessage(visitorMessage!);
    expect(seenByDave.personEmail).toBe(botEmail());

    const plain = await as('dave@example.com').createMessage({ roomId: space, markdown: 'not for the visitor' });
    const bot = channel.identities.bot!;
    const mentioned = await as('dave@example.com').createMessage({
      roomId: space,
      markdown: `<@personId:${bot.id}|${bot.displayName}> Hi, I am Dave. How can I help?`,
    });
    const message = await messages.next((m) => m.messageId === mentioned.id);
    expect(message.text).toBe('Hi, I am Dave. How can I help?');
    expect(message.mentionsBot).toBe(true);
    expect(message.author.email).toBe('dave@example.com');
    const multiline = await as('dave@example.com').createMessage({
      roomId: space,
      markdown: `<@personId:${bot.id}|${bot.displayName}>\nYour order:\nshipped today`,
    });
    expect((await messages.next((m) => m.messageId === multiline.id)).text).toBe('Your order:\nshipped today');
    await channel.whenIdle();
    expect(messages.items.some((m) => m.messageId === plain.id)).toBe(false);
  });
});

describe('relay token refresh (the sandbox has no /access_token: a local stand-in issues the token)', () => {
  let channel: WebexChannel;
  let tokenServer: Awaited<ReturnType<typeof startFakeServer>>;
  const { messages, handlers } = collectingHandlers();
  const saved: RelayTokens[] = [];

  beforeAll(async () => {
    tokenServer = await startFakeServer((req, res) => {
      const form = new URLSearchParams(req.body);
      if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== 'relay-refresh') {
        return json(res, 400, { message: 'invalid_grant' });
      }
      // The stand-in hands out the sandbox's real relay token, so the renewed token works there.
      json(res, 200, { access_token: tokens['relay@example.com'], expires_in: 1209600, refresh_token: 'relay-refresh-2' });
    });
    channel = createWebexChannel({
      apiBase,
      botToken: tokens[botEmail()]!,
      relay: {
        token: 'expired-relay-token',
        // Believed valid for days: only the 401 from the sandbox reveals that it is not.
        expiresAt: new Date(Date.now() + 7 * 24 * 3600 * 1000),
        refreshToken: 'relay-refresh',
        clientId: 'client-id',
        clientSecret: 'client-secret',
        tokenUrl: `${tokenServer.url}/v1/access_token`,
        onTokens: (t) => void saved.push(t),
      },
      webhookUrl: receiver.url,
      webhookSecret: SECRET,
      logger,
    });
    receiver.setHandler((raw, headers) => channel.handleWebhook(raw, headers));
  });

  afterAll(async () => {
    await channel?.stop();
    await tokenServer?.close();
  });

  it('renews the relay token on a 401 and carries on with the new one', async () => {
    await channel.start(handlers);
    expect(channel.identities.relay?.email).toBe('relay@example.com');
    expect(tokenServer.received).toHaveLength(1);
    expect(saved.map((t) => t.refreshToken)).toEqual(['relay-refresh-2']);

    const space = await channel.createSpace('Billing · Visitor · #0a0b0c');
    await channel.addMember(space, 'alice@example.com');
    const posted = await as('alice@example.com').createMessage({ roomId: space, markdown: 'relayed after refresh' });
    const message = await messages.next((m) => m.messageId === posted.id);
    expect(message.text).toBe('relayed after refresh');
    expect(tokenServer.received).toHaveLength(1);
  });
});
