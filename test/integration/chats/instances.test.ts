// Two instances on one database: any instance serves any visitor. The second instance talks
// to the first one's sandbox as its Webex and takes over the webhooks; the visitor's stream
// stays on the first, so agents' messages cross over through the event bus (LISTEN/NOTIFY).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../../src/main.js';
import { Agent, latestCard, spaceOf, startProduct, Visitor, waitForText, type Product } from './harness.js';

let product: Product;
let second: RunningApp;

beforeAll(async () => {
  product = await startProduct();
  second = await product.another();
});

afterAll(async () => {
  await product?.close();
});

describe('two instances', () => {
  it('a visitor streaming from one instance hears agents whose webhooks reach the other', async () => {
    const first = product.app;
    const alice = new Agent(first, 'alice@example.com');
    // The relay's webhook (all messages in every chat space) now points at the second instance.
    const relay = new Agent(first, 'relay@example.com');
    const { json: hooks } = await relay.call<{ items: { targetUrl: string; resource: string }[] }>('GET', '/webhooks');
    expect(hooks.items.filter((h) => h.resource === 'messages').map((h) => h.targetUrl)).toEqual([`${second.url}/webhooks/webex`]);
    const v = await Visitor.start(first.url, { topic: 'sales', name: 'Ida' });
    const room = await spaceOf(first, v.id);
    const stream = v.events();
    await stream.next((e) => e.event === 'state');

    // The visitor writes through the other instance: same chat, same token.
    expect((await v.on(second.url).send('hello from instance two')).status).toBe(202);
    await waitForText(alice, room, /hello from instance two/);

    const card = await latestCard(alice, room, true);
    await alice.submit(card.id, { action: 'claim', chatId: v.id });
    await stream.nextMessage((m) => m.from === 'system' && /joined/.test(m.text));
    await alice.say(room, 'crossing over');
    const got = await stream.nextMessage((m) => m.text === 'crossing over');
    expect(got.from).toBe('agent');
    // Each message once, whichever instance handled its webhook.
    expect(stream.messages().filter((m) => m.text === 'crossing over')).toHaveLength(1);
    stream.close();
  });
});
