// The webhook route answers 503 while the database cannot store a delivery (so Webex delivers
// again), and 200 once it can: the message then reaches the visitor once.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentTexts, claimedChat, eventually, startDurableProduct, waitForAgentTexts, type DurableProduct } from './durable-harness.js';
import { Agent } from '../chats/harness.js';

let product: DurableProduct;

beforeAll(async () => {
  // No reconciliation pass during the test (only the one at start): deliveries alone count.
  product = await startDurableProduct(600_000);
});

afterAll(async () => {
  await product?.close();
});

describe('the database away while a webhook arrives', () => {
  it('answers 503 until the delivery can be stored, then relays the message once', async () => {
    const { app, db } = product;
    const { visitor, room, alice } = await claimedChat(app, 'Olga');
    const relay = new Agent(app, 'relay@example.com');
    const hooks = await relay.call<{ items: { name: string; secret: string; id: string }[] }>('GET', '/webhooks');
    const hook = hooks.json.items.find((h) => h.name.endsWith(':relay'))!;

    // Webex's own delivery of this message is held back (dropped), so only ours below counts.
    app.sandbox!.knobs.dropDeliveries(1);
    const written = await alice.say(room, 'written while the database was away');
    const body = JSON.stringify({
      id: hook.id,
      name: hook.name,
      resource: 'messages',
      event: 'created',
      data: { id: written.id, roomId: room, personEmail: 'alice@example.com', created: written.created },
    });
    const deliver = () =>
      fetch(`${app.url}/webhooks/webex`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-spark-signature': createHmac('sha1', hook.secret).update(body).digest('hex') },
        body,
      });

    // The database cannot store the delivery: its table is away for a moment (the product's
    // other connections, the bus's and the scheduler's, stay up).
    await db.pool.query('ALTER TABLE inbound RENAME TO inbound_away');
    try {
      const refused = await deliver();
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: 'unavailable' });
    } finally {
      await db.pool.query('ALTER TABLE inbound_away RENAME TO inbound');
    }
    // Webex delivers again: stored this time, and relayed.
    const accepted = await eventually(async () => {
      const res = await deliver();
      return res.status === 200 ? res : null;
    }, 200);
    expect(await accepted.json()).toEqual({ accepted: true });
    expect(await waitForAgentTexts(visitor, 1)).toEqual(['written while the database was away']);
    // A further redelivery is a duplicate: nothing twice.
    expect(await (await deliver()).json()).toEqual({ duplicate: true });
    await eventually(async () => (await app.store.countPendingInbound(room)) === 0);
    expect(await agentTexts(visitor)).toEqual(['written while the database was away']);
  }, 120_000);
});
