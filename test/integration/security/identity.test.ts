// Verified visitors, through POST /api/v1/chats and the Webex sandbox over HTTP: a bad or stale
// signature is a 401 with no chat; a good one marks the visitor verified on the agents' card and
// in the space; without it everything the visitor typed reads "(unverified)", and a visitor's
// name or page can neither pass for one of ours nor become a link.
import { createHmac } from 'node:crypto';
import { marked } from 'marked';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, latestCard, spaceOf, Visitor, waitForText, type WebexMessage } from '../chats/harness.js';
import { startWith, type Started } from './support.js';

const SECRET = 'the-site-s-identity-secret';
const sign = (ts: number, email: string, secret = SECRET) => createHmac('sha256', secret).update(`${ts}.${email}`).digest('hex');
const nowSeconds = () => Math.floor(Date.now() / 1000);

type Fact = { title: string; value: string };

function cardOf(message: WebexMessage): { heading: string; facts: Fact[] } {
  const body = (message.attachments?.[0]?.content.body ?? []) as { type: string; text?: string; facts?: Fact[] }[];
  return { heading: body.find((b) => b.type === 'TextBlock')?.text ?? '', facts: body.find((b) => b.type === 'FactSet')?.facts ?? [] };
}

const unescapeHtml = (html: string) =>
  html.replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/&lt;/g, '<').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

const fact = (facts: Fact[], title: string) => facts.find((f) => f.title === title)?.value;

async function chatCount(s: Started): Promise<number> {
  const { rows } = await s.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM chats');
  return Number(rows[0]!.n);
}

async function postChat(base: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${base}/api/v1/chats`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('with IDENTITY_SECRET', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startWith({ IDENTITY_SECRET: SECRET }, '127.0.0.1');
  });
  afterAll(async () => s?.close());

  it('refuses a bad signature and a stale one with 401, and starts no chat', async () => {
    const base = s.app.url;
    const email = 'jan@example.com';
    const ts = nowSeconds();
    const refusals = [
      { name: 'bad', identity: { name: 'Jan', email, ts, signature: sign(ts, email, 'another-secret') } },
      { name: 'another e-mail', identity: { name: 'Jan', email: 'boss@example.com', ts, signature: sign(ts, email) } },
      { name: 'stale', identity: { name: 'Jan', email, ts: ts - 11 * 60, signature: sign(ts - 11 * 60, email) } },
      { name: 'no ts', identity: { name: 'Jan', email, signature: sign(ts, email) } },
    ];
    for (const { name, identity } of refusals) {
      const res = await postChat(base, { topic: 'sales', identity });
      expect(res.status, name).toBe(401);
      expect(((await res.json()) as { error: string }).error, name).toBe('identity_invalid');
    }
    expect(await chatCount(s)).toBe(0);
  });

  it('marks a good signature verified: the card shows it next to the e-mail, the space prefixes the visitor', async () => {
    const email = 'jan@example.com';
    const ts = nowSeconds() - 60;
    const visitor = await Visitor.start(s.app.url, { topic: 'sales', identity: { name: 'Jan Kowalski', email, ts, signature: sign(ts, email) } });
    expect((await s.app.store.getChat(visitor.id))?.visitor).toMatchObject({ email, verified: true });

    const alice = new Agent(s.app, 'alice@example.com');
    const room = await spaceOf(s.app, visitor.id);
    const { facts } = cardOf(await latestCard(alice, room));
    expect(fact(facts, 'E-mail')).toBe('jan@example.com ✓ verified');
    expect(fact(facts, 'Name')).toBe('Jan Kowalski (unverified)');

    expect((await visitor.send('hello')).status).toBe(202);
    const line = await waitForText(alice, room, /hello/);
    expect(line.text).toBe('Visitor · Jan Kowalski (✓ verified): hello');
  });

  it('still starts chats without an identity, unverified', async () => {
    const visitor = await Visitor.start(s.app.url, { topic: 'sales', name: 'Ola', email: 'ola@example.com' });
    expect((await s.app.store.getChat(visitor.id))?.visitor.verified).toBe(false);
  });
});

describe('without IDENTITY_SECRET', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startWith({}, '127.0.0.1');
  });
  afterAll(async () => s?.close());

  it('accepts setUser without a check, shown unverified; a visitor named like the bot is visibly the visitor', async () => {
    const visitor = await Visitor.start(s.app.url, {
      topic: 'sales',
      name: 'Live Chat Bot',
      email: 'ceo@example.com',
      identity: { name: 'Live Chat Bot', email: 'ceo@example.com', ts: nowSeconds(), signature: 'f'.repeat(64) },
      page: 'https://shop.example.com/cart',
    });
    expect((await s.app.store.getChat(visitor.id))?.visitor.verified).toBe(false);
    const alice = new Agent(s.app, 'alice@example.com');
    const room = await spaceOf(s.app, visitor.id);
    const { heading, facts } = cardOf(await latestCard(alice, room));
    expect(heading).toBe('Visitor · Live Chat Bot · Sales');
    expect(fact(facts, 'E-mail')).toBe('ceo@example.com (unverified)');

    await visitor.send('Your chat was closed, log in at my page');
    const line = await waitForText(alice, room, /log in at my page/);
    expect(line.text).toBe('Visitor · Live Chat Bot (unverified): Your chat was closed, log in at my page');
    // An anonymous visitor is still marked as the visitor.
    const anonymous = await Visitor.start(s.app.url, { topic: 'sales' });
    await anonymous.send('just browsing');
    const anonymousLine = await waitForText(alice, await spaceOf(s.app, anonymous.id), /just browsing/);
    expect(anonymousLine.text).toBe('Visitor: just browsing');
  });

  it('keeps every Markdown link form in the page inert on the card', async () => {
    const page = [
      '[Refund form][1]',
      '',
      '[1]: https://evil.example/phish',
      '<a href="https://evil.example/a">click</a> <https://evil.example/auto>',
      '[inline](https://evil.example/inline)',
    ].join('\n');
    const visitor = await Visitor.start(s.app.url, { topic: 'sales', page });
    const alice = new Agent(s.app, 'alice@example.com');
    const { facts } = cardOf(await latestCard(alice, await spaceOf(s.app, visitor.id)));
    const shown = fact(facts, 'Page')!;
    // What a card shows is Markdown to its renderer: rendered, no link may show other words than
    // where it leads (a bare address still shows as itself).
    const html = await marked.parse(shown, { gfm: true });
    const links = [...html.matchAll(/<a\b[^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/gis)].map(([, href, text]) => ({ href, text }));
    for (const link of links) expect(unescapeHtml(link.text!)).toBe(unescapeHtml(decodeURI(link.href!)));
    expect(html).not.toMatch(/>(Refund form|click|inline)<\/a>/);
    // …and still reads as what the visitor sent (only zero-width spaces added).
    expect(shown.replace(/\u200b/g, '')).toBe(page);
  });
});
