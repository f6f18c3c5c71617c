// The supervisors' space through the sandbox over real HTTP and the real database: sam (the
// configured supervisor) mentions the bot with commands and submits its Edit cards; the bot's
// answers are read back from the sandbox; the widget API shows the effect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventBus } from '../../../src/adapters/bus/index.js';
import { PostgresStore } from '../../../src/adapters/store/postgres/postgres-store.js';
import { SUPERVISORS_SPACE_SETTING } from '../../../src/services/deliveries.js';
import { HOURS_SETTING, HoursService } from '../../../src/services/hours-service.js';
import type { EventBus, Json } from '../../../src/ports.js';
import {
  Agent,
  eventually,
  log,
  members,
  spaceOf,
  startProduct,
  Visitor,
  type Product,
  type WebexMessage,
} from '../chats/harness.js';

interface ConfigTopic {
  id: string;
  open: boolean;
  nextOpening: string | null;
}

let product: Product;
let space: string;
let sam: Agent;
let alice: Agent;
let botEmail: string;
let botId: string;

const today = () => new Date().toISOString().slice(0, 10);
const tomorrowMidnight = () => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1)).toISOString();
};

/** The message's markdown with the escapes the Webex adapter adds undone: the words as shown, marks kept. */
function textOf(m: WebexMessage): string {
  return (m.markdown ?? m.text ?? '').replace(/\\([^\w\s])/g, '$1');
}

/** Posts a command mentioning the bot; returns a waiter for the bot's answers after it. */
async function command(as: Agent, words: string): Promise<(pattern: RegExp) => Promise<WebexMessage>> {
  const { status, json } = await as.call<WebexMessage>('POST', '/messages', {
    roomId: space,
    markdown: `<@personId:${botId}|Live Chat Bot> ${words}`,
  });
  if (status !== 200) throw new Error(`${as.email} cannot post: ${status}`);
  return (pattern) =>
    eventually(async () => {
      const all = await sam.messages(space);
      const after = all.slice(all.findIndex((m) => m.id === json.id) + 1);
      return after.find((m) => m.personEmail === botEmail && pattern.test(textOf(m)));
    });
}

async function config(): Promise<ConfigTopic[]> {
  const res = await fetch(`${product.app.url}/api/v1/config`);
  return ((await res.json()) as { topics: ConfigTopic[] }).topics;
}

async function startChat(topic: string, extra: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${product.app.url}/api/v1/chats`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ topic, language: 'en', ...extra }),
  });
}

beforeAll(async () => {
  product = await startProduct();
  const { app } = product;
  const bot = app.sandbox!.identities().find((i) => i.type === 'bot')!;
  botEmail = bot.email;
  botId = bot.id;
  sam = new Agent(app, 'sam@example.com');
  alice = new Agent(app, 'alice@example.com');
  space = await eventually(async () => app.store.getSetting<string>(SUPERVISORS_SPACE_SETTING));
  await eventually(async () => (await members(app, space)).includes('sam@example.com'));
}, 60_000);

afterAll(() => product?.close());

describe('supervisors in their space', () => {
  it('a holiday for today closes every topic until tomorrow; removing it opens them again', async () => {
    const added = await command(sam, `holiday add ${today()}`);
    await added(/added the holiday/);
    const closed = await config();
    const sales = closed.find((t) => t.id === 'sales')!;
    expect(sales.open).toBe(false);
    expect(sales.nextOpening).toBe(tomorrowMidnight());
    const refused = await startChat('sales');
    expect(refused.status).toBe(409);
    expect((await refused.json()) as { error: string }).toMatchObject({ error: 'topic_closed' });

    // Recorded with who changed it.
    const audit = await product.app.store.listAudit(20);
    expect(audit.find((a) => a.subject === HOURS_SETTING && a.actor === 'sam@example.com')).toBeTruthy();

    const removed = await command(sam, `remove holiday ${today()}`);
    await removed(/removed the holiday/);
    expect((await config()).find((t) => t.id === 'sales')!.open).toBe(true);
    const started = await startChat('sales');
    expect(started.status).toBe(201);
  });

  it('bad input gets a card that says what was wrong, with an example', async () => {
    const before = await product.app.store.getSetting(HOURS_SETTING);
    const answer = await command(sam, 'holiday add 31-31-2026');
    const card = await answer(/not a date/);
    expect(textOf(card)).toMatch(/For example: `holiday add 2026-12-24/);
    expect(card.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const special = await command(sam, 'special add 2026-12-31 9-25');
    await special(/not a time range|is not|25/);
    expect(await product.app.store.getSetting(HOURS_SETTING)).toEqual(before);
    const help = await command(sam, 'help');
    expect(textOf(await help(/holiday add 2026-12-24 \[topic\]/))).toMatch(/stats \[today\|7d\|30d\]/);
  });

  it("a non-supervisor's holiday add changes nothing and is refused politely", async () => {
    const { status } = await sam.call('POST', '/memberships', { roomId: space, personEmail: 'alice@example.com' });
    expect(status).toBe(200);
    const before = (await product.app.store.getSetting(HOURS_SETTING)) as Json;
    const auditBefore = (await product.app.store.listAudit(1000)).length;
    const answer = await command(alice, `holiday add ${today()}`);
    expect(textOf(await answer(/only supervisors/))).toMatch(/Nothing was changed/);
    expect(await product.app.store.getSetting(HOURS_SETTING)).toEqual(before);
    expect((await product.app.store.listAudit(1000)).length).toBe(auditBefore);
    expect((await config()).find((t) => t.id === 'sales')!.open).toBe(true);
  });

  it("editing a topic's agents by card changes who is added to the next chat's space", async () => {
    const shown = await command(sam, 'topic sales');
    const card = await shown(/Topic · Sales/);
    const edit = card.attachments![0]!.content.actions!.find((a) => a.title === 'Edit')!;
    expect(edit.card!.actions![0]!.data).toMatchObject({ action: 'topic_edit', topic: 'sales' });

    // alice (in the space, not a supervisor) cannot use the card.
    expect(await alice.submit(card.id, { action: 'topic_edit', topic: 'sales', add: 'dave@example.com' })).toBe(202);
    await eventually(async () => (await sam.messages(space)).find((m) => /only supervisors can change/.test(textOf(m))));
    expect((await product.app.store.getTopic('sales'))!.agents).toEqual(['alice@example.com', 'bob@example.com']);

    expect(
      await sam.submit(card.id, { action: 'topic_edit', topic: 'sales', add: 'carol@example.com', remove: 'bob@example.com', mode: 'group' }),
    ).toBe(202);
    await eventually(async () => (await sam.messages(space)).find((m) => /saved the topic Sales/.test(textOf(m))));
    expect((await product.app.store.getTopic('sales'))!.agents).toEqual(['alice@example.com', 'carol@example.com']);

    const visitor = await Visitor.start(product.app.url, { topic: 'sales', language: 'en' });
    const room = await spaceOf(product.app, visitor.id);
    const people = await eventually(async () => {
      const list = await members(product.app, room);
      return list.includes('carol@example.com') ? list : null;
    });
    expect(people).toContain('alice@example.com');
    expect(people).not.toContain('bob@example.com');

    // A bad address is answered with what was wrong; nothing changes.
    await sam.submit(card.id, { action: 'topic_edit', topic: 'sales', add: 'not-an-address' });
    await eventually(async () => (await sam.messages(space)).find((m) => /Not e-mail addresses: not-an-address/.test(textOf(m))));
    expect((await product.app.store.getTopic('sales'))!.agents).toEqual(['alice@example.com', 'carol@example.com']);
  });

  it('the hours Edit card replaces the week; invalid ranges are explained', async () => {
    const shown = await command(sam, 'hours support');
    const card = await shown(/Opening hours · Support/);
    expect(await sam.submit(card.id, { action: 'hours_edit', topic: 'support', mon: '9-25', timezone: 'UTC' })).toBe(202);
    await eventually(async () => (await sam.messages(space)).find((m) => /Mon: "9-25"/.test(textOf(m))));
    // Closed every day of the week but one that is not today: the topic closes; the others stay open.
    const weekday = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][(new Date().getUTCDay() + 1) % 7]!;
    await sam.submit(card.id, { action: 'hours_edit', topic: 'support', [weekday]: '09:00-17:00', timezone: 'UTC' });
    await eventually(async () => (await config()).find((t) => t.id === 'support')!.open === false);
    expect((await config()).find((t) => t.id === 'sales')!.open).toBe(true);
    // Back to the default week.
    await sam.submit(card.id, { action: 'hours_edit', topic: 'support', inherit: 'true' });
    await eventually(async () => (await config()).find((t) => t.id === 'support')!.open === true);
  });

  it('status and stats report the chats the test created', async () => {
    const billing = await Visitor.start(product.app.url, {
      topic: 'billing',
      language: 'en',
      fields: { name: 'Zed Zimmer', email: 'zed@example.com' },
    });
    const room = await spaceOf(product.app, billing.id);
    const dave = new Agent(product.app, 'dave@example.com');
    await eventually(async () => (await dave.messagesIfMember(room)).length > 0);
    await dave.say(room, 'Hello Zed, Dave here.');
    await eventually(async () => (await product.app.store.getChat(billing.id))!.state === 'active');
    const waiting = await Visitor.start(product.app.url, { topic: 'support', language: 'en' });
    const shortIds = await Promise.all([billing, waiting].map(async (v) => (await product.app.store.getChat(v.id))!.shortId));

    const status = textOf(await (await command(sam, 'status'))(/Status/));
    expect(status).toContain(`#${shortIds[0]}`);
    expect(status).toContain(`#${shortIds[1]}`);
    expect(status).toMatch(/Who holds which chat[\s\S]*dave@example\.com/);
    expect(status).toMatch(/Waiting for an agent/);
    // No assistant is configured: no assistant counts or lines.
    expect(status).toMatch(/\d+ open · \d+ waiting · \d+ claimed/);
    expect(status).not.toMatch(/assistant/i);

    await billing.close();
    await eventually(async () => (await product.app.store.getChat(billing.id))!.state === 'closed');
    const stats = textOf(await (await command(sam, 'show stats for today'))(/Statistics/));
    const section = (title: string) => {
      const from = stats.indexOf(`**${title}**`);
      // Up to the next section's bold title (a section's list follows its title after a blank line).
      const to = stats.indexOf('\n\n**', from);
      return stats.slice(from, to < 0 ? undefined : to);
    };
    const billingPart = `${section('Billing')}\n`;
    expect(billingPart).toMatch(/- Chats: 1\n/);
    expect(billingPart).toMatch(/- Abandoned: 0/);
    expect(billingPart).not.toMatch(/First agent response \(median\): —/);
    expect(billingPart).not.toMatch(/Duration \(median\): —/);
    expect(section('Support')).toMatch(/- Chats: 1 \(1 still open\)/);
    expect(section('Support')).toMatch(/First agent response \(median\): —/);
    expect(stats).not.toMatch(/Handed off|Assistant alone/);
  });

  it('topics, holidays and special days show what is stored', async () => {
    const list = await command(sam, 'topics');
    const billing = textOf(await list(/Topic · Billing/));
    expect(billing).toMatch(/Mode: personal/);
    expect(billing).toMatch(/Agents: dave@example\.com/);
    expect(billing).toMatch(/Assistant: off/);

    const year = new Date().getUTCFullYear() + 1;
    await (await command(sam, 'holiday country PL support'))(/added the holiday public holidays: PL/);
    const holidays = textOf(await (await command(sam, `holidays ${year} support`))(/Holidays \d{4}/));
    expect(holidays).toContain(`${year}-11-11`);
    expect(textOf(await (await command(sam, `holidays ${year} sales`))(/Holidays \d{4} · Sales/))).not.toContain(`${year}-11-11`);
    await (await command(sam, 'holiday remove PL support'))(/removed the holiday/);

    await (await command(sam, `special add ${year}-12-31 09:00-13:00`))(/set the special day/);
    expect(textOf(await (await command(sam, 'specials'))(/Special days ·/))).toContain(`${year}-12-31 09:00-13:00`);
    await (await command(sam, `special remove ${year}-12-31`))(/removed the special day/);
    expect(textOf(await (await command(sam, `special remove ${year}-12-31`))(/Nothing to remove/))).toMatch(/Nothing was changed/);
  });

  it("the offline form's messages reach the supervisors' space", async () => {
    const res = await fetch(`${product.app.url}/api/v1/offline`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'night', name: 'Olga', email: 'olga@example.com', message: 'Please call me back' }),
    });
    expect(res.status).toBe(202);
    const notice = await eventually(async () => (await sam.messages(space)).find((m) => /Offline message/.test(textOf(m))));
    expect(textOf(notice)).toMatch(/Please call me back/);
    expect(notice.personEmail).toBe(botEmail);
    const [kept] = await product.app.store.listOfflineMessages(1);
    expect(kept).toMatchObject({ topicId: 'night', name: 'Olga', email: 'olga@example.com', message: 'Please call me back' });
 
    // Supervisors read what was kept, newest first.
    const list = await (await command(sam, 'offline 5'))(/Offline messages/);
    expect(textOf(list)).toMatch(/\*\*Olga\*\* \(olga@example\.com\): Please call me back/);
    // The e-mail's `@` is escaped so Webex makes no link or mention of it.
    expect(list.markdown).toContain('olga\\@example.com');
  });

  it('a change made through one instance reaches another instance on the same database', async () => {
    const store = new PostgresStore(product.db.pool);
    const bus: EventBus = await openEventBus(product.app.config, product.app.database, log);
    const other = new HoursService({ store, bus, log, seed: product.app.config.hours });
    try {
      await other.start();
      expect((await other.availability('sales', new Date())).open).toBe(true); // cached now
      await (await command(sam, `holiday add ${today()} sales`))(/added the holiday/);
      await eventually(async () => (await other.availability('sales', new Date())).open === false);
      expect((await other.availability('support', new Date())).open).toBe(true);
      await (await command(sam, `holiday remove ${today()} sales`))(/removed the holiday/);
      await eventually(async () => (await other.availability('sales', new Date())).open === true);
    } finally {
      other.stop();
      await bus.close();
    }
  });
});
