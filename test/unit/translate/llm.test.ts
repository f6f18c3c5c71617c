// The LLM translator against a local OpenAI-compatible server (real HTTP on 127.0.0.1): the
// prompt names the target, the model's JSON is read (also fenced), and bad answers, errors and
// silence end in the original words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LlmTranslator, parseTranslation } from '../../../src/adapters/translate/llm.js';
import { ChatTranslation } from '../../../src/services/translation.js';
import { startFakeOpenAi, type FakeOpenAi } from '../ai/support/fake-openai.js';
import { capturingLog } from './support.js';

let fake: FakeOpenAi;
let llm: LlmTranslator;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  llm = new LlmTranslator({ apiKey: 'sk-test', baseUrl: fake.url, model: 'acme-mini', timeoutMs: 5_000 });
});

afterAll(async () => {
  await fake?.close();
});

describe('LlmTranslator', () => {
  it('asks the configured model for the target language; reads the JSON answer', async () => {
    fake.requests.length = 0;
    fake.behave(() => ({ content: '{"from": "pl", "text": "good morning"}' }));
    expect(await llm.translate('dzień dobry', 'en')).toEqual({ text: 'good morning', from: 'pl' });
    const [request] = fake.requests;
    expect(request!.body.model).toBe('acme-mini');
    expect(request!.headers.authorization).toBe('Bearer sk-test');
    expect(request!.body.messages[0]!.role).toBe('system');
    expect(request!.body.messages[0]!.content).toContain('into English (en)');
    expect(request!.body.messages[1]).toEqual({ role: 'user', content: 'dzień dobry' });
  });

  it('names a known source language in the prompt', async () => {
    fake.requests.length = 0;
    fake.behave(() => ({ content: '```json\n{"from":"en","text":"W czym mogę pomóc?"}\n```' }));
    expect(await llm.translate('How can I help?', 'pl', 'en')).toEqual({ text: 'W czym mogę pomóc?', from: 'en' });
    expect(fake.requests[0]!.body.messages[0]!.content).toContain('from English (en) into Polish (pl)');
  });

  it('rejects an answer that is not the JSON asked for, and a server error', async () => {
    fake.behave(() => ({ content: 'Sure! Good morning.' }));
    await expect(llm.translate('dzień dobry', 'en')).rejects.toThrow('did not answer JSON');
    fake.behave(() => ({ status: 500, error: 'model crashed' }));
    await expect(llm.translate('dzień dobry', 'en')).rejects.toThrow();
  });

  it('in the chat: a hanging model gives the original words at the deadline', async () => {
    fake.behave(() => 'hang');
    const { log, lines } = capturingLog();
    const quick = new LlmTranslator({ apiKey: null, baseUrl: fake.url, model: 'acme-mini', timeoutMs: 200 });
    const translation = new ChatTranslation({ translator: quick, agentLanguage: 'en', timeoutMs: 5_000, log });
    expect(await translation.forVisitor('pl', 'How can I help?')).toEqual({ text: 'How can I help?', data: null });
    expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
  });
});

describe('parseTranslation', () => {
  it('takes the object out of surrounding words; an unknown language code is dropped', () => {
    expect(parseTranslation('Here: {"from":"PL","text":"hi"} done')).toEqual({ text: 'hi', from: 'pl' });
    expect(parseTranslation('{"from":"Polish language","text":"hi"}')).toEqual({ text: 'hi', from: null });
  });

  it('refuses JSON without a translation', () => {
    expect(() => parseTranslation('{"from":"pl"}')).toThrow('no translation');
    expect(() => parseTranslation('{"from":"pl","text":""}')).toThrow('no translation');
    expect(() => parseTranslation('{broken')).toThrow();
  });
});
