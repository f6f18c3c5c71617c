// A visitor's message on the one-round-trip path (ChatService.postMessageWithToken): the token
// checked against the chat remembered at its start, the state checked by the store as it
// appends, so a chat closed elsewhere (another instance, the database) still refuses it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startProduct, Visitor, type Product } from './harness.js';

let product: Product;
let base: string;

beforeAll(async () => {
  product = await startProduct();
  base = product.app.url;
});

afterAll(async () => {
  await product?.close();
});

function post(visitor: Visitor, body: unknown, token = visitor.token): Promise<Response> {
  return fetch(`${base}/api/v1/chats/${visitor.id}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

describe('posting a visitor message', () => {
  it('stores it once per clientId without reading the chat first, and tells strangers nothing', async () => {
    const visitor = await Visitor.start(base, { topic: 'sales' });
    const store = product.app.store;
    // The space and its card first (their deliveries read the chat, in the background).
    await eventually(async () => (await store.countPendingOutbox(visitor.id)) === 0);
    const getChat = store.getChat.bind(store);
    const reads: string[] = [];
    store.getChat = (id) => {
      reads.push(id);
      return getChat(id);
    };
    const first = await post(visitor, { text: 'hello', clientId: 'a1' }).finally(() => (store.getChat = getChat));
    expect(reads.filter((id) => id === visitor.id)).toEqual([]);
    expect(first.status).toBe(202);
    const { seq } = (await first.json()) as { seq: number };
    const again = await post(visitor, { text: 'hello', clientId: 'a1' });
    expect(await again.json()).toEqual({ seq });

    const stranger = `${visitor.token.slice(0, -2)}xx`;
    expect((await post(visitor, { text: 'hi', clientId: 'a2' }, stranger)).status).toBe(404);
    expect((await post(visitor, { nonsense: true }, stranger)).status).toBe(404);
    expect((await post(visitor, { nonsense: true })).status).toBe(400);
    const texts = (await visitor.messages()).messages.filter((m) => m.from === 'visitor').map((m) => m.text);
    expect(texts).toEqual(['hello']);
  });

  it('refuses a message to a chat closed behind this instance’s back, storing nothing', async () => {
    const visitor = await Visitor.start(base, { topic: 'sales' });
    expect((await post(visitor, { text: 'before', clientId: 'b1' })).status).toBe(202);
    // As another instance would: the state changes in the database only.
    await product.app.store.updateChat(visitor.id, { state: 'closed', closedAt: new Date(), closeReason: 'test' });
    const late = await post(visitor, { text: 'after', clientId: 'b2' });
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ error: 'chat_closed' });
    const texts = (await visitor.messages()).messages.filter((m) => m.from === 'visitor').map((m) => m.text);
    expect(texts).toEqual(['before']);
  });
});
