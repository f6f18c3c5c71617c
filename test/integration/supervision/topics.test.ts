// Topics added, renamed and removed by supervisors from their space, through the sandbox over
// HTTP and the real database; the widget's configuration shows the effect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, Visitor } from '../chats/harness.js';
import { command, startDesk, textOf, type Desk } from './harness.js';

let desk: Desk;
let alice: Agent;

beforeAll(async () => {
  desk = await startDesk();
  alice = new Agent(desk.product.app, 'alice@example.com');
  expect((await desk.sam.call('POST', '/memberships', { roomId: desk.space, personEmail: 'alice@example.com' })).status).toBe(200);
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
});
