// Each routing mode from start to close, with agents acting in the sandbox through its REST
// API with their own tokens, and the visitor on the widget API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, eventually, latestCard, members, spaceOf, startProduct, Visitor, waitForText, type Product } from './harness.js';

let product: Product;
let base: string;

beforeAll(async () => {
  product = await startProduct();
  base = product.app.url;
});

afterAll(async () => {
  await product?.close();
});

describe('group topic (sales)', () => {
  it('alice claims, bob stays; messages flow both ways; a thread reply stays internal; close with a reason', async () => {
    const { app } = product;
    const alice = new Agent(app, 'alice@example.com');
    const bob = new Agent(app, 'bob@example.com');
    const visitor = await Visitor.start(base, { topic: 'sales', name: 'Jan', language: 'pl', page: 'https://shop.example.com/cart' });
    const room = await spaceOf(app, visitor.id);
    await eventually(async () => (await members(app, room)).includes('bob@example.com'));
    expect(await members(app, room)).toEqual(
      ['alice@example.com', 'bob@example.com', 'livechat-bot@webex.bot', 'relay@example.com'].sort(),
    );

    // The visitor card: who the visitor is, and the four buttons.
    const card = await latestCard(alice, room, true);
    const content = card.attachments![0]!.content;
    expect(content.actions!.map((a) => a.title)).toEqual(['Claim', 'Escalate', 'Transfer', 'Close']);
    expect(JSON.stringify(content.body)).toContain('https://shop.example.com/cart');
    expect(JSON.stringify(content.body)).toContain('Jan');

    expect((await visitor.send('Dzień dobry', 'm1')).status).toBe(202);
    await waitForText(alice, room, /\*\*Visitor · Jan \\\(unverified\\\):\*\* Dzień dobry/);

    expect(await alice.submit(card.id, { action: 'claim', chatId: visitor.id })).toBe(202);
    await visitor.waitFor((m) => m.from === 'system' && m.text === 'Sprzedaż dołącza do rozmowy');
    await waitForText(alice, room, /Alice Anders\*\* claimed the chat/);
    expect(await visitor.state()).toBe('active');
    // group: everyone stays
    expect(await members(app, room)).toContain('bob@example.com');
    const chat = await app.store.getChat(visitor.id);
    expect(chat?.ownerEmail).toBe('alice@example.com');

    await alice.say(room, 'Witam, w czym mogę pomóc?');
    const reply = await visitor.waitFor((m) => m.from === 'agent');
    // Agents show as the topic's name in the visitor's language (agentDisplay: support).
    expect(reply).toMatchObject({ text: 'Witam, w czym mogę pomóc?', name: 'Sprzedaż' });
    expect(JSON.stringify(reply)).not.toContain('@example.com');

    // A reply inside a thread is an internal note: it never reaches the visitor.
    const top = await bob.say(room, 'Bob to the visitor');
    await visitor.waitFor((m) => m.text === 'Bob to the visitor');
    await bob.say(room, 'psst, internal note', top.id);
    await eventually(async () => (await app.store.listEvents(visitor.id)).some((e) => e.type === 'note'));
    expect((await visitor.messages()).messages.map((m) => m.text)).not.toContain('psst, internal note');

    const closeCard = await latestCard(alice, room);
    expect(await alice.submit(closeCard.id, { action: 'close', chatId: visitor.id, reason: 'Resolved: order found' })).toBe(202);
    await visitor.waitFor((m) => m.from === 'system' && m.text === 'Rozmowa zakończona');
    expect(await visitor.state()).toBe('closed');
    const closed = await app.store.getChat(visitor.id);
    expect(closed).toMatchObject({ state: 'closed', closeReason: 'Resolved: order found', closedBy: 'alice@example.com' });
    await waitForText(alice, room, /Chat closed by \*\*Alice Anders\*\*/);
    // The summary card
    await eventually(async () =>
      (await alice.messages(room)).some((m) => JSON.stringify(m.attachments ?? []).includes('closed')),
    );
    // A closed chat refuses the visitor's messages.
    expect((await visitor.send('still there?')).status).toBe(409);
  });
});

describe('personal topic (support)', () => {
  it('carol claims and dave leaves the space; the old card is replaced', async () => {
    const { app } = product;
    const carol = new Agent(app, 'carol@example.com');
    const visitor = await Visitor.start(base, { topic: 'support', language: 'en' });
    const room = await spaceOf(app, visitor.id);
    await eventually(async () => (await members(app, room)).includes('dave@example.com'));
    const card = await latestCard(carol, room, true);

    expect(await carol.submit(card.id, { action: 'claim', chatId: visitor.id })).toBe(202);
    await visitor.waitFor((m) => m.from === 'system' && m.text === 'Support joined the chat');
    await eventually(async () => !(await members(app, room)).includes('dave@example.com'));
    expect(await members(app, room)).toContain('carol@example.com');
    // The new card has no Claim button; the first card was deleted.
    await eventually(async () => {
      const cards = (await carol.messages(room)).filter((m) => m.attachments?.length);
      return cards.length === 1 && !cards[0]!.attachments![0]!.content.actions!.some((a) => a.title === 'Claim');
    });

    // A second claim is answered, and changes nothing.
    const current = await latestCard(carol, room);
    await carol.submit(current.id, { action: 'claim', chatId: visitor.id });
    await waitForText(carol, room, /already own this chat/);

    await visitor.close();
    await visitor.waitFor((m) => m.text === 'You ended the chat');
    await waitForText(carol, room, /The visitor ended the chat/);
  });

  it('escalate turns a 1:1 chat into a group chat', async () => {
    const { app } = product;
    const carol = new Agent(app, 'carol@example.com');
    const visitor = await Visitor.start(base, { topic: 'support', language: 'en' });
    const room = await spaceOf(app, visitor.id);
    const card = await latestCard(carol, room, true);
    await carol.submit(card.id, { action: 'claim', chatId: visitor.id });
    await eventually(async () => !(await members(app, room)).includes('dave@example.com'));

    // The claim replaces the card: act on the new one (the old one may still be listed a moment).
    const next = await latestCard(carol, room, false, card.id);
    expect(await carol.submit(next.id, { action: 'escalate', chatId: visitor.id, emails: 'alice@example.com', topic: 'sales' })).toBe(202);
    await eventually(async () => {
      const now = await members(app, room);
      return now.includes('alice@example.com') && now.includes('bob@example.com');
    });
    expect(await members(app, room)).toContain('carol@example.com');
    await waitForText(carol, room, /escalated the chat/);
    await visitor.waitFor((m) => m.text === 'More colleagues are joining to help you');
    expect((await app.store.listEvents(visitor.id)).map((e) => e.type)).toContain('escalated');
  });

  it('transfer to a topic: the old owner leaves, the new agents join, the chat waits for a claim', async () => {
    const { app } = product;
    const carol = new Agent(app, 'carol@example.com');
    const alice = new Agent(app, 'alice@example.com');
    const visitor = await Visitor.start(base, { topic: 'support', language: 'pl' });
    const room = await spaceOf(app, visitor.id);
    const card = await latestCard(carol, room, true);
    await carol.submit(card.id, { action: 'claim', chatId: visitor.id });
    await eventually(async () => (await app.store.getChat(visitor.id))?.state === 'active');

    const next = await latestCard(carol, room, false, card.id);
    expect(await carol.submit(next.id, { action: 'transfer', chatId: visitor.id, topic: 'sales' })).toBe(202);
    await visitor.waitFor((m) => m.text === 'Trwa przekierowanie rozmowy do działu: Sprzedaż');
    await eventually(async () => {
      const now = await members(app, room);
      return !now.includes('carol@example.com') && now.includes('alice@example.com') && now.includes('bob@example.com');
    });
    const chat = await app.store.getChat(visitor.id);
    expect(chat).toMatchObject({ state: 'queued', topicId: 'sales', ownerEmail: null });
    expect(await visitor.state()).toBe('queued');

    // The new topic's agents claim from the fresh card.
    const fresh = await latestCard(alice, room, true);
    await alice.submit(fresh.id, { action: 'claim', chatId: visitor.id });
    await eventually(async () => (await app.store.getChat(visitor.id))?.ownerEmail === 'alice@example.com');
  });

  it('a card used by someone who is no longer a member is refused and changes nothing', async () => {
    const { app } = product;
    const dave = new Agent(app, 'dave@example.com');
    const carol = new Agent(app, 'carol@example.com');
    const visitor = await Visitor.start(base, { topic: 'support', language: 'en' });
    const room = await spaceOf(app, visitor.id);
    await eventually(async () => (await members(app, room)).includes('dave@example.com'));
    const card = await latestCard(dave, room, true);

    // Dave submits while still a member, but the delivery is lost; then he leaves the space.
    app.sandbox!.knobs.dropDeliveries(1);
    const { json: action } = await dave.call<{ id: string }>('POST', '/attachment/actions', {
      type: 'submit',
      messageId: card.id,
      inputs: { action: 'claim', chatId: visitor.id },
    });
    await app.sandbox!.deliveriesIdle();
    const { json: memberships } = await dave.call<{ items: { id: string; personEmail: string }[] }>(
      'GET',
      `/memberships?roomId=${encodeURIComponent(room)}&personEmail=dave@example.com`,
    );
    await dave.call('DELETE', `/memberships/${memberships.items[0]!.id}`);

    // Webex delivers the action now (a late redelivery): the actor is not a member any more.
    const { signBody } = await import('../../../src/sandbox/index.js');
    const body = JSON.stringify({
      id: 'late-delivery',
      name: 'late',
      resource: 'attachmentActions',
      event: 'created',
      data: { id: action.id, roomId: room, messageId: card.id },
    });
    const res = await fetch(`${base}/webhooks/webex`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-spark-signature': signBody(body, app.sandbox!.webhookSecret) },
      body,
    });
    expect(res.status).toBe(200);
    await waitForText(carol, room, /only members of this space can use its buttons/);
    const chat = await app.store.getChat(visitor.id);
    expect(chat).toMatchObject({ state: 'queued', ownerEmail: null });
    expect((await app.store.listEvents(visitor.id)).map((e) => e.type)).not.toContain('claimed');
  });

  it('a message that mentions the bot is a command: help is answered in the space', async () => {
    const { app } = product;
    const carol = new Agent(app, 'carol@example.com');
    const visitor = await Visitor.start(base, { topic: 'support', language: 'en' });
    const room = await spaceOf(app, visitor.id);
    const bot = app.sandbox!.identities().find((i) => i.type === 'bot')!;
    await carol.call('POST', '/messages', {
      roomId: room,
      markdown: `<@personEmail:${bot.email}|Live Chat Bot> help`,
    });
    await waitForText(carol, room, /a reply inside a thread is an internal note/);
    expect((await visitor.messages()).messages.some((m) => m.from === 'agent')).toBe(false);
  });
});
