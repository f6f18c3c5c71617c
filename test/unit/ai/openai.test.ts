// The OpenAI-compatible assistant against a real local HTTP server speaking Chat Completions.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAssistant, type AssistantSettings } from '../../../src/adapters/ai/index.js';
import { loadKnowledge } from '../../../src/adapters/ai/knowledge.js';
import type { AssistantTexts } from '../../../src/adapters/ai/texts.js';
import { createAssistantTexts } from './support/texts.js';
import { createAssistantService } from '../../../src/services/assistant.js';
import { answerFromKnowledge, startFakeOpenAi, type FakeOpenAi } from './support/fake-openai.js';
import { botChat, silentLog, Transcript } from './support/chat.js';

let fake: FakeOpenAi;
let texts: AssistantTexts;
let scratch: string;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  texts = await createAssistantTexts();
  scratch = await mkdtemp(path.join(tmpdir(), 'livechat-knowledge-'));
});

afterAll(async () => {
  await fake.close();
  await rm(scratch, { recursive: true, force: true });
});

beforeEach(() => {
  fake.requests.length = 0;
  fake.behave(answerFromKnowledge);
});

function settings(extra: Partial<Extract<AssistantSettings, { provider: 'openai' }>> = {}): AssistantSettings {
  // knowledgeDir null: the demo folder ./knowledge of the repository.
  return { provider: 'openai', apiKey: 'sk-test', baseUrl: fake.url, model: 'acme-mini', knowledgeDir: null, maxRetries: 0, ...extra };
}

/** A chat with the assistant as the chats service drives it. */
async function chatWith(options: { settings?: AssistantSettings; turnLimit?: number; timeoutMs?: number; language?: string; id?: string } = {}) {
  const assistant = await createAssistant(options.settings ?? settings(), silentLog);
  const id = options.id ?? `chat-${Math.random().toString(36).slice(2, 10)}`;
  const transcript = new Transcript(id);
  const service = createAssistantService({ assistant, store: transcript, texts, log: silentLog, turnLimit: options.turnLimit ?? 5, timeoutMs: options.timeoutMs ?? 10_000 });
  const chat = botChat(id, options.language ?? 'en');
  return {
    transcript,
    service,
    async start() {
      const outcome = await service.onChatStarted(chat);
      transcript.addOutcome(outcome);
      return outcome;
    },
    async say(text: string) {
      transcript.add('visitor', text);
      const outcome = await service.onVisitorMessage(chat, text);
      transcript.addOutcome(outcome);
      return outcome;
    },
  };
}

describe('OpenAI-compatible assistant', () => {
  it('answers from the company knowledge, with the chat so far and the handoff tool', async () => {
    const chat = await chatWith({ language: 'pl' });
    const greeting = await chat.start();
    expect(greeting.messages.map((m) => m.text)).toEqual([texts('pl', 'greeting')]);
    expect(fake.requests).toHaveLength(0); // the greeting costs no tokens

    const first = await chat.say('What are your support desk hours?');
    expect(first.handoff).toBeNull();
    expect(first.messages.map((m) => m.text)).toEqual(['Support desk hours: Monday to Friday, 8:00 to 18:00 Central European Time. Customers with a']);

    const second = await chat.say('Is there a free trial of cloud calling?');
    expect(second.messages[0]!.text).toContain('free 30-day trial');

    const { body, headers } = fake.requests[1]!;
    expect(headers.authorization).toBe('Bearer sk-test');
    expect(body.model).toBe('acme-mini');
    expect(body.max_tokens).toBe(400);
    expect(body.tools?.map((t) => t.function.name)).toEqual(['handoff_to_agent']);
    const system = body.messages[0]!;
    expect(system.role).toBe('system');
    expect(system.content).toContain('Polish (pl)');
    expect(system.content).toContain('### products.md');
    expect(system.content).not.toContain('Knowledge for the AI assistant'); // the folder README
    expect(body.messages.slice(1)).toEqual([
      { role: 'assistant', content: texts('pl', 'greeting') },
      { role: 'user', content: 'What are your support desk hours?' },
      { role: 'assistant', content: first.messages[0]!.text },
      { role: 'user', content: 'Is there a free trial of cloud calling?' },
    ]);
  });

  it('hands off when the model calls handoff_to_agent, keeping what it said', async () => {
    const chat = await chatWith();
    fake.behave(() => ({ toolCall: { name: 'handoff_to_agent', arguments: '{"reason":"wants a quote for 40 users"}' } }));
    const silent = await chat.say('How much for 40 users?');
    expect(silent.handoff).toEqual({ reason: 'tool', detail: 'wants a quote for 40 users' });
    expect(silent.messages.map((m) => m.text)).toEqual([texts('en', 'handoff.default')]);

    const other = await chatWith({ language: 'de' });
    fake.behave(() => ({ content: 'Dafür verbinde ich Sie mit dem Vertrieb.', toolCall: { name: 'handoff_to_agent', arguments: 'not json' } }));
    const said = await other.say('Angebot bitte');
    expect(said.handoff).toEqual({ reason: 'tool', detail: undefined });
    expect(said.messages.map((m) => m.text)).toEqual(['Dafür verbinde ich Sie mit dem Vertrieb.']);
  });

  it('hands off politely on a 500 from the provider', async () => {
    const chat = await chatWith({ language: 'fr' });
    fake.behave(() => ({ status: 500, error: 'the model crashed' }));
    const outcome = await chat.say('Quels sont vos horaires ?');
    expect(outcome.handoff?.reason).toBe('error');
    expect(outcome.messages.map((m) => m.text)).toEqual([texts('fr', 'handoff.error')]);
    expect(fake.requests).toHaveLength(1);
  });

  it('hands off when the provider does not answer in time (service deadline)', async () => {
    const chat = await chatWith({ timeoutMs: 300 });
    fake.behave(() => 'hang');
    const outcome = await chat.say('What are your support desk hours?');
    expect(outcome.handoff).toEqual({ reason: 'timeout', detail: 'no answer within 300 ms' });
    expect(outcome.messages.map((m) => m.text)).toEqual([texts('en', 'handoff.error')]);
  });

  it('hands off when the client deadline passes first', async () => {
    const chat = await chatWith({ settings: settings({ timeoutMs: 200 }), timeoutMs: 10_000 });
    fake.behave(() => 'hang');
    const outcome = await chat.say('What are your support desk hours?');
    expect(outcome.handoff?.reason).toBe('timeout');
  });

  it('hands off at the turn limit without asking the model', async () => {
    const chat = await chatWith({ turnLimit: 2, language: 'es' });
    await chat.start();
    expect((await chat.say('support hours?')).handoff).toBeNull();
    expect((await chat.say('free trial?')).handoff).toBeNull();
    const third = await chat.say('address?');
    expect(third.handoff).toEqual({ reason: 'turn_limit', detail: '2 answers' });
    expect(third.messages.map((m) => m.text)).toEqual([texts('es', 'handoff.turn_limit')]);
    expect(fake.requests).toHaveLength(2);
  });

  it('hands off on the visitor request without asking the model', async () => {
    const chat = await chatWith({ language: 'pl' });
    const outcome = await chat.say('Chcę rozmawiać z człowiekiem');
    expect(outcome.handoff).toEqual({ reason: 'visitor_request' });
    expect(outcome.messages.map((m) => m.text)).toEqual(['Oczywiście. Łączę z konsultantem, proszę chwilę poczekać.']);
    const button = chat.service.onHandoffRequested(botChat('any', 'en'));
    expect(button.handoff).toEqual({ reason: 'visitor_request', detail: 'button' });
    expect(fake.requests).toHaveLength(0);
  });

  it('hands off when the model says nothing', async () => {
    const chat = await chatWith();
    fake.behave(() => ({ content: '   ' }));
    const outcome = await chat.say('hello?');
    expect(outcome.handoff?.reason).toBe('error');
  });

  it('works with a local model that needs no key and the newer token parameter', async () => {
    const chat = await chatWith({ settings: settings({ apiKey: null, maxTokens: 150, maxTokensParam: 'max_completion_tokens', systemPrompt: 'You are Acme bot.' }) });
    await chat.say('Where is your address?');
    const { body } = fake.requests[0]!;
    expect(body.max_completion_tokens).toBe(150);
    expect(body.max_tokens).toBeUndefined();
    expect(body.messages[0]!.content.startsWith('You are Acme bot.')).toBe(true);
  });
});

describe('knowledge files', () => {
  it('reads markdown under the folder in path order, skips READMEs, and caps the total', async () => {
    const dir = path.join(scratch, 'caps');
    await mkdir(path.join(dir, 'faq'), { recursive: true });
    await writeFile(path.join(dir, 'b.md'), 'B'.repeat(50));
    await writeFile(path.join(dir, 'a.md'), 'alpha facts');
    await writeFile(path.join(dir, 'faq', 'c.txt'), 'gamma');
    await writeFile(path.join(dir, 'README.md'), 'about this folder');
    await writeFile(path.join(dir, 'image.png'), 'binary');

    const all = await loadKnowledge(dir, 10_000);
    expect(all.files).toEqual(['a.md', 'b.md', path.join('faq', 'c.txt')]);
    expect(all.text).toBe(`### a.md\n\nalpha facts\n\n### b.md\n\n${'B'.repeat(50)}\n\n### faq/c.txt\n\ngamma\n`);
    expect(all.truncatedChars).toBe(0);

    const capped = await loadKnowledge(dir, 40);
    expect(capped.text).toHaveLength(40);
    expect(capped.truncatedChars).toBe(all.text.length - 40);
    expect(all.text.startsWith(capped.text)).toBe(true);
  });

  it('fails at start when a configured folder is missing', async () => {
    await expect(createAssistant(settings({ knowledgeDir: path.join(scratch, 'nope') }), silentLog)).rejects.toThrow(/knowledge folder not found/);
  });
});
