// Faults: Webex answering 429 and 5xx for a while (every message still delivered, in order),
// and a process restarted mid-chat (a new instance on the same database and sandbox data
// continues the chat and its timers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, eventually, latestCard, spaceOf, startProduct, Visitor, waitForText, type Product } from './harness.js';

let product: Product;

beforeAll(async () => {
  product = await startProduct({ TIMER_LOST_VISITOR: '10m' });
});

afterAll(async () => {
  await product?.close();
});

describe('Webex refusing for a while', () => {
  it('429s and 500s: every visitor message still arrives, in order', async () => {
    const { app } = product;
    const alice = new Agent(app, 'alice@example.com');
    const v = await Visitor.start(app.url, { topic: 'sales', name: 'Olga' });
    const room = await spaceOf(app, v.id);
    await latestCard(alice, room, true);

    // More 5xx than the client's own retries: the outbox has to carry them over.
    app.sandbox!.knobs.fail5xx(8, 500);
    const texts = Array.from({ length: 8 }, (_, i) => `message ${i + 1}`);
    for (const text of texts) expect((await v.send(text)).status).toBe(202);
    await eventually(async () => (await app.store.countPendingOutbox(v.id)) === 0, 100);
    app.sandbox!.knobs.fail429(3, 1);
    for (const text of ['after 429 a', 'after 429 b']) expect((await v.send(text)).status).toBe(202);
    await eventually(async () => (await app.store.countPendingOutbox(v.id)) === 0, 100);
    expect(app.sandbox!.knobs.snapshot()).toMatchObject({ fail5xx: { remaining: 0 }, fail429: { remaining: 0 } });

    const posted = (await alice.messages(room))
      .filter((m) => m.personEmail === 'relay@example.com')
      .map((m) => (m.text ?? '').replace(/^Visitor · Olga \(unverified\): /, ''));
    expect(posted).toEqual([...texts, 'after 429 a', 'after 429 b']);
  });
});

describe('a restart mid-chat', () => {
  it('a new instance on the same database continues the chat and its timers', async () => {
    const first = product.app;
    const alice = new Agent(first, 'alice@example.com');
    const v = await Visitor.start(first.url, { topic: 'sales' });
    const room = await spaceOf(first, v.id);
    const card = await latestCard(alice, room, true);
    await alice.submit(card.id, { action: 'claim', chatId: v.id });
    await v.waitFor((m) => /joined/.test(m.text));
    await v.send('before the restart');
    await waitForText(alice, room, /before the restart/);

    // The first process goes away; a message sent meanwhile waits in the outbox.
    await first.close();
    // The new process runs with short inactivity timers, so the close comes soon.
    const second = await product.restart({ TIMER_INACTIVITY_WARN: '3s', TIMER_INACTIVITY_CLOSE: '5s' });
    const visitor = v.on(second.url);
    const agent = new Agent(second, 'alice@example.com');
    await visitor.send('after the restart');
    await waitForText(agent, room, /after the restart/);
    await agent.say(room, 'still here');
    await visitor.waitFor((m) => m.text === 'still here');

    // The inactivity timers run on in the new process: warning, then close.
    await visitor.waitFor((m) => /Are you still there/.test(m.text));
    await visitor.waitFor((m) => m.text === 'The chat was closed because there was no activity');
    expect(await visitor.state()).toBe('closed');
    await waitForText(agent, room, /the visitor did not answer/);
    const closed = (await second.store.listEvents(v.id)).find((e) => e.type === 'closed');
    expect(closed?.data).toMatchObject({ cause: 'inactivity' });

  });
});
