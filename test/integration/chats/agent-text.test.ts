// What agents write reaches the visitor as written, and agents are told apart: markdown posted
// in the sandbox over its Webex REST API, read by the visitor on the widget API (real database).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WireBlock } from '../../../src/contract/widget-api.js';
import { Agent, eventually, spaceOf, startProduct, Visitor, type Product, type WireMessage } from './harness.js';

type RichMessage = WireMessage & { rich?: WireBlock[] };

async function markdown(agent: Agent, roomId: string, text: string): Promise<void> {
  const { status, json } = await agent.call('POST', '/messages', { roomId, markdown: text });
  if (status !== 200) throw new Error(`${agent.email} cannot post markdown: ${status} ${JSON.stringify(json)}`);
}

function spans(m: RichMessage) {
  return (m.rich ?? []).flatMap((b) => (b.kind === 'paragraph' ? b.spans : b.kind === 'list' ? b.items.flat() : []));
}

describe('agents as the topic (agentDisplay: support)', () => {
  let product: Product;
  beforeAll(async () => {
    product = await startProduct();
  });
  afterAll(async () => {
    await product?.close();
  });

  it('carries links, bold, lists and line breaks; refuses javascript: links; HTML stays text', async () => {
    const { app } = product;
    const alice = new Agent(app, 'alice@example.com');
    const visitor = await Visitor.start(app.url, { topic: 'sales', language: 'en' });
    const room = await spaceOf(app, visitor.id);
    await markdown(alice, room, 'Hi! See [the guide](https://example.com/guide) **now**\nor https://example.com/faq.\n\n- one\n- two');
    const first = (await visitor.waitFor((m) => m.from === 'agent')) as RichMessage;
    // The plain words are still there for every reader (announcements, old widgets).
    expect(first.text).toContain('See the guide now');
    expect(first.name).toBe('Sales');
    expect(spans(first)).toEqual(
      expect.arrayContaining([
        { text: 'the guide', href: 'https://example.com/guide' },
        { text: 'now', strong: true },
        { text: 'https://example.com/faq', href: 'https://example.com/faq' },
      ]),
    );
    expect(first.rich?.some((b) => b.kind === 'list' && b.items.length === 2)).toBe(true);
    expect(spans(first).some((s) => s.text.includes('\n'))).toBe(true);

    await markdown(alice, room, '**Careful:** [click me](javascript:alert(1)) <img src=x onerror=alert(2)> <b>hi</b>');
    const second = (await visitor.waitFor((m) => m.from === 'agent' && m.text.includes('Careful'))) as RichMessage;
    expect(JSON.stringify(second.rich)).not.toContain('javascript');
    expect(spans(second).every((s) => s.href === undefined)).toBe(true);
    expect(spans(second).map((s) => s.text).join('')).toContain('<img src=x onerror=alert(2)> <b>hi</b>');

    // The sandbox keeps no markdown for a plain text post: the message stays plain on the wire.
    await alice.say(room, 'plain words');
    const plain = (await visitor.waitFor((m) => m.text === 'plain words')) as RichMessage;
    expect(plain.rich).toBeUndefined();

    // One joined line, with the topic's name; a second agent of the team adds none.
    const bob = new Agent(app, 'bob@example.com');
    await bob.say(room, 'Bob here too');
    await visitor.waitFor((m) => m.text === 'Bob here too');
    const { messages } = await visitor.messages();
    expect(messages.filter((m) => m.from === 'system' && /joined/.test(m.text)).map((m) => m.text)).toEqual(['Sales joined the chat']);
    expect(messages.filter((m) => m.from === 'agent').every((m) => m.name === 'Sales')).toBe(true);
  });

  it('the visitor’s own text stays literal: no structure on visitor messages', async () => {
    const { app } = product;
    const visitor = await Visitor.start(app.url, { topic: 'sales', language: 'en' });
    expect((await visitor.send('**not bold** [x](https://example.com)', 'v1')).status).toBe(202);
    const mine = (await visitor.waitFor((m) => m.from === 'visitor')) as RichMessage;
    expect(mine.text).toBe('**not bold** [x](https://example.com)');
    expect(mine.rich).toBeUndefined();
  });
});

describe('agents by first name (agentDisplay: first-name)', () => {
  let product: Product;
  beforeAll(async () => {
    product = await startProduct({ AGENT_DISPLAY: 'first-name' });
  });
  afterAll(async () => {
    await product?.close();
  });

  it('each agent by first name, one joined line per person', async () => {
    const { app } = product;
    const alice = new Agent(app, 'alice@example.com');
    const bob = new Agent(app, 'bob@example.com');
    const visitor = await Visitor.start(app.url, { topic: 'sales', language: 'en' });
    const room = await spaceOf(app, visitor.id);
    await alice.say(room, 'Alice speaking');
    await alice.say(room, 'Alice again');
    await bob.say(room, 'Bob speaking');
    await bob.say(room, 'Bob again');
    await visitor.waitFor((m) => m.text === 'Bob again');
    const { messages } = await visitor.messages();
    const lines = messages.filter((m) => m.from !== 'visitor').map((m) => `${m.from}:${m.name ?? ''}:${m.text}`);
    expect(lines.filter((l) => l.includes('joined'))).toEqual(['system::Alice joined the chat', 'system::Bob joined the chat']);
    expect(lines.filter((l) => l.startsWith('agent:'))).toEqual([
      'agent:Alice:Alice speaking',
      'agent:Alice:Alice again',
      'agent:Bob:Bob speaking',
      'agent:Bob:Bob again',
    ]);
    // Bob's joined line comes before his first words.
    expect(lines.indexOf('system::Bob joined the chat')).toBeLessThan(lines.indexOf('agent:Bob:Bob speaking'));
    await eventually(async () => (await app.store.getChat(visitor.id))?.state === 'active');
  });
});
