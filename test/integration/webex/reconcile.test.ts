// A webhook whose deliveries keep failing is switched off by Webex (the sandbox's knob plays
// it): agent messages written meanwhile are caught up by the reconciliation (listing the space),
// the product reactivates the webhook and tells the supervisors; each message reaches the
// visitor exactly once, in the order written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, agentTexts, claimedChat, eventually, relayHooks, startDurableProduct, waitForAgentTexts, type DurableProduct } from './durable-harness.js';

let product: DurableProduct;

beforeAll(async () => {
  product = await startDurableProduct(400);
});

afterAll(async () => {
  await product?.close();
});

describe('a webhook switched off after failed deliveries', () => {
  it('messages written while no webhook arrives reach the visitor once, in order; the webhook is reactivated', async () => {
    const { app } = product;
    const knobs = app.sandbox!.knobs;
    const { visitor, room, alice } = await claimedChat(app, 'Olga');
    await alice.say(room, 'before');
    await waitForAgentTexts(visitor, 1);

    // Every delivery fails from now on; after 3 in a row Webex switches the webhook off.
    knobs.deactivateWebhookAfter(3);
    knobs.failDeliveries(1_000_000);
    const written = Array.from({ length: 8 }, (_, i) => `while failing ${i + 1}`);
    for (const text of written) await alice.say(room, text);
    const texts = await waitForAgentTexts(visitor, 1 + written.length);
    expect(texts).toEqual(['before', ...written]);
    // No webhook brought them: every delivery attempt failed (the knob is still armed).
    expect(knobs.snapshot().failDeliveries).toBeGreaterThan(0);

    // The product noticed the switched-off webhook, reactivated it and told the supervisors.
    const sam = new Agent(app, 'sam@example.com');
    await eventually(async () => {
      const spaces = await sam.call<{ items: { id: string; title: string }[] }>('GET', '/rooms');
      for (const space of spaces.json.items) {
        const said = await sam.messagesIfMember(space.id);
        if (said.some((m) => /switched off the webhook/.test(m.text ?? ''))) return true;
      }
      return false;
    }, 100);

    // Deliveries work again: the webhook is active and the next message arrives once.
    knobs.failDeliveries(0);
    await eventually(async () => (await relayHooks(app)).every((h) => h.status === 'active'));
    await alice.say(room, 'after');
    const final = await waitForAgentTexts(visitor, written.length + 2);
    expect(final).toEqual(['before', ...written, 'after']);
    expect(await agentTexts(visitor)).toEqual(final);
    expect(await app.store.countPendingInbound(room)).toBe(0);
  });
});
