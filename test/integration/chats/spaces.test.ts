// Spaces that do not pile up: with short timers, a closed chat's agents leave its space after
// timers.spaceCleanup (the transcript stays in the database), and at retention the space is
// deleted by its creator, through the sandbox's Webex API over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, eventually, members, spaceOf, startProduct, Visitor, type Product } from './harness.js';

let product: Product;

beforeAll(async () => {
  product = await startProduct({ TIMER_LOST_VISITOR: '1h', TIMER_SPACE_CLEANUP: '1s', RETENTION: '6s' });
});

afterAll(async () => {
  await product?.close();
});

describe("a closed chat's space", () => {
  it('loses its agents after the cleanup time, then is deleted at retention', async () => {
    const { app } = product;
    const bob = new Agent(app, 'bob@example.com');
    const relay = new Agent(app, 'relay@example.com');
    const v = await Visitor.start(app.url, { topic: 'sales', name: 'Tidy Tom' });
    const room = await spaceOf(app, v.id);
    await eventually(async () => (await members(app, room)).includes('bob@example.com'));
    await bob.say(room, 'Hello Tom, how can I help?');
    await v.waitFor((m) => m.from === 'agent');
    // Open chats are left alone: the agents are still there while the chat runs.
    expect(await members(app, room)).toEqual(expect.arrayContaining(['alice@example.com', 'bob@example.com']));

    expect((await v.close()).status).toBe(200);
    const closedAt = Date.now();
    // After the cleanup time the agents are out; the product's identities (the creator) remain.
    const left = await eventually(async () => {
      const now = await members(app, room);
      return !now.includes('alice@example.com') && !now.includes('bob@example.com') ? now : null;
    });
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(900);
    expect(left).toContain('relay@example.com');
    expect((await bob.call('GET', `/rooms/${encodeURIComponent(room)}`)).status).toBe(404);
    // The transcript stays in the database.
    expect((await app.store.listMessages(v.id, 0)).some((m) => m.text === 'Hello Tom, how can I help?')).toBe(true);
    expect((await app.store.listEvents(v.id)).some((e) => e.type === 'space_cleared')).toBe(true);

    // At retention the space is deleted by its creator: gone for everyone.
    await eventually(async () => (await relay.call('GET', `/rooms/${encodeURIComponent(room)}`)).status === 404);
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(5_500);
  });
});
