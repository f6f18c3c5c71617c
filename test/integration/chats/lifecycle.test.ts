// Fair timers with short values: inactivity runs only while the conversation waits on the
// visitor; a queued visitor is kept informed ("still looking") and, after the give-up time,
// offered to leave a message, never warned or closed for inactivity.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERVISORS_SPACE_SETTING } from '../../../src/services/deliveries.js';
import { Agent, eventually, members, spaceOf, startProduct, Visitor, waitForText, type Product } from './harness.js';

let product: Product;

beforeAll(async () => {
  product = await startProduct({
    TIMER_LOST_VISITOR: '4s',
    TIMER_INACTIVITY_WARN: '500ms',
    TIMER_INACTIVITY_CLOSE: '1s',
    TIMER_QUEUE_UPDATE: '400ms',
    TIMER_QUEUE_GIVE_UP: '2500ms',
    TIMER_UNCLAIMED_ALERT: '1h',
  });
});

afterAll(async () => {
  await product?.close();
});

describe('a queued visitor', () => {
  it('hears "still looking", then is offered to leave a message; never warned or closed for inactivity', async () => {
    const { app } = product;
    const bob = new Agent(app, 'bob@example.com');
    const v = await Visitor.start(app.url, { topic: 'sales', name: 'Patient Pat' });
    const room = await spaceOf(app, v.id);
    const stream = v.events();
    const update = await stream.nextMessage((m) => m.from === 'system' && /still looking for someone/.test(m.text));
    expect(update.data).toBeUndefined();
    const offer = await stream.nextMessage((m) => m.from === 'system' && /leave a message/.test(m.text));
    // The widget's cue: the offer travels as data on the stored line (a reconnect sees it too).
    expect(offer.data).toEqual({ offer: 'leave_message' });
    expect(offer.text).toContain('for 1 minute.'); // the give-up time in whole minutes (at least one)
    // Waited 2.5 s, past the inactivity close (1 s): still queued, no warning ever sent.
    const transcript = (await v.messages()).messages;
    expect(await v.state()).toBe('queued');
    // Without the assistant the welcome may promise a person.
    expect(transcript[0]!.text).toMatch(/An agent will be with you shortly/);
    expect(transcript.some((m) => /Are you still there/.test(m.text))).toBe(false);
    expect(transcript.filter((m) => m.data?.offer === 'leave_message')).toHaveLength(1);
    // The space and the supervisors see it.
    await waitForText(bob, room, /the visitor was offered to leave a message/);
    const supervisors = await eventually(() => app.store.getSetting<string>(SUPERVISORS_SPACE_SETTING));
    const sam = new Agent(app, 'sam@example.com');
    await waitForText(sam, supervisors, new RegExp(`chat #${(await app.store.getChat(v.id))!.shortId}.*offered to leave a message`));
    const events = await app.store.listEvents(v.id);
    expect(events.filter((e) => e.type === 'queue_offer')).toHaveLength(1);
    expect(events.some((e) => e.type === 'inactivity_warning' || e.type === 'closed')).toBe(false);

    // The visitor takes the offer (the widget then shows the offline form): they gave up waiting.
    const closed = await fetch(`${app.url}/api/v1/chats/${v.id}/close`, {
      method: 'POST',
      headers: { authorization: `Bearer ${v.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'gave_up' }),
    });
    expect(closed.status).toBe(200);
    await waitForText(bob, room, /The visitor gave up waiting/);
    await waitForText(sam, supervisors, /gave up waiting for an agent/);
    stream.close();
  });

  it('a close with an unknown reason is a 400 and changes nothing', async () => {
    const v = await Visitor.start(product.app.url, { topic: 'sales' });
    const res = await fetch(`${product.app.url}/api/v1/chats/${v.id}/close`, {
      method: 'POST',
      headers: { authorization: `Bearer ${v.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'bored' }),
    });
    expect(res.status).toBe(400);
    expect(await v.state()).toBe('queued');
  });
});

describe('positive control: the conversation waits on the visitor', () => {
  it("an agent's unanswered question leads to the warning, then the close", async () => {
    const { app } = product;
    const bob = new Agent(app, 'bob@example.com');
    const v = await Visitor.start(app.url, { topic: 'sales' });
    const room = await spaceOf(app, v.id);
    await eventually(async () => (await members(app, room)).includes('bob@example.com'));
    const stream = v.events();
    await bob.say(room, 'What is your order number?');
    await stream.nextMessage((m) => m.from === 'agent' && m.text === 'What is your order number?');
    await stream.nextMessage((m) => m.from === 'system' && /Are you still there/.test(m.text));
    await stream.nextMessage((m) => m.from === 'system' && /no activity/.test(m.text));
    const closed = (await app.store.listEvents(v.id)).find((e) => e.type === 'closed');
    expect(closed?.data.cause).toBe('inactivity');
    stream.close();
  });

  it('the visitor spoke last: nobody is waiting on them, so no warning while the agent is silent', async () => {
    const { app } = product;
    const bob = new Agent(app, 'bob@example.com');
    const v = await Visitor.start(app.url, { topic: 'sales' });
    const room = await spaceOf(app, v.id);
    await eventually(async () => (await members(app, room)).includes('bob@example.com'));
    const stream = v.events();
    await bob.say(room, 'Hello, how can I help?');
    await stream.nextMessage((m) => m.from === 'agent');
    expect((await v.send('My parcel is late.')).status).toBe(202);
    const sentAt = Date.now();
    // Positive control on the same chat: the agent's next line restarts the count.
    await eventually(async () => Date.now() - sentAt > 2_000);
    expect(await v.state()).toBe('active');
    expect((await v.messages()).messages.some((m) => /Are you still there/.test(m.text))).toBe(false);
    await bob.say(room, 'Which parcel?');
    await stream.nextMessage((m) => m.from === 'system' && /Are you still there/.test(m.text));
    stream.close();
  });
});
