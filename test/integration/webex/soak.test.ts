// A short soak: 20 chats, message fetches failing 10 % of the time, and the relay's webhook
// switched off twice by Webex after failed deliveries (the sandbox's knobs). Every agent message
// reaches its visitor exactly once, in the order written (counted per chat).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentTexts, claimedChat, eventually, startDurableProduct, type DurableProduct } from './durable-harness.js';

const CHATS = 20;
let product: DurableProduct;

beforeAll(async () => {
  product = await startDurableProduct(400);
});

afterAll(async () => {
  await product?.close();
});

describe('20 chats through failing fetches and switched-off webhooks', () => {
  it('every agent message reaches its visitor once, in order', async () => {
    const { app } = product;
    const knobs = app.sandbox!.knobs;
    const chats: Awaited<ReturnType<typeof claimedChat>>[] = [];
    for (let i = 0; i < CHATS; i++) chats.push(await claimedChat(app, `Visitor ${i + 1}`));
    const written = new Map<string, string[]>(chats.map((c) => [c.room, []]));
    const round = async (label: string) => {
      await Promise.all(
        chats.map(async ({ room, alice }) => {
          for (let n = 1; n <= 2; n++) {
            const text = `${label} ${n}`;
            await alice.say(room, text);
            written.get(room)!.push(text);
          }
        }),
      );
    };

    knobs.messageGetFailureRate(0.1);
    knobs.deactivateWebhookAfter(3);
    await round('calm');
    for (const switchedOff of [1, 2]) {
      // Our side fails every delivery for a while: Webex switches the webhook off.
      const before = knobs.snapshot().deactivations;
      knobs.failDeliveries(1_000_000);
      await round(`failing ${switchedOff}`);
      await eventually(() => knobs.snapshot().deactivations > before);
      knobs.failDeliveries(0);
      await round(`switched off ${switchedOff}`);
    }
    await round('end');
    knobs.messageGetFailureRate(0);

    const total = CHATS * 12;
    const received = await eventually(async () => {
      const all = await Promise.all(chats.map((c) => agentTexts(c.visitor)));
      return all.flat().length >= total ? all : null;
    }, 200);
    for (const [i, chat] of chats.entries()) expect(received[i], `chat ${i + 1}`).toEqual(written.get(chat.room));
    expect(received.flat()).toHaveLength(total);
    // The last items are marked done just after their message is handed over: wait for the queue to drain.
    await eventually(async () => (await app.store.countPendingInbound()) === 0);
    expect(knobs.snapshot().deactivations).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
