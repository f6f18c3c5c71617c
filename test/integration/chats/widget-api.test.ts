// The widget API's contract and its guards, and real time: SSE resume with Last-Event-ID,
// long-poll, duplicate and forged webhooks, visitor text shown literally in the space.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, eventually, latestCard, spaceOf, startProduct, Visitor, waitForText, type Product } from './harness.js';

let product: Product;
let base: string;

beforeAll(async () => {
  // Behind a (loopback) proxy: X-Forwarded-For names the visitor.
  product = await startProduct({ TRUST_PROXY: 'loopback' });
  base = product.app.url;
});

afterAll(async () => {
  await product?.close();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('starting a chat', () => {
  it('config lists the topics, localized, with open/closed and the next opening', async () => {
    const res = await fetch(`${base}/api/v1/config?lang=pl`);
    expect(res.status).toBe(200);
    const config = (await res.json()) as { topics: { id: string; name: string; open: boolean; nextOpening: string | null; fields: { name: string; required: boolean }[] }[]; languages: string[] };
    expect(config.topics.map((t) => t.id)).toEqual(['sales', 'support', 'billing', 'night']);
    expect(config.topics[0]).toMatchObject({ name: 'Sprzedaż', open: true, nextOpening: null, mode: 'group' });
    expect(config.topics.find((t) => t.id === 'night')).toMatchObject({ open: false, nextOpening: null });
    expect(config.topics.find((t) => t.id === 'billing')!.fields.filter((f) => f.required).map((f) => f.name)).toEqual(['name', 'email']);
    expect(config.languages).toContain('pl');
  });

  it('refuses an unknown topic (404), a closed one (409) and missing fields (400 naming them)', async () => {
    const unknown = await post('/api/v1/chats', { topic: 'nope' });
    expect(unknown.status).toBe(404);
    const closed = await post('/api/v1/chats', { topic: 'night' });
    expect(closed.status).toBe(409);
    expect(await closed.json()).toMatchObject({ error: 'topic_closed', nextOpening: null });
    const missing = await post('/api/v1/chats', { topic: 'billing', name: 'Ann' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_fields', fields: ['email'] });
    const invalid = await post('/api/v1/chats', { topic: 'billing', name: 'Ann', email: 'not-an-address' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ fields: ['email'] });
    const bad = await post('/api/v1/chats', { topic: 'sales', extra: true });
    expect(bad.status).toBe(400);
    // LiveChat.setUser({ name, email, signature }): the identity travels and is accepted.
    const identity = { name: 'Ann', email: 'ann@example.org', ts: 1_790_000_000, signature: 'c2lnbmVk' };
    expect((await post('/api/v1/chats', { topic: 'sales', name: 'Ann', identity })).status).toBe(201);
    const ok = await post('/api/v1/chats', { topic: 'billing', name: 'Ann', email: 'ann@example.org' });
    expect(ok.status).toBe(201);
    const body = (await ok.json()) as { id: string; token: string; state: string; messages: unknown[] };
    expect(body.state).toBe('queued');
    expect(body.token.length).toBeGreaterThanOrEqual(43); // 256 bits in base64url
    const stored = await product.app.store.getChat(body.id);
    expect(stored!.tokenHash).not.toContain(body.token);
    expect(stored!.visitor).toMatchObject({ name: 'Ann', email: 'ann@example.org' });
  });

  it('takes the visitor IP from X-Forwarded-For when the proxy is trusted, and shows its place on the card', async () => {
    const { app } = product;
    const v = await Visitor.start(base, { topic: 'sales', page: 'https://shop.example.com/' }, { 'x-forwarded-for': '37.47.248.93', 'user-agent': 'BenchBrowser/1.0' });
    const chat = await app.store.getChat(v.id);
    expect(chat!.visitor.ip).toBe('37.47.248.93');
    expect(chat!.visitor.geo).toMatchObject({ country: 'Poland', region: 'Pomerania' });
    expect(chat!.visitor.geo!.city).toMatch(/^Gda[nń]sk$/);
    const room = await spaceOf(app, v.id);
    const card = await latestCard(new Agent(app, 'alice@example.com'), room, true);
    const facts = JSON.stringify(card.attachments![0]!.content.body);
    for (const value of ['Poland', 'Pomerania', chat!.visitor.geo!.city!, '37.47.248.93', 'BenchBrowser/1.0', 'https://shop.example.com/']) {
      expect(facts).toContain(value);
    }
  });
});

describe('guards', () => {
  it("another chat's token gets 404 everywhere; no token too", async () => {
    const a = await Visitor.start(base, { topic: 'sales' });
    const b = await Visitor.start(base, { topic: 'sales' });
    const wrong = { authorization: `Bearer ${b.token}` };
    expect((await post(`/api/v1/chats/${a.id}/messages`, { text: 'x', clientId: '1' }, wrong)).status).toBe(404);
    expect((await fetch(`${base}/api/v1/chats/${a.id}/messages`, { headers: wrong })).status).toBe(404);
    expect((await fetch(`${base}/api/v1/chats/${a.id}/events`, { headers: wrong })).status).toBe(404);
    expect((await post(`/api/v1/chats/${a.id}/close`, {}, wrong)).status).toBe(404);
    expect((await fetch(`${base}/api/v1/chats/${a.id}/messages`)).status).toBe(404);
    expect((await fetch(`${base}/api/v1/chats/not-a-chat/messages`, { headers: wrong })).status).toBe(404);
    expect(await a.state()).toBe('queued');
  });

  it('bodies over 16 KB get 413; an empty text 400', async () => {
    const v = await Visitor.start(base, { topic: 'sales' });
    const auth = { authorization: `Bearer ${v.token}` };
    const big = await post(`/api/v1/chats/${v.id}/messages`, { text: 'x'.repeat(17 * 1024), clientId: 'big' }, auth);
    expect(big.status).toBe(413);
    expect((await post(`/api/v1/chats/${v.id}/messages`, { text: '   ', clientId: 'e' }, auth)).status).toBe(400);
    expect((await post('/api/v1/chats', { topic: 'sales', page: 'p'.repeat(17 * 1024) })).status).toBe(413);
  });

  it('CORS answers only allowed origins', async () => {
    const evil = await fetch(`${base}/api/v1/config`, { headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const same = await fetch(`${base}/api/v1/config`);
    expect(same.status).toBe(200);
  });

  it('the same clientId twice is stored once', async () => {
    const v = await Visitor.start(base, { topic: 'sales' });
    const first = (await (await v.send('once', 'same-id')).json()) as { seq: number };
    const second = (await (await v.send('once', 'same-id')).json()) as { seq: number };
    expect(second.seq).toBe(first.seq);
    expect((await v.messages()).messages.filter((m) => m.text === 'once')).toHaveLength(1);
  });
});

describe('real time', () => {
  it('SSE: a reconnect with Last-Event-ID gets the 5 messages sent while away, each once', async () => {
    const { app } = product;
    const alice = new Agent(app, 'alice@example.com');
    const v = await Visitor.start(base, { topic: 'sales' });
    const room = await spaceOf(app, v.id);
    const card = await latestCard(alice, room, true);
    await alice.submit(card.id, { action: 'claim', chatId: v.id });

    const first = v.events();
    expect(await first.status).toBe(200);
    await first.nextMessage((m) => m.from === 'system' && /joined/.test(m.text));
    await alice.say(room, 'before');
    const before = await first.nextMessage((m) => m.text === 'before');
    first.close();

    for (let i = 1; i <= 5; i++) await alice.say(room, `away ${i}`);
    await eventually(async () => (await v.messages(before.seq)).messages.length === 5);

    const again = v.events(before.seq);
    await again.nextMessage((m) => m.text === 'away 5');
    await alice.say(room, 'after');
    await again.nextMessage((m) => m.text === 'after');
    const texts = again.messages().map((m) => m.text);
    expect(texts).toEqual(['away 1', 'away 2', 'away 3', 'away 4', 'away 5', 'after']);
    const ids = again.events.filter((e) => e.event === 'message').map((e) => Number(e.id));
    expect(ids).toEqual(ids.map((_, i) => before.seq + 1 + i));
    again.close();
  });

  it('SSE streams state changes and ends after the chat closes; long-poll returns when a message comes', async () => {
    const { app } = product;
    const bob = new Agent(app, 'bob@example.com');
    const v = await Visitor.start(base, { topic: 'sales' });
    const room = await spaceOf(app, v.id);
    const { messages } = await v.messages();
    const last = messages.at(-1)!.seq;
    const waiting = v.messages(last, 20);
    await bob.say(room, 'polled');
    // Bob's first answer claims the chat: the poll returns with what came first (the join).
    const polled = await waiting;
    // Agents show as the topic (agentDisplay: support): the sales desk joined.
    expect(polled.messages[0]).toMatchObject({ from: 'system', text: 'Sales joined the chat' });
    expect(polled.state).toBe('active');
    const next = await v.messages(polled.messages.at(-1)!.seq, 20);
    expect(next.messages.map((m) => m.text).concat(polled.messages.map((m) => m.text))).toContain('polled');

    const stream = v.events();
    await stream.next((e) => e.event === 'state' && JSON.parse(e.data).state === 'active');
    await v.close();
    await stream.next((e) => e.event === 'state' && JSON.parse(e.data).state === 'closed');
    await stream.done;
    expect(stream.messages().at(-1)!.text).toBe('You ended the chat');
    // Nothing more to say: a reconnect is told to stop (204).
    const after = v.events(stream.messages().at(-1)!.seq);
    expect(await after.status).toBe(204);
  });
});

describe('webhooks', () => {
  it('a duplicate delivery stores one message', async () => {
    const { app } = product;
    const alice = new Agent(app, 'alice@example.com');
    const v = await Visitor.start(base, { topic: 'sales' });
    const room = await spaceOf(app, v.id);
    app.sandbox!.knobs.duplicateDeliveries(1);
    await alice.say(room, 'only once');
    await v.waitFor((m) => m.text === 'only once');
    await app.sandbox!.deliveriesIdle();
    await (app.channel as unknown as { whenIdle(): Promise<void> }).whenIdle();
    await alice.say(room, 'marker');
    await v.waitFor((m) => m.text === 'marker');
    expect((await v.messages()).messages.filter((m) => m.text === 'only once')).toHaveLength(1);
  });

  it('a forged signature gets 401 and nothing is stored', async () => {
    const { app } = product;
    const alice = new Agent(app, 'alice@example.com');
    const v = await Visitor.start(base, { topic: 'sales' });
    const room = await spaceOf(app, v.id);
    const real = await alice.call<{ id: string }>('POST', '/messages', { roomId: room, text: 'x' });
    await v.waitFor((m) => m.text === 'x');
    const before = (await v.messages()).messages.length;
    const body = JSON.stringify({ id: 'w', name: 'forged', resource: 'messages', event: 'created', data: { id: real.json.id, roomId: room } });
    const res = await fetch(`${base}/webhooks/webex`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-spark-signature': 'deadbeef'.repeat(5) },
      body,
    });
    expect({ status: res.status, body: await res.text() }).toMatchObject({ status: 401 });
    const unsigned = await fetch(`${base}/webhooks/webex`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect((await v.messages()).messages.length).toBe(before);
  });

  it('visitor text `<@all> **hi** [x](http://evil)` shows literally in the space', async () => {
    const { app } = product;
    const alice = new Agent(app, 'alice@example.com');
    const v = await Visitor.start(base, { topic: 'sales', name: '**Boss**' });
    const room = await spaceOf(app, v.id);
    await v.send('<@all> **hi** [x](http://evil)');
    const posted = await waitForText(alice, room, /hi/);
    expect(posted.personEmail).toBe('relay@example.com');
    // What Webex shows: the sandbox renders markdown to plain text the way Webex does.
    expect(posted.text).toContain('<@all> **hi** [x](http://evil)');
    expect(posted.text).toContain('**Boss**');
    const { json } = await alice.call<{ mentionedGroups?: string[]; mentionedPeople?: string[]; html?: string }>('GET', `/messages/${posted.id}`);
    expect(json.mentionedGroups ?? []).toEqual([]);
    expect(json.mentionedPeople ?? []).toEqual([]);
    expect(json.html ?? '').not.toContain('<a ');
  });
});
