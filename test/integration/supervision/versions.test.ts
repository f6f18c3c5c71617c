// Every change is versioned and audited, through the sandbox over HTTP and the real database:
// confirmations name what changed and who; a stale hours Edit card is refused with the current
// one; `history` lists changes with who and when; two instances editing at once: one wins, the
// other is told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOURS_SETTING } from '../../../src/services/hours-service.js';
import type { HoursSettings } from '../../../src/domain/hours.js';
import { eventually, type Agent, type WebexMessage } from '../chats/harness.js';
import { command, outsider, startDesk, submit, textOf, type Desk } from './harness.js';

let desk: Desk;
let alice: Agent;

beforeAll(async () => {
  desk = await startDesk();
  alice = await outsider(desk);
}, 60_000);

afterAll(() => desk?.close());

const hours = async () => (await desk.product.app.store.getSetting(HOURS_SETTING)) as unknown as HoursSettings;

interface CardInput {
  type: string;
  id?: string;
  value?: string;
  $when?: unknown;
}

/** The Edit card's form as a person would send it unchanged: every input with its shown value. */
function unchangedForm(card: WebexMessage): Record<string, unknown> {
  const edit = card.attachments![0]!.content.actions!.find((a) => a.title === 'Edit the week')!;
  const inner = edit.card as unknown as { body: CardInput[]; actions: { data: Record<string, unknown> }[] };
  const inputs = Object.fromEntries(inner.body.filter((b) => b.id).map((b) => [b.id!, b.value ?? '']));
  return { ...inputs, ...inner.actions[0]!.data };
}

describe('versions and history', () => {
  it('saving the hours card of a topic on the default week unchanged keeps it on the default week', async () => {
    const card = await (await command(desk, desk.sam, 'hours sales'))(/Opening hours · Sales/);
    const form = unchangedForm(card);
    expect(form.inherit).toBe('true');
    await (await submit(desk, desk.sam, card.id, form))(/✅ .+ set the default week and time zone for Sales\./);
    expect((await hours()).topics.sales?.weekly).toBeUndefined();
  });

  it('confirmations name who changed what', async () => {
    const answer = await (await command(desk, desk.sam, 'holiday add 2026-11-30 sales'))(/added the holiday/);
    expect(textOf(answer)).toMatch(/^✅ Sam\b.* added the holiday 2026-11-30 for Sales\.$/m);
    await (await command(desk, desk.sam, 'holiday remove 2026-11-30 sales'))(/removed the holiday 2026-11-30 for Sales/);
  });

  it('a stale hours Edit card is refused with who changed the hours, and the current card', async () => {
    const card = await (await command(desk, desk.sam, 'hours support'))(/Opening hours · Support/);
    await (await command(desk, desk.sam, 'holiday add 2027-01-02 support'))(/added the holiday/);
    const before = await hours();
    const refused = await submit(desk, desk.sam, card.id, { ...unchangedForm(card), inherit: 'false', mon: '10:00-11:00', timezone: 'UTC' });
    expect(textOf(await refused(/Not saved/))).toMatch(/changed by Sam\b.* a moment ago, here is the current one/);
    await refused(/Opening hours · Support/);
    expect(await hours()).toEqual(before);
    // The current card saves.
    const fresh = await refused(/Opening hours · Support/);
    await (await submit(desk, desk.sam, fresh.id, { ...unchangedForm(fresh), inherit: 'false', mon: '10:00-11:00', timezone: 'UTC' }))(/saved the week/);
    expect((await hours()).topics.support?.weekly?.filter((w) => w.day === 'mon')).toEqual([{ day: 'mon', start: '10:00', end: '11:00' }]);
    await (await command(desk, desk.sam, 'holiday remove 2027-01-02 support'))(/removed the holiday/);
  });

  it('a stale topic Edit card is refused with who changed the topic; the confirmation names the change', async () => {
    const card = await (await command(desk, desk.sam, 'topic night'))(/Topic · Night desk/);
    const data = card.attachments![0]!.content.actions!.find((a) => a.title === 'Edit')!.card!.actions![0]!.data!;
    expect(data).toMatchObject({ action: 'topic_edit', topic: 'night', version: expect.stringMatching(/^\d+$/) });
    await (await submit(desk, desk.sam, card.id, { ...data, add: 'carol@example.com' }))(
      /✅ Sam\b.* saved the topic Night desk \(added carol@example\.com\)/,
    );
    const stale = await submit(desk, desk.sam, card.id, { ...data, remove: 'bob@example.com', mode: 'personal' });
    expect(textOf(await stale(/Not saved/))).toMatch(/the topic Night desk was changed by Sam\b.* a moment ago, here is the current one/);
    expect((await desk.product.app.store.getTopic('night'))!).toMatchObject({ agents: ['bob@example.com', 'carol@example.com'], mode: 'group' });
    const bad = await submit(desk, desk.sam, card.id, { ...data, version: 'yesterday' });
    await bad(/The form was not understood/);
  });

  it('history lists the changes with who and when; bad counts and non-supervisors are refused', async () => {
    const list = textOf(await (await command(desk, desk.sam, 'history 5'))(/History ·/));
    expect(list).toMatch(/\d{2}:\d{2} \(UTC\) · Sam\b.* changed the opening hours \(topic support\)/);
    expect((list.match(/ · Sam\b/g) ?? []).length).toBe(5);
    const bad = await (await command(desk, desk.sam, 'history lots'))(/from 1 to 100/);
    expect(bad.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    await (await command(desk, alice, 'history'))(/only supervisors can give me commands/);
    const card = await (await command(desk, desk.sam, 'hours night'))(/Opening hours · Night desk/);
    const before = await hours();
    await (await submit(desk, alice, card.id, { ...unchangedForm(card), inherit: 'true' }))(/only supervisors can change/);
    expect(await hours()).toEqual(before);
  });

  it('two instances save the same card at once: one wins, the other is told', async () => {
    // A second instance on the same database and sandbox: the card's deliveries reach both.
    await desk.product.another();
    const card = await (await command(desk, desk.sam, 'hours billing'))(/Opening hours · Billing/);
    const form = { ...unchangedForm(card), inherit: 'false', timezone: 'UTC' };
    const last = (await desk.sam.messages(desk.space)).at(-1)!.id;
    const statuses = await Promise.all([
      desk.sam.submit(card.id, { ...form, tue: '08:00-09:00' }),
      desk.sam.submit(card.id, { ...form, tue: '20:00-21:00' }),
    ]);
    expect(statuses).toEqual([202, 202]);
    const wait = (pattern: RegExp) =>
      eventually(async () => {
        const all = await desk.sam.messages(desk.space);
        const after = all.slice(all.findIndex((m) => m.id === last) + 1).map(textOf);
        return after.some((t) => pattern.test(t)) ? after : null;
      });
    await wait(/saved the week/);
    const after = await wait(/Not saved: the hours were changed by/);
    expect(after.filter((t) => /saved the week/.test(t) && !/Not saved/.test(t))).toHaveLength(1);
    expect(after.filter((t) => /Not saved/.test(t))).toHaveLength(1);
    const tuesday = (await hours()).topics.billing?.weekly?.filter((w) => w.day === 'tue') ?? [];
    expect(tuesday).toHaveLength(1);
    // The stored week is the winner's, as its confirmation says.
    expect(after.find((t) => /✅/.test(t))).toContain(`Tue ${tuesday[0]!.start}-${tuesday[0]!.end}`);
  });
});
