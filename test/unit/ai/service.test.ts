// The bot-phase use case with a scripted assistant: what it hands to the chats service.
import { describe, expect, it } from 'vitest';
import { NoAssistant } from '../../../src/adapters/ai/index.js';
import { createAssistantTexts } from './support/texts.js';
import type { Assistant, AssistantContext, AssistantReply } from '../../../src/ports.js';
import { createAssistantService } from '../../../src/services/assistant.js';
import { botChat, silentLog, Transcript } from './support/chat.js';

/** Records every context it is given and answers from a script. */
class ScriptedAssistant implements Assistant {
  readonly name = 'scripted';
  readonly seen: (AssistantContext & { text?: string })[] = [];
  constructor(private readonly script: (ctx: AssistantContext & { text?: string }) => Promise<AssistantReply>) {}
  greet(ctx: AssistantContext) {
    this.seen.push(ctx);
    return this.script(ctx);
  }
  reply(ctx: AssistantContext & { text: string }) {
    this.seen.push(ctx);
    return this.script(ctx);
  }
}

async function setup(assistant: Assistant, overrides?: Record<string, Record<string, string>>) {
  const transcript = new Transcript('c1');
  const texts = await createAssistantTexts({ overrides });
  const service = createAssistantService({ assistant, store: transcript, texts, log: silentLog, turnLimit: 5 });
  return { transcript, service };
}

describe('assistant service', () => {
  it('greets with the provider words, or with its own localized greeting (overridable)', async () => {
    const quiet = new ScriptedAssistant(async () => ({ messages: [{ text: '  ' }], handoff: null }));
    const { service } = await setup(quiet, { de: { 'assistant.greeting': 'Moin! Was kann ich tun?', 'system.welcome': 'not ours' } });
    expect((await service.onChatStarted(botChat('c1', 'de'))).messages.map((m) => m.text)).toEqual(['Moin! Was kann ich tun?']);
    expect((await service.onChatStarted(botChat('c1', 'pt-BR'))).messages.map((m) => m.text)).toEqual([
      'Hello! I am the virtual assistant. How can I help you? If you would rather talk to a person, just say so.',
    ]);
  });

  it('gives the assistant the chat so far without the new message, stored or not', async () => {
    const assistant = new ScriptedAssistant(async () => ({ messages: [{ text: 'Sure.', quickReplies: [' Yes ', 'No', 'Yes', ''] }], handoff: null }));
    const { service, transcript } = await setup(assistant);
    transcript.add('bot', 'Hello!');
    transcript.add('visitor', 'first');
    transcript.add('bot', 'Not sure.', { fallback: true });
    transcript.add('agent', 'internal');
    transcript.add('visitor', 'second'); // stored before the call
    const outcome = await service.onVisitorMessage(botChat('c1'), 'second');
    await service.onVisitorMessage(botChat('c1'), 'third'); // not stored
    const expected = [
      { from: 'bot', text: 'Hello!' },
      { from: 'visitor', text: 'first' },
      { from: 'bot', text: 'Not sure.', fallback: true },
    ];
    expect(assistant.seen[0]).toMatchObject({ chatId: 'c1', language: 'en', topicId: 'support', text: 'second', history: expected });
    expect(assistant.seen[0]!.signal).toBeInstanceOf(AbortSignal);
    expect(assistant.seen[1]!.history).toEqual([...expected, { from: 'visitor', text: 'second' }]);
    expect(outcome.messages).toEqual([{ text: 'Sure.', quickReplies: ['Yes', 'No'], data: { quickReplies: ['Yes', 'No'] } }]);
  });

  it('does nothing once the chat has left the bot state', async () => {
    const assistant = new ScriptedAssistant(async () => ({ messages: [{ text: 'x' }], handoff: null }));
    const { service } = await setup(assistant);
    const queued = { ...botChat('c1'), state: 'queued' as const };
    expect(await service.onChatStarted(queued)).toEqual({ messages: [], handoff: null });
    expect(await service.onVisitorMessage(queued, 'agent')).toEqual({ messages: [], handoff: null });
    expect(service.onHandoffRequested(queued)).toEqual({ messages: [], handoff: null });
    expect(assistant.seen).toHaveLength(0);
  });

  it('hands off on a thrown error, with the error for the agents', async () => {
    const { service } = await setup(new ScriptedAssistant(async () => Promise.reject(new Error('quota exceeded'))));
    const outcome = await service.onVisitorMessage(botChat('c1', 'pl'), 'pytanie');
    expect(outcome.handoff).toEqual({ reason: 'error', detail: 'quota exceeded' });
    expect(outcome.messages.map((m) => m.text)).toEqual(['Przepraszam, nie mogę teraz odpowiedzieć. Łączę z konsultantem, który pomoże.']);
    expect(service.describeHandoff(outcome.handoff!, 'en')).toBe('The assistant failed: quota exceeded');
    expect(service.describeHandoff({ reason: 'visitor_request' }, 'pl')).toBe('Odwiedzający poprosił o konsultanta');
    expect(service.botName('fr')).toBe('Assistant virtuel');
  });

  it('with no provider, sends chats straight to the agents', async () => {
    const { service } = await setup(new NoAssistant());
    expect(service.enabledFor({ assistant: null })).toBe(false);
    expect(service.enabledFor({ assistant: true })).toBe(false);
    expect(await service.onChatStarted(botChat('c1'))).toEqual({ messages: [], handoff: { reason: 'error', detail: 'no assistant configured' } });

    const on = await setup(new ScriptedAssistant(async () => ({ messages: [], handoff: null })));
    expect(on.service.enabledFor({ assistant: null })).toBe(true);
    expect(on.service.enabledFor({ assistant: false })).toBe(false);
  });
});
