// Cards that end with the chat: the live card is replaced by the summary (no Claim or Close form
// stays open), the space's title gets a closed mark, the summary speaks in human words, the
// visitor's browser is named, and the agent who lost a claim race is told who won.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSED_MARK } from '../../../src/services/deliveries.js';
import { Agent, eventually, latestCard, members, spaceOf, startProduct, Visitor, waitForText, type Product, type WebexMessage } from './harness.js';

let product: Product;

beforeAll(async () => {
  product = await startProduct({ TIMER_LOST_VISITOR: '1h' });
});

afterAll(async () => {
  await product?.close();
});

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';

type Fact = { title: string; value: string };

/** The facts a card shows, title → value. */
function factsOf(message: WebexMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'FactSet') for (const f of o.facts as Fact[]) out[f.title] = f.value;
      // The summary shows each fact as plain text runs (no markdown, so nothing to break).
      if (o.type === 'RichTextBlock') {
        const [title, value] = (o.inlines as { text: string }[]).map((r) => r.text);
        out[title!.replace(/: $/, '')] = value!;
      }
      Object.values(o).forEach(walk);
    }
  };
  walk(message.attachments?.[0]?.content.body);
  return out;
}

const hasActions = (m: WebexMessage) => m.attachments?.some((a) => (a.content.actions ?? []).length > 0) ?? false;

async function summaryCard(agent: Agent, room: string): Promise<WebexMessage> {
  return eventually(async () => (await agent.messages(room)).find((m) => m.attachments?.length && JSON.stringify(m.attachments).includes(' closed')));
}

describe('a closed chat', () => {
  it('closed by the visitor: the live card is deleted, the summary says who and why, the title is marked', async () => {
    const { app } = product;
    const bob = new Agent(app, 'bob@example.com');
    const v = await Visitor.start(app.url, { topic: 'sales', name: 'Mia Mobile' }, { 'user-agent': IPHONE });
    const room = await spaceOf(app, v.id);
    const live = await latestCard(bob, room, true);
    // The visitor's browser in words, with the mobile flag.
    const visitorFacts = factsOf(live);
    expect(visitorFacts.Device).toContain('mobile');
    expect(visitorFacts.Device).toContain('Apple iPhone');
    expect(visitorFacts.System).toBe('iOS 17.1');
    expect(visitorFacts.Browser).toBe('Mobile Safari 17');
    expect(JSON.stringify(live.attachments)).not.toContain('AppleWebKit');

    expect((await v.close()).status).toBe(200);
    const summary = await summaryCard(bob, room);
    expect(hasActions(summary)).toBe(false);
    expect(factsOf(summary)).toMatchObject({ 'Closed by': 'the visitor', Reason: 'the visitor ended the chat', Owner: 'nobody claimed it' });
    // The live card is gone in Webex (its id answers 404), so no Claim or Close form stays open.
    await eventually(async () => (await bob.call('GET', `/messages/${encodeURIComponent(live.id)}`)).status === 404);
    expect((await bob.messages(room)).filter(hasActions)).toEqual([]);
    const title = await eventually(async () => {
      const { json } = await bob.call<{ title: string }>('GET', `/rooms/${encodeURIComponent(room)}`);
      return json.title.startsWith(CLOSED_MARK) ? json.title : null;
    });
    expect(title).toContain('Mia Mobile');
  });

  it("closed by an agent's card: the agent's name and reason, no e-mails or ids", async () => {
    const { app } = product;
    const dave = new Agent(app, 'dave@example.com');
    const v = await Visitor.start(app.url, { topic: 'support' });
    const room = await spaceOf(app, v.id);
    const card = await latestCard(dave, room, true);
    expect(await dave.submit(card.id, { action: 'claim', chatId: v.id })).toBe(202);
    const claimed = await eventually(async () => {
      const now = await latestCard(dave, room);
      return now.id !== card.id ? now : null;
    });
    expect(await dave.submit(claimed.id, { action: 'close', chatId: v.id, reason: 'order_found *today*' })).toBe(202);
    const summary = await summaryCard(dave, room);
    const facts = factsOf(summary);
    // Shown as plain text runs: exactly as typed, nothing inserted to copy along.
    expect(facts).toMatchObject({ 'Closed by': 'Dave Davis', Reason: 'order_found *today*', Owner: 'Dave Davis' });
    expect(JSON.stringify(facts)).not.toMatch(/@|[\u200b-\u200d\ufeff]/);
    await eventually(async () => (await dave.messages(room)).filter(hasActions).length === 0);
  });
});

describe('a claim race', () => {
  it('the agent who lost is told who claimed the chat', async () => {
    const { app } = product;
    const carol = new Agent(app, 'carol@example.com');
    const dave = new Agent(app, 'dave@example.com');
    const v = await Visitor.start(app.url, { topic: 'support' });
    const room = await spaceOf(app, v.id);
    await eventually(async () => (await members(app, room)).includes('dave@example.com'));
    const card = await latestCard(carol, room, true);
    // Both click Claim on the card they see; Carol's click is handled first.
    expect(await carol.submit(card.id, { action: 'claim', chatId: v.id })).toBe(202);
    expect(await dave.submit(card.id, { action: 'claim', chatId: v.id })).toBe(202);
    const answer = await waitForText(carol, room, /Dave Davis: .*already claimed this chat/);
    expect(answer.markdown ?? answer.text).toMatch(/Carol Clark.* already claimed this chat/);
    expect(answer.markdown ?? answer.text).not.toMatch(/only members/);
    // Personal topic: the one who lost leaves the space; the chat is Carol's.
    await eventually(async () => !(await members(app, room)).includes('dave@example.com'));
    expect((await app.store.getChat(v.id))?.ownerEmail).toBe('carol@example.com');
  });
});
