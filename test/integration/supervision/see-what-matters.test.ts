// What supervisors see with an assistant configured (a fake OpenAI), through the sandbox over
// HTTP and the real database: status and stats show the assistant's chats and counts, and
// "handed off" counts only chats the assistant had; a supervisor who writes in the space without
// mentioning the bot (relay mode hears it) is told once how to give commands.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HINTED_SETTING_PREFIX } from '../../../src/services/supervision/reply.js';
import { startFakeOpenAi, type FakeOpenAi } from '../../unit/ai/support/fake-openai.js';
import { eventually, Visitor } from '../chats/harness.js';
import { botAnswer, command, outsider, startDesk, submitData, textOf, type Desk } from './harness.js';

let fake: FakeOpenAi;
let desk: Desk;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  fake.behave(() => ({ content: 'Hello! I am the assistant.' }));
  desk = await startDesk({ AI_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: fake.url, OPENAI_MODEL: 'acme-mini' });
}, 60_000);

afterAll(async () => {
  await desk?.close();
  await fake?.close();
});

const chatOf = async (id: string) => (await desk.product.app.store.getChat(id))!;

/** A section of a report's text, from its bold title to the next one. */
function section(text: string, title: string): string {
  const from = text.indexOf(`**${title}**`);
  expect(from, `section ${title}`).toBeGreaterThanOrEqual(0);
  const to = text.indexOf('\n\n**', from);
  return `${text.slice(from, to < 0 ? undefined : to)}\n`;
}

describe('with an assistant configured', () => {
  it('status shows the chats with the assistant; stats count as handed off only the chats the assistant had', async () => {
    // Billing without the assistant: its chats are queued from the start.
    const topicCard = await (await command(desk, desk.sam, 'topic billing'))(/Topic · Billing/);
    expect(submitData(topicCard).some((d) => d.action === 'topic_edit')).toBe(true);
    expect(await desk.sam.submit(topicCard.id, { action: 'topic_edit', topic: 'billing', assistant: 'off' })).toBe(202);
    await eventually(async () => (await desk.product.app.store.getTopic('billing'))!.assistant === false);

    const fields = { name: 'Quinn Queued', email: 'quinn@example.com' };
    const queued = await Visitor.start(desk.product.app.url, { topic: 'billing', language: 'en', fields });
    expect((await chatOf(queued.id)).state).toBe('queued');
    const queuedToo = await Visitor.start(desk.product.app.url, { topic: 'billing', language: 'en', fields: { ...fields, name: 'Quentin Queued' } });
    // The topic's assistant was off: turn it on again for the next chat, which the assistant has.
    const again = await (await command(desk, desk.sam, 'topic billing'))(/Topic · Billing/);
    expect(await desk.sam.submit(again.id, { action: 'topic_edit', topic: 'billing', assistant: 'on' })).toBe(202);
    await eventually(async () => (await desk.product.app.store.getTopic('billing'))!.assistant === true);
    const withBot = await Visitor.start(desk.product.app.url, { topic: 'billing', language: 'en', fields: { ...fields, name: 'Bea Bot' } });
    expect((await chatOf(withBot.id)).state).toBe('bot');
    expect((await chatOf(queuedToo.id)).state).toBe('queued');
    const passed = await Visitor.start(desk.product.app.url, { topic: 'billing', language: 'en', fields: { ...fields, name: 'Pat Passed' } });
    expect((await chatOf(passed.id)).state).toBe('bot');
    expect((await passed.send('I want to talk to a person')).status).toBeLessThan(300);
    await eventually(async () => (await chatOf(passed.id)).state === 'queued');

    const status = textOf(await (await command(desk, desk.sam, 'status'))(/Status ·/));
    expect(status).toMatch(/1 with the assistant · 3 waiting · 0 claimed/);
    expect(section(status, 'With the assistant')).toContain(`#${(await chatOf(withBot.id)).shortId}`);

    const stats = textOf(await (await command(desk, desk.sam, 'stats today'))(/Statistics/));
    const billing = section(stats, 'Billing');
    expect(billing).toMatch(/- Chats: 4 \(4 still open\)\n/);
    // Of three chats that reached the agents, only the one the assistant passed on was handed off.
    expect(billing).toMatch(/- Handed off: 1\n/);
    expect(billing).toMatch(/- Assistant alone: 0\n/);
    expect(stats).toMatch(/Handed off: the assistant had the chat/);
  });

  it('a supervisor writing without mentioning the bot is told once how to give commands', async () => {
    const alice = await outsider(desk);
    const first = await desk.sam.say(desk.space, 'What is going on today?');
    const hint = await botAnswer(desk, first.id)(/mention me first/);
    expect(textOf(hint)).toMatch(/`help`/);
    expect(await desk.product.app.store.getSetting(`${HINTED_SETTING_PREFIX}sam@example.com`)).toBe(true);

    // Again without a mention, then a non-supervisor without one: no further hint. A space's
    // deliveries are handled in arrival order, so the answer to a command posted after them is
    // the positive control that both were read.
    await desk.sam.say(desk.space, 'Anyone around?');
    await alice.say(desk.space, 'Hello all');
    await (await command(desk, desk.sam, 'help'))(/Mention me with a command/);
    const hints = (await desk.sam.messages(desk.space)).filter((m) => m.personEmail === desk.botEmail && /mention me first/.test(textOf(m)));
    expect(hints).toHaveLength(1);
    expect(await desk.product.app.store.getSetting(`${HINTED_SETTING_PREFIX}alice@example.com`)).toBeUndefined();
    const history = textOf(await (await command(desk, desk.sam, 'history 5'))(/History ·/));
    expect(history).toMatch(/was told once how to give me commands/);
  });
});
