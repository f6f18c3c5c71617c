// Timers with short values: lost visitor, leave beacon with grace, inactivity warning and
// close, unclaimed alert in the supervisors' space.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUPERVISORS_SPACE_SETTING } from '../../../src/services/deliveries.js';
import { Agent, eventually, members, spaceOf, startProduct, Visitor, waitForText, type Product } from './harness.js';

let product: Product;

beforeAll(async () => {
  product = await startProduct({
    TIMER_LOST_VISITOR: '1500ms',
    TIMER_LEAVE_GRACE: '200ms',
    TIMER_INACTIVITY_WARN: '2500ms',
    TIMER_INACTIVITY_CLOSE: '4s',
    TIMER_UNCLAIMED_ALERT: '300ms',
  });
});

afterAll(async () => {
  await product?.close();
});

async function closeCause(chatId: string): Promise<unknown> {
  return eventually(async () => (await product.app.store.listEvents(chatId)).find((e) => e.type === 'closed')?.data.cause);
}

describe('visitor presence', () => {
  it('a visitor with no stream, poll or message is lost: "Visitor left" in the space, chat closed', async () => {
    const { app } = product;
    const bob = new Agent(app, 'bob@example.com');
    const v = await Visitor.start(app.url, { topic: 'sales' });
    const room = await spaceOf(app, v.id);
    await waitForText(bob, room, /Visitor left/);
    expect(await closeCause(v.id)).toBe('visitor_left');
    const last = (await v.messages()).messages.at(-1);
    expect(last).toMatchObject({ from: 'system', text: 'The chat was closed because you left the page' });
  });

  it('an open stream keeps the visitor present; a leave beacon closes after the grace period', async () => {
    const { app } = product;
    const v = await Visitor.start(app.url, { topic: 'support', language: 'pl' });
    const stream = v.events();
    await stream.next((e) => e.event === 'state');
    // Longer than the lost-visitor time: the stream's heartbeat keeps the chat open.
    const since = Date.now();
    await eventually(async () => Date.now() - since > 2_000);
    expect((await app.store.getChat(v.id))!.state).toBe('queued');

    stream.close();
    expect((await v.leave()).status).toBe(204);
    expect(await closeCause(v.id)).toBe('visitor_left');
    expect((await v.messages()).state).toBe('closed');
  });
});

describe('inactivity', () => {
  it('warns the visitor, then closes the chat', async () => {
    const { app } = product;
    const bob = new Agent(app, 'bob@example.com');
    const v = await Visitor.start(app.url, { topic: 'sales', language: 'pl' });
    const room = await spaceOf(app, v.id);
    const stream = v.events();
    await v.send('hello');
    // Inactivity counts only while the conversation waits on the visitor: an agent asks.
    await eventually(async () => (await members(app, room)).includes('bob@example.com'));
    await bob.say(room, 'Dzień dobry, w czym mogę pomóc?');
    const warning = await stream.nextMessage((m) => m.from === 'system' && /Czy nadal tu jesteś/.test(m.text));
    expect(warning.text).toContain('minutę');
    await stream.nextMessage((m) => m.text === 'Rozmowa została zakończona z powodu braku aktywności');
    stream.close();
    expect(await closeCause(v.id)).toBe('inactivity');
    await waitForText(bob, room, /was asked whether they are still there/);
    await waitForText(bob, room, /the visitor did not answer/);
  });
});

describe('unclaimed', () => {
  it('alerts the supervisors space when nobody claims the chat in time', async () => {
    const { app } = product;
    const v = await Visitor.start(app.url, { topic: 'sales', name: 'Waiting Walter' });
    const stream = v.events();
    const space = await eventually(() => app.store.getSetting<string>(SUPERVISORS_SPACE_SETTING));
    const sam = new Agent(app, 'sam@example.com');
    const alert = await eventually(async () =>
      (await sam.messages(space)).find((m) => JSON.stringify(m.attachments ?? []).includes((app.store && v.id.slice(-6)))),
    );
    expect(JSON.stringify(alert.attachments)).toContain('is waiting for an agent');
    expect(JSON.stringify(alert.attachments)).toContain('Waiting Walter');
    stream.close();
  });
});
