// handleWebhook's edges against a small fake Webex: bad bodies, other events, durable dedupe,
// failing handlers and fetches, and idempotent webhook registration by our own client.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createWebexChannel, type WebexChannel } from '../../../src/adapters/channel/webex/channel.js';
import type { AgentMessage, CardAction } from '../../../src/ports.js';
import { json, signWebhookBody, startFakeServer } from './fake-server.js';

const SECRET = 'unit-secret';
const BOT = { id: 'BOT', emails: ['bot@example.com'], displayName: 'Bot', type: 'bot' };
const RELAY = { id: 'RELAY', emails: ['relay@example.com'], displayName: 'Relay', type: 'person' };
const ALICE = { id: 'ALICE', emails: ['alice@example.com'], displayName: 'Alice Anders', firstName: 'Alice' };

let server: Awaited<ReturnType<typeof startFakeServer>>;
let webhooks: { id: string; name: string; resource: string; event: string; targetUrl: string; secret?: string; owner: string }[];
let logs: { level: number; msg: string; [k: string]: unknown }[];
let channel: WebexChannel;
let received: { messages: AgentMessage[]; actions: CardAction[] };

function delivery(body: object) {
  const raw = Buffer.from(JSON.stringify(body));
  return { raw, headers: { 'x-spark-signature': signWebhookBody(raw, SECRET) } };
}

beforeEach(async () => {
  webhooks = [];
  logs = [];
  received = { messages: [], actions: [] };
  let nextHook = 0;
  server = await startFakeServer((req, res) => {
    const who = req.headers.authorization === 'Bearer relay' ? RELAY : BOT;
    const path = req.url.split('?')[0];
    if (path === '/v1/people/me') return json(res, 200, who);
    if (path === '/v1/people/ALICE') return json(res, 200, ALICE);
    if (path === '/v1/webhooks' && req.method === 'GET') return json(res, 200, { items: webhooks.filter((w) => w.owner === who.id) });
    if (path === '/v1/webhooks' && req.method === 'POST') {
      const hook = { id: `W${++nextHook}`, owner: who.id, ...JSON.parse(req.body) };
      webhooks.push(hook);
      return json(res, 200, hook);
    }
    if (path?.startsWith('/v1/webhooks/') && req.method === 'PUT') {
      const hook = webhooks.find((w) => w.id === path.split('/').pop());
      Object.assign(hook!, JSON.parse(req.body));
      return json(res, 200, hook);
    }
    if (path?.startsWith('/v1/webhooks/') && req.method === 'DELETE') {
      webhooks = webhooks.filter((w) => w.id !== path.split('/').pop());
      res.writeHead(204);
      return res.end();
    }
    if (path === '/v1/messages/M1' || path === '/v1/messages/M2') {
      return json(res, 200, {
        id: path.split('/').pop(),
        roomId: 'ROOM',
        roomType: 'group',
        text: 'hi',
        personId: 'ALICE',
        personEmail: 'alice@example.com',
        created: '2026-01-01T00:00:00.000Z',
      });
    }
    if (path === '/v1/messages/BROKEN') return json(res, 500, { message: 'boom', trackingId: 'T_BROKEN' });
    if (path === '/v1/attachment/actions/A1') {
      return json(res, 200, {
        id: 'A1',
        type: 'submit',
        messageId: 'CARD',
        inputs: { action: 'claim' },
        personId: 'ALICE',
        roomId: 'ROOM',
        created: '2026-01-01T00:00:00.000Z',
      });
    }
    json(res, 404, { message: 'not found', trackingId: 'T_404' });
  });
  const stream = { write: (line: string) => void logs.push(JSON.parse(line)) };
  channel = createWebexChannel({
    apiBase: `${server.url}/v1`,
    botToken: 'bot',
    relay: { token: 'relay' },
    webhookUrl: 'http://127.0.0.1:1/webhooks/webex',
    webhookSecret: SECRET,
    logger: pino({ level: 'debug' }, stream),
    policy: { maxRetries: 0 },
  });
});

afterEach(async () => {
  await channel.stop();
  await server.close();
});

const handlers = {
  onAgentMessage: async (m: AgentMessage) => void received.messages.push(m),
  onCardAction: async (a: CardAction) => void received.actions.push(a),
};

describe('handleWebhook', () => {
  it('answers 503 before start, 400 to signed garbage, 200 to events it does not use', async () => {
    const early = delivery({ resource: 'messages', event: 'created', data: { id: 'M1' } });
    expect((await channel.handleWebhook(early.raw, early.headers)).status).toBe(503);
    await channel.start(handlers);
    const garbage = Buffer.from('{not json');
    expect((await channel.handleWebhook(garbage, { 'x-spark-signature': signWebhookBody(garbage, SECRET) })).status).toBe(400);
    const shapeless = delivery({ hello: 'world' });
    expect((await channel.handleWebhook(shapeless.raw, shapeless.headers)).status).toBe(400);
    const room = delivery({ resource: 'rooms', event: 'updated', data: { id: 'ROOM' } });
    expect(await channel.handleWebhook(room.raw, room.headers)).toEqual({ status: 200, body: { ignored: 'rooms:updated' } });
    const own = delivery({ resource: 'messages', event: 'created', data: { id: 'M9', personId: 'RELAY' } });
    expect((await channel.handleWebhook(own.raw, own.headers)).body).toEqual({ ignored: 'own' });
    await channel.whenIdle();
    expect(received.messages).toHaveLength(0);
  });

  it('asks the durable dedupe after the fetch and skips what it has seen', async () => {
    const keys: string[] = [];
    await channel.stop();
    channel = createWebexChannel({
      apiBase: `${server.url}/v1`,
      botToken: 'bot',
      relay: { token: 'relay' },
      webhookUrl: 'http://127.0.0.1:1/webhooks/webex',
      webhookSecret: SECRET,
      logger: pino({ level: 'silent' }),
      dedupe: async (key) => {
        keys.push(key);
        return key !== 'webex:message:M2';
      },
    });
    await channel.start(handlers);
    for (const body of [
      { resource: 'messages', event: 'created', createdBy: 'RELAY', data: { id: 'M1', roomId: 'ROOM' } },
      { resource: 'messages', event: 'created', createdBy: 'RELAY', data: { id: 'M2', roomId: 'ROOM' } },
      { resource: 'attachmentActions', event: 'created', createdBy: 'BOT', data: { id: 'A1', roomId: 'ROOM' } },
    ]) {
      const d = delivery(body);
      await channel.handleWebhook(d.raw, d.headers);
    }
    await channel.whenIdle();
    expect(keys).toEqual(['webex:message:M1', 'webex:message:M2', 'webex:action:A1']);
    expect(received.messages.map((m) => m.messageId)).toEqual(['M1']);
    expect(received.messages[0]).toMatchObject({
      spaceId: 'ROOM',
      text: 'hi',
      parentId: null,
      mentionsBot: false,
      author: { id: 'ALICE', email: 'alice@example.com', displayName: 'Alice Anders', firstName: 'Alice' },
    });
    expect(received.actions).toEqual([
      {
        spaceId: 'ROOM',
        actionId: 'A1',
        messageId: 'CARD',
        actor: { id: 'ALICE', email: 'alice@example.com', displayName: 'Alice Anders', firstName: 'Alice' },
        inputs: { action: 'claim' },
        at: new Date('2026-01-01T00:00:00.000Z'),
      },
    ]);
  });

  it('logs a failing fetch or handler with its trackingId, and a redelivery after a failed fetch is tried again', async () => {
    let fail = true;
    await channel.start({
      onAgentMessage: async (m) => {
        if (fail) throw new Error('service down');
        received.messages.push(m);
      },
      onCardAction: handlers.onCardAction,
    });
    const broken = delivery({ resource: 'messages', event: 'created', createdBy: 'RELAY', data: { id: 'BROKEN', roomId: 'ROOM' } });
    expect((await channel.handleWebhook(broken.raw, broken.headers)).status).toBe(200);
    await channel.whenIdle();
    expect(logs.find((l) => l.msg === 'webex webhook delivery failed')).toMatchObject({
      key: 'webex:message:BROKEN',
      status: 500,
      trackingId: 'T_BROKEN',
    });
    // Not remembered as processed: Webex (or we) may deliver it again.
    expect((await channel.handleWebhook(broken.raw, broken.headers)).body).toEqual({ accepted: true });

    const m1 = delivery({ resource: 'messages', event: 'created', createdBy: 'RELAY', data: { id: 'M1', roomId: 'ROOM' } });
    await channel.handleWebhook(m1.raw, m1.headers);
    await channel.whenIdle();
    expect(logs.filter((l) => l.msg === 'webex webhook delivery failed').map((l) => l.err)).toContain('service down');
    fail = false;
    const m2 = delivery({ resource: 'messages', event: 'created', createdBy: 'RELAY', data: { id: 'M2', roomId: 'ROOM' } });
    await channel.handleWebhook(m2.raw, m2.headers);
    await channel.whenIdle();
    expect(received.messages.map((m) => m.messageId)).toEqual(['M2']);
  });
});

describe('start', () => {
  it('reuses and repairs webhooks of the same name, removes duplicates, and keeps them on stop', async () => {
    webhooks.push(
      { id: 'OLD1', owner: 'RELAY', name: 'webex-live-chat:relay', resource: 'messages', event: 'created', targetUrl: 'http://old/', secret: 'old' },
      { id: 'OLD2', owner: 'RELAY', name: 'webex-live-chat:relay', resource: 'messages', event: 'created', targetUrl: 'http://old/', secret: 'old' },
      { id: 'OTHER', owner: 'RELAY', name: 'someone else', resource: 'rooms', event: 'all', targetUrl: 'http://else/' },
    );
    await channel.start(handlers);
    const relayHooks = webhooks.filter((w) => w.owner === 'RELAY').map((w) => [w.id, w.targetUrl, w.secret]);
    expect(relayHooks).toEqual([
      ['OLD1', 'http://127.0.0.1:1/webhooks/webex', SECRET],
      ['OTHER', 'http://else/', undefined],
    ]);
    const botHooks = webhooks.filter((w) => w.owner === 'BOT').map((w) => `${w.name} ${w.resource}/${w.event}`);
    expect(botHooks.sort()).toEqual([
      'webex-live-chat:bot:actions attachmentActions/created',
      'webex-live-chat:bot:messages messages/created',
    ]);
    await channel.stop();
    await channel.start(handlers);
    expect(webhooks).toHaveLength(4);
  });

  it("removes a hook of another name pointing at our URL (the framework's firehose of earlier versions)", async () => {
    webhooks.push({ id: 'FIREHOSE', owner: 'BOT', name: 'framework', resource: 'all', event: 'all', targetUrl: 'http://127.0.0.1:1/webhooks/webex' });
    await channel.start(handlers);
    expect(webhooks.some((w) => w.id === 'FIREHOSE')).toBe(false);
  });

  it('removes its own hooks on stop when told to (a single instance), leaving the others', async () => {
    await channel.stop();
    webhooks.push({ id: 'OTHER', owner: 'BOT', name: 'someone else', resource: 'rooms', event: 'all', targetUrl: 'http://else/' });
    channel = createWebexChannel({
      apiBase: `${server.url}/v1`,
      botToken: 'bot',
      relay: { token: 'relay' },
      webhookUrl: 'http://127.0.0.1:1/webhooks/webex',
      webhookSecret: SECRET,
      keepWebhooksOnStop: false,
      logger: pino({ level: 'silent' }),
    });
    await channel.start(handlers);
    expect(webhooks).toHaveLength(4);
    await channel.stop();
    expect(webhooks.map((w) => w.id)).toEqual(['OTHER']);
  });
});
