// Topics added, renamed and removed by supervisors from their space, through the sandbox over
// HTTP and the real database; the widget's configuration shows the effect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Visitor, type Agent } from '../chats/harness.js';
import { command, outsider, startDesk, textOf, type Desk } from './harness.js';

let desk: Desk;
let alice: Agent;

beforeAll(async () => {
  desk = await startDesk();
  alice = await outsider(desk);
}, 60_000);

afterAll(() => desk?.close());

async function widgetTopics(): Promise<{ id: string; name: string }[]> {
  const res = await fetch(`${desk.product.app.url}/api/v1/config`);
  return ((await res.json()) as { topics: { id: string; name: string }[] }).topics;
}

describe('topics from the supervisors space', () => {
  it('topic add, rename and remove; the widget follows', async () => {
    await (await command(desk, desk.sam, 'topic add returns Returns and refunds'))(/✅ Sam\b.* added the topic Returns and refunds \(returns\)/);
    await (await command(desk, desk.sam, 'topic returns'))(/Topic · Returns and refunds/);
    expect((await widgetTopics()).find((t) => t.id === 'returns')).toMatchObject({ name: 'Returns and refunds' });

    await (await command(desk, desk.sam, 'topic rename returns Refunds'))(/renamed the topic Returns and refunds to Refunds/);
    expect((await widgetTopics()).find((t) => t.id === 'returns')).toMatchObject({ name: 'Refunds' });

    await (await command(desk, desk.sam, 'topic remove returns'))(/removed the topic Refunds/);
    expect((await widgetTopics()).some((t) => t.id === 'returns')).toBe(false);
    expect(await desk.product.app.store.getTopic('returns')).toBeNull();
  });

  it('remove is refused while chats are open in the topic', async () => {
    const open = await Visitor.start(desk.product.app.url, { topic: 'sales', language: 'en' });
    const shortId = (await desk.product.app.store.getChat(open.id))!.shortId;
    const refused = await (await command(desk, desk.sam, 'topic remove sales'))(/has 1 open chat/);
    expect(textOf(refused)).toContain(`#${shortId}`);
    expect(refused.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(await desk.product.app.store.getTopic('sales')).not.toBeNull();
  });

  it('bad values get a card saying what was wrong; a non-supervisor is refused', async () => {
    for (const [words, pattern] of [
      ['topic add sales Again', /already a topic "sales"/],
      ['topic add Bad!Id Name', /Give the new topic an id/],
      ['topic add lonely', /Give the new topic a name/],
      ['topic rename nowhere Name', /Name a topic/],
      ['topic rename support', /Give the new name/],
      ['topic remove nowhere', /Name a topic/],
    ] as const) {
      const answer = await (await command(desk, desk.sam, words))(pattern);
      expect(answer.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    }
    for (const words of ['topic add spam Spam', 'topic rename support Hacked', 'topic remove billing']) {
      await (await command(desk, alice, words))(/only supervisors can give me commands/);
    }
    expect(await desk.product.app.store.getTopic('spam')).toBeNull();
    expect((await desk.product.app.store.getTopic('support'))!.names.en).toBe('Support');
    expect(await desk.product.app.store.getTopic('billing')).not.toBeNull();
  });

  it('special days and holidays are listed by date, whatever order they were added in', async () => {
    const year = new Date().getUTCFullYear() + 1;
    for (const date of [`${year}-12-31`, `${year}-03-01`, `${year}-07-15`]) {
      await (await command(desk, desk.sam, `special add ${date} 10:00-12:00 support`))(/set the special day/);
      await (await command(desk, desk.sam, `holiday add ${date} support`))(/added the holiday/);
    }
    const specials = textOf(await (await command(desk, desk.sam, 'specials support'))(/Special days · Support/));
    const order = (text: string) => ['03-01', '07-15', '12-31'].map((d) => text.indexOf(`${year}-${d}`));
    expect(order(specials).every((at) => at >= 0)).toBe(true);
    expect(order(specials)).toEqual([...order(specials)].sort((a, b) => a - b));
    const holidays = textOf(await (await command(desk, desk.sam, `holidays ${year} support`))(/Holidays \d{4} · Support/));
    const dates = holidays.slice(holidays.indexOf('**Dates**'));
    expect(order(dates).every((at) => at >= 0)).toBe(true);
    expect(order(dates)).toEqual([...order(dates)].sort((a, b) => a - b));
  });
});
