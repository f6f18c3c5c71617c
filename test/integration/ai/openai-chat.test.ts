// The assistant in the chat flow, with an OpenAI-compatible model (a local fake server): the
// visitor talks through the widget API, the space in the Webex sandbox gets every turn in order,
// and a handoff queues the chat for the topic's agents.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topic } from '../../../src/domain/types.js';
import { answerFromKnowledge, startFakeOpenAi, type FakeOpenAi } from '../../unit/ai/support/fake-openai.js';
import { startAiStack, Visitor, type AiStack } from './harness.js';

const SUPPORT: Topic = {
  id: 'support',
  names: { en: 'Support', pl: 'Pomoc techniczna' },
  mode: 'personal',
  agents: ['carol@example.com'],
  assistant: null,
  addAgentsAt: 'handoff',
  fields: [],
  position: 0,
};

let fake: FakeOpenAi;
let stack: AiStack;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  fake.behave(answerFromKnowledge);
  stack = await startAiStack({
    assistant: { provider: 'openai', apiKey: 'sk-test', baseUrl: fake.url, model: 'acme-mini', knowledgeDir: null, maxRetries: 0 },
    topics: [SUPPORT],
  });
});

afterAll(async () => {
  await stack?.close();
  await fake?.close();
});

/** Who wrote each space message and how it starts: the order agents read. */
async function spaceLog(chatId: string) {
  const chat = await stack.store.getChat(chatId);
  const messages = await stack.spaceMessages(chat!.spaceId!);
  return messages.map((m) => ({
    by: m.personEmail === 'relay@example.com' ? 'visitor' : m.personEmail.endsWith('.bot') ? 'bot' : m.personEmail,
    text: m.attachments?.length ? '[card]' : (m.markdown ?? m.text),
  }));
}

async function members(chatId: string): Promise<string[]> {
  const chat = await stack.store.getChat(chatId);
  const res = await fetch(`${stack.sandbox.apiBase}/memberships?roomId=${chat!.spaceId}`, {
    headers: { authorization: `Bearer ${stack.sandbox.tokenFor('relay@example.com')}` },
  });
  const { items } = (await res.json()) as { items: { personEmail: string }[] };
  return items.map((m) => m.personEmail).sort();
}

describe('assistant in the chat flow (OpenAI-compatible)', () => {
  it('greets, answers from the knowledge, hands over by tool call; the space holds every turn in order', async () => {
    const visitor = new Visitor(stack.url);
    await visitor.start('support', 'en');
    await stack.settle(visitor.chatId);
    let seen = await visitor.messages();
    expect(seen.state).toBe('bot');
    const greeting = seen.messages.filter((m) => m.from === 'bot');
    expect(greeting.map((m) => [m.text, m.name])).toEqual([
      ['Hello! I am the virtual assistant. How can I help you? If you would rather talk to a person, just say so.', 'Virtual assistant'],
    ]);
    // Agents of a topic that adds them at handoff are not there yet.
    expect(await members(visitor.chatId)).not.toContain('carol@example.com');

    await visitor.say('What are your support desk hours?');
    await stack.settle(visitor.chatId);
    fake.behave(() => ({ toolCall: { name: 'handoff_to_agent', arguments: '{"reason":"asks for a quote"}' } }));
    await visitor.say('How much for 40 users?');
    await stack.settle(visitor.chatId);

    seen = await visitor.messages();
    expect(seen.state).toBe('queued');
    expect(seen.messages.filter((m) => m.from !== 'system').map((m) => [m.from, m.text])).toEqual([
      ['bot', greeting[0]!.text],
      ['visitor', 'What are your support desk hours?'],
      ['bot', 'Support desk hours: Monday to Friday, 8:00 to 18:00 Central European Time. Customers with a'],
      ['visitor', 'How much for 40 users?'],
      ['bot', 'I am handing you over to a colleague who can help further; please wait a moment.'],
    ]);
    expect(fake.requests).toHaveLength(2);

    // With the agents now: the assistant is quiet and the model is not asked.
    await visitor.say('Hello, anyone?');
    await stack.settle(visitor.chatId);
    expect(fake.requests).toHaveLength(2);
    expect((await visitor.messages()).messages.filter((m) => m.from === 'bot')).toHaveLength(3);

    expect(await members(visitor.chatId)).toContain('carol@example.com');
    const log = await spaceLog(visitor.chatId);
    // The first control card was replaced (deleted) by the fresh one posted at handoff.
    expect(log.map((m) => m.by)).toEqual(['bot', 'visitor', 'bot', 'visitor', 'bot', 'bot', 'bot', 'visitor']);
    expect(log.map((m) => m.text)).toEqual([
      'Hello! I am the virtual assistant. How can I help you? If you would rather talk to a person, just say so.',
      '**Visitor · Ada Visitor \\(unverified\\):** What are your support desk hours?',
      'Support desk hours: Monday to Friday, 8:00 to 18:00 Central European Time. Customers with a',
      '**Visitor · Ada Visitor \\(unverified\\):** How much for 40 users?',
      'I am handing you over to a colleague who can help further; please wait a moment.',
      '🤖 **The assistant handed the chat over.** The assistant handed over: asks for a quote. Claim it with the card below.',
      '[card]',
      '**Visitor · Ada Visitor \\(unverified\\):** Hello, anyone?',
    ]);
    const events = await stack.store.listEvents(visitor.chatId);
    expect(events.find((e) => e.type === 'handed_off')).toMatchObject({ actor: 'bot', data: { reason: 'tool', detail: 'asks for a quote' } });
    fake.behave(answerFromKnowledge);
  });

  it('hands over at once when the visitor presses "talk to a person", without asking the model', async () => {
    const visitor = new Visitor(stack.url);
    await visitor.start('support', 'pl');
    await stack.settle(visitor.chatId);
    const before = fake.requests.length;
    await visitor.say('Chcę porozmawiać z konsultantem.'); // the widget button's text in Polish
    await stack.settle(visitor.chatId);
    const seen = await visitor.messages();
    expect(seen.state).toBe('queued');
    expect(seen.messages.filter((m) => m.from === 'bot').map((m) => m.text)).toEqual([
      'Dzień dobry! Jestem wirtualnym asystentem. W czym mogę pomóc? Jeśli wolisz porozmawiać z konsultantem, po prostu napisz.',
      'Oczywiście. Łączę z konsultantem, proszę chwilę poczekać.',
    ]);
    expect(fake.requests.length).toBe(before);
    const log = await spaceLog(visitor.chatId);
    expect(log.at(-2)!.text).toBe('🙋 **The visitor asked for an agent.** The visitor asked for a person. Claim it with the card below.');
    const events = await stack.store.listEvents(visitor.chatId);
    expect(events.find((e) => e.type === 'handed_off')).toMatchObject({ actor: 'visitor', data: { reason: 'visitor_request' } });
  });
});
