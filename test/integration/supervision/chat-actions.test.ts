// Supervisors act on chats from their space, through the sandbox over HTTP and the real
// database: the status card's and the unclaimed alert's Join / Close / Reassign buttons, the
// same as commands (`join`, `close`, `reassign`) by short or full id, and `transcript`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spaceLinkOf } from '../../../src/adapters/channel/webex/ids.js';
import { Agent, eventually, members, spaceOf, Visitor } from '../chats/harness.js';
import { command, outsider, startDesk, submit, submitData, textOf, type Desk } from './harness.js';

let desk: Desk;
let alice: Agent;

beforeAll(async () => {
  desk = await startDesk({ TIMER_UNCLAIMED_ALERT: '300ms' });
  // alice is in the supervisors' space but is no supervisor.
  alice = await outsider(desk);
}, 60_000);

afterAll(() => desk?.close());

async function chatIn(topic: string, name: string): Promise<{ visitor: Visitor; shortId: string; room: string }> {
  const visitor = await Visitor.start(desk.product.app.url, { topic, language: 'en', fields: { name } });
  const room = await spaceOf(desk.product.app, visitor.id);
  const shortId = (await desk.product.app.store.getChat(visitor.id))!.shortId;
  return { visitor, shortId, room };
}

const chatOf = async (id: string) => (await desk.product.app.store.getChat(id))!;

describe('acting on chats', () => {
  it('status lists each open chat once, in the desk time zone, with Join, Close and Reassign', async () => {
    const a = await chatIn('sales', 'Ada Status');
    const status = await (await command(desk, desk.sam, 'status'))(/Status ·/);
    const text = textOf(status);
    expect(text).toMatch(/Status · .*\(UTC\)/);
    // The chat's line names it once (the space title ends with the short id).
    const line = text.split('\n').find((l) => l.includes('Ada Status'))!;
    expect(line.split(`#${a.shortId}`).length - 1).toBe(1);
    const data = submitData(status);
    expect(data).toContainEqual({ action: 'chat_join', chatId: a.visitor.id });
    expect(data).toContainEqual({ action: 'chat_close', chatId: a.visitor.id });
    expect(data).toContainEqual({ action: 'chat_reassign', chatId: a.visitor.id });

    // Join: sam becomes a member of the chat's space; the space hears it.
    await (await submit(desk, desk.sam, status.id, { action: 'chat_join', chatId: a.visitor.id }))(new RegExp(`joins chat #${a.shortId}`));
    await eventually(async () => (await members(desk.product.app, a.room)).includes('sam@example.com'));
    await eventually(async () => (await desk.sam.messages(a.room)).find((m) => /\(supervisor\) joined this space/.test(textOf(m))));

    // Close with a reason typed in the card.
    await (await submit(desk, desk.sam, status.id, { action: 'chat_close', chatId: a.visitor.id, [`reason:${a.visitor.id}`]: 'duplicate' }))(
      new RegExp(`closed chat #${a.shortId} \\(reason: duplicate\\)`),
    );
    expect(await chatOf(a.visitor.id)).toMatchObject({ state: 'closed', closeReason: 'duplicate' });
    await a.visitor.waitFor((m) => m.from === 'system' && /ended/i.test(m.text));

    // A closed chat's button is refused with what was wrong.
    const again = await submit(desk, desk.sam, status.id, { action: 'chat_close', chatId: a.visitor.id });
    expect(textOf(await again(/already closed/))).toMatch(/Nothing was changed/);
  });

  it('commands join, close and reassign by short id (with or without #) and by full id', async () => {
    const b = await chatIn('sales', 'Ben Command');
    await (await command(desk, desk.sam, `join ${b.shortId}`))(new RegExp(`joins chat #${b.shortId}`));
    await eventually(async () => (await members(desk.product.app, b.room)).includes('sam@example.com'));

    await (await command(desk, desk.sam, `reassign #${b.shortId} to carol@example.com`))(/reassigned chat .* to .*carol@example\.com/);
    expect(await chatOf(b.visitor.id)).toMatchObject({ state: 'active', ownerEmail: 'carol@example.com' });
    await eventually(async () => (await members(desk.product.app, b.room)).includes('carol@example.com'));

    await (await command(desk, desk.sam, `reassign ${b.visitor.id} to support`))(/reassigned chat .* to the topic Support/);
    expect(await chatOf(b.visitor.id)).toMatchObject({ state: 'queued', topicId: 'support' });

    await (await command(desk, desk.sam, `close #${b.shortId} spam`))(new RegExp(`closed chat #${b.shortId} \\(reason: spam\\)`));
    expect(await chatOf(b.visitor.id)).toMatchObject({ state: 'closed', closeReason: 'spam' });
    const relay = new Agent(desk.product.app, 'relay@example.com');
    await eventually(async () => (await relay.messages(b.room)).find((m) => /Chat closed by .*Reason: spam/.test(textOf(m))));
  });

  it('the Reassign button hands the chat to a topic; bad targets and unknown chats get a card saying what was wrong', async () => {
    const c = await chatIn('sales', 'Cleo Button');
    const status = await (await command(desk, desk.sam, 'status'))(new RegExp(`#${c.shortId}`));
    const bad = await submit(desk, desk.sam, status.id, { action: 'chat_reassign', chatId: c.visitor.id, [`to:${c.visitor.id}`]: 'nowhere' });
    const card = await bad(/"nowhere" is neither an e-mail address nor a topic/);
    expect(card.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const nobody = await submit(desk, desk.sam, status.id, { action: 'chat_reassign', chatId: c.visitor.id, [`to:${c.visitor.id}`]: 'ghost@example.com' });
    await nobody(/Nobody with the address ghost@example\.com/);
    expect((await chatOf(c.visitor.id)).topicId).toBe('sales');

    await (await submit(desk, desk.sam, status.id, { action: 'chat_reassign', chatId: c.visitor.id, [`to:${c.visitor.id}`]: 'billing' }))(
      /reassigned chat .* to the topic Billing/,
    );
    expect(await chatOf(c.visitor.id)).toMatchObject({ state: 'queued', topicId: 'billing' });

    for (const [words, pattern] of [
      ['close #zzzzzz', /"#zzzzzz" is not a chat id/],
      ['join #abcdef', /There is no chat #abcdef/],
      [`reassign #${c.shortId} to nowhere`, /"nowhere" is neither an e-mail address nor a topic/],
      [`reassign #${c.shortId}`, /Say to whom/],
      ['transcript', /Name the chat/],
    ] as const) {
      const answer = await (await command(desk, desk.sam, words))(pattern);
      expect(answer.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    }
    expect((await chatOf(c.visitor.id)).state).toBe('queued');
  });

  it('a non-supervisor is refused for each kind: commands and buttons change nothing', async () => {
    const d = await chatIn('sales', 'Dora Refused');
    const status = await (await command(desk, desk.sam, 'status'))(new RegExp(`#${d.shortId}`));
    for (const words of [`join #${d.shortId}`, `close #${d.shortId}`, `reassign #${d.shortId} to support`, `transcript #${d.shortId}`]) {
      await (await command(desk, alice, words))(/only supervisors can give me commands/);
    }
    for (const action of ['chat_join', 'chat_close', 'chat_reassign']) {
      await (await submit(desk, alice, status.id, { action, chatId: d.visitor.id, [`to:${d.visitor.id}`]: 'support' }))(/only supervisors can change/);
    }
    expect(await chatOf(d.visitor.id)).toMatchObject({ state: 'queued', topicId: 'sales' });
    expect(await members(desk.product.app, d.room)).not.toContain('sam@example.com');
  });

  it('the unclaimed alert links to the space and carries the same buttons', async () => {
    const e = await chatIn('support', 'Eve Alert');
    const alert = await eventually(async () =>
      (await desk.sam.messages(desk.space)).find((m) => JSON.stringify(m.attachments ?? []).includes(`Chat #${e.shortId} is waiting`)),
    );
    const content = JSON.stringify(alert.attachments);
    // The sandbox's room ids are Webex's: the button opens the space in the Webex client.
    const open = (alert.attachments![0]!.content.actions as unknown as { type: string; url?: string }[]).find((a) => a.type === 'Action.OpenUrl');
    expect(open?.url).toBe(spaceLinkOf(e.room));
    expect(submitData(alert)).toContainEqual({ action: 'chat_join', chatId: e.visitor.id });
    await (await submit(desk, desk.sam, alert.id, { action: 'chat_close', chatId: e.visitor.id, reason: 'test over' }))(
      new RegExp(`closed chat #${e.shortId} \\(reason: test over\\)`),
    );
    expect((await chatOf(e.visitor.id)).state).toBe('closed');
  });

  it('transcript of a closed chat: visitor, agent and system lines with times, split over messages', async () => {
    const f = await chatIn('sales', 'Fay Transcript');
    for (let i = 1; i <= 45; i++) expect((await f.visitor.send(`question number ${i}`)).ok).toBe(true);
    await alice.say(f.room, 'Hello Fay, Alice here.');
    await f.visitor.waitFor((m) => m.from === 'agent');
    await f.visitor.close();
    await eventually(async () => (await chatOf(f.visitor.id)).state === 'closed');

    const after = (await desk.sam.messages(desk.space)).at(-1)!.id;
    await command(desk, desk.sam, `transcript #${f.shortId}`);
    const parts = await eventually(async () => {
      const all = await desk.sam.messages(desk.space);
      const mine = all.slice(all.findIndex((m) => m.id === after) + 1).filter((m) => m.personEmail === desk.botEmail);
      return mine.some((m) => /Hello Fay, Alice here/.test(textOf(m))) && mine.some((m) => /ended/i.test(textOf(m))) ? mine : null;
    });
    const text = parts.map(textOf).join('\n');
    expect(parts.length).toBeGreaterThan(1);
    expect(text).toContain(`Transcript of chat #${f.shortId}`);
    expect(text).toMatch(/Times in UTC/);
    expect(text).toMatch(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \*\*Fay Transcript\*\*: question number 1\b/);
    expect(text).toContain('question number 45');
    expect(text).toMatch(/\*\*[^*]+ \(agent\)\*\*: Hello Fay, Alice here\./);
    expect(text).toMatch(/\*\*System\*\*: /);
  });
});
