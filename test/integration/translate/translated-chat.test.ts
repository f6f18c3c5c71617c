// Machine translation through the real path: a Polish visitor on the widget API, the space in
// the Webex sandbox, the database, and the LLM translator over a local OpenAI-compatible server.
// Agents read the visitor's words with an English line under them; the visitor reads the agent's
// English in Polish; with the translator failing, both sides still get the original words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAi, type FakeOpenAi, type CompletionRequest, type ModelAnswer } from '../../unit/ai/support/fake-openai.js';
import { Agent, eventually, latestCard, spaceOf, startProduct, Visitor, waitForText, type Product } from '../chats/harness.js';

const EN: Record<string, string> = {
  'dzień dobry': 'good morning',
  'Czy wysyłacie do *Gdańska*? <@all>': 'Do you ship to *Gdańsk*? <@all>',
};
const PL: Record<string, string> = { 'How can I help?': 'W czym mogę pomóc?' };

/** A model that translates from a small dictionary, in the JSON the translator asks for. */
function dictionaryModel(request: CompletionRequest): ModelAnswer {
  const prompt = request.messages[0]!.content;
  const text = request.messages[1]!.content;
  if (prompt.includes('into English (en)')) {
    return EN[text] ? { content: JSON.stringify({ from: 'pl', text: EN[text] }) } : { content: JSON.stringify({ from: 'en', text }) };
  }
  if (prompt.includes('into Polish (pl)')) {
    return PL[text] ? { content: JSON.stringify({ from: 'en', text: PL[text] }) } : { content: JSON.stringify({ from: 'pl', text }) };
  }
  return { status: 400, error: 'unexpected prompt' };
}

let fake: FakeOpenAi;
let product: Product;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  fake.behave(dictionaryModel);
  product = await startProduct({ TRANSLATOR: 'llm', OPENAI_BASE_URL: fake.url, OPENAI_MODEL: 'acme-translate', AGENT_LANGUAGE: 'en' });
});

afterAll(async () => {
  await product?.close();
  await fake?.close();
});

const translationRequests = () => fake.requests.map((r) => r.body.messages[1]!.content);

describe('translated chat (TRANSLATOR=llm)', () => {
  it('Polish visitor ↔ English agent, both ways; internal notes untouched; a failing translator loses nothing', async () => {
    const { app } = product;
    const alice = new Agent(app, 'alice@example.com');
    const visitor = await Visitor.start(app.url, { topic: 'sales', name: 'Anna', language: 'pl' });
    const room = await spaceOf(app, visitor.id);
    await latestCard(alice, room, true);

    // Visitor → space: her words, then the translation, in one message.
    expect((await visitor.send('dzień dobry')).status).toBe(202);
    const first = await waitForText(alice, room, /Anna \\\(unverified\\\):\*\* dzień dobry/);
    // The note is escaped like every span (Webex shows `(pl → en)`).
    expect(first.markdown).toBe('**Visitor · Anna \\(unverified\\):** dzień dobry\n_\\(pl → en\\) good morning_');
    expect(first.personEmail).toBe('relay@example.com');

    // The translation is escaped like her words: no formatting, no mention of everyone.
    await visitor.send('Czy wysyłacie do *Gdańska*? <@all>');
    const second = await waitForText(alice, room, /Gdańska/);
    expect(second.markdown).toBe(
      '**Visitor · Anna \\(unverified\\):** Czy wysyłacie do \\*Gdańska\\*? &lt;\\@all&gt;\n_\\(pl → en\\) Do you ship to \\*Gdańsk\\*? &lt;\\@all&gt;_',
    );

    // Agent → visitor: alice writes English, Anna reads Polish; the original is kept.
    await alice.say(room, 'How can I help?');
    const reply = await visitor.waitFor((m) => m.from === 'agent');
    expect(reply.text).toBe('W czym mogę pomóc?');
    expect((reply as { data?: unknown }).data).toEqual({ original: 'How can I help?', from: 'en', to: 'pl' });
    const stored = (await app.store.listMessages(visitor.id, 0)).find((m) => m.from === 'agent');
    expect(stored).toMatchObject({ text: 'W czym mogę pomóc?', data: { original: 'How can I help?' } });

    // A thread reply is an internal note: never sent to the translator, never to the visitor.
    const asked = fake.requests.length;
    await alice.say(room, 'note: she is a returning customer', first.id);
    await eventually(async () => (await app.store.listEvents(visitor.id)).some((e) => e.type === 'note'));
    expect(fake.requests.length).toBe(asked);
    expect(translationRequests()).not.toContain('note: she is a returning customer');

    // The translator fails (HTTP 500): the original words go through on both sides.
    fake.behave(() => ({ status: 500, error: 'model crashed' }));
    await visitor.send('czy jest darmowa dostawa?');
    const untranslated = await waitForText(alice, room, /darmowa dostawa/);
    expect(untranslated.markdown).toBe('**Visitor · Anna \\(unverified\\):** czy jest darmowa dostawa?');
    await alice.say(room, 'Yes, delivery is free.');
    const plain = await visitor.waitFor((m) => m.from === 'agent' && m.text === 'Yes, delivery is free.');
    expect((plain as { data?: unknown }).data).toBeUndefined();
    expect(translationRequests()).toEqual(expect.arrayContaining(['czy jest darmowa dostawa?', 'Yes, delivery is free.']));

    // Back up: translation resumes (and "dzień dobry" comes from the cache, no new call).
    fake.behave(dictionaryModel);
    const before = fake.requests.length;
    await visitor.send('dzień dobry');
    await eventually(async () => (await alice.messages(room)).filter((m) => m.markdown === first.markdown).length === 2);
    expect(fake.requests.length).toBe(before);
  });

  it('a chat in the agents’ language is never sent to the translator', async () => {
    const { app } = product;
    const alice = new Agent(app, 'alice@example.com');
    const asked = fake.requests.length;
    const visitor = await Visitor.start(app.url, { topic: 'sales', name: 'Emma', language: 'en' });
    const room = await spaceOf(app, visitor.id);
    await latestCard(alice, room, true);
    await visitor.send('good morning');
    const line = await waitForText(alice, room, /Emma \\\(unverified\\\):\*\* good morning/);
    expect(line.markdown).toBe('**Visitor · Emma \\(unverified\\):** good morning');
    await alice.say(room, 'Hello Emma');
    const reply = await visitor.waitFor((m) => m.from === 'agent');
    expect(reply.text).toBe('Hello Emma');
    expect(fake.requests.length).toBe(asked);
  });
});
