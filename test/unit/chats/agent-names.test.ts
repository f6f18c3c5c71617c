// How agents are shown to the visitor and when a "joined" line is said: by first name (one line
// per person, none for someone known only by e-mail) or as the topic (one line per topic).
import { describe, expect, it } from 'vitest';
import type { Chat, ChatMessage, Topic } from '../../../src/domain/types.js';
import { createServerI18n } from '../../../src/i18n.js';
import type { Person } from '../../../src/ports.js';
import { AgentNames } from '../../../src/services/agent-names.js';

const SALES = { id: 'sales', names: { en: 'Sales', pl: 'Sprzedaż' } } as unknown as Topic;
const chat = { id: 'c1', topicId: 'sales', language: 'pl' } as Chat;
const alice: Person = { id: 'A', email: 'alice@example.com', displayName: 'Alice Anders', firstName: 'Alice' };
// What the channel gives for someone it may not look up: the e-mail as the name.
const stranger: Person = { id: 'X', email: 'x@other.example', displayName: 'x@other.example', firstName: null };

async function setup(agentDisplay: 'support' | 'first_name') {
  const messages: ChatMessage[] = [];
  const i18n = await createServerI18n();
  const store = {
    getTopic: async (id: string) => (id === 'sales' ? SALES : null),
    listMessages: async (_chatId: string, after: number) => messages.filter((m) => m.seq > after),
  };
  const announcer = {
    systemMessage: async (c: Chat, key: string, vars?: Record<string, unknown>) => {
      const m = { chatId: c.id, seq: messages.length + 1, from: 'system', text: i18n.t(c.language, key, vars) } as ChatMessage;
      messages.push(m);
      return m;
    },
  };
  return { names: new AgentNames({ store: store as never, announcer, i18n, settings: { agentDisplay } }), messages };
}

describe('AgentNames', () => {
  it('first names: one joined line per person, none for an unknown e-mail', async () => {
    const { names, messages } = await setup('first_name');
    expect(await names.shown(chat, alice)).toBe('Alice');
    expect(await names.shown(chat, stranger)).toBe('Sprzedaż');
    await names.announceJoined(chat, alice);
    await names.announceJoined(chat, stranger);
    await names.announceJoined(chat, alice);
    expect(messages.map((m) => m.text)).toEqual(['Alice dołącza do rozmowy']);
  });

  it('as the topic: the topic’s name in the visitor’s language, one joined line', async () => {
    const { names, messages } = await setup('support');
    expect(await names.shown(chat, alice)).toBe('Sprzedaż');
    await names.announceJoined(chat, alice);
    await names.announceJoined(chat, stranger);
    expect(messages.map((m) => m.text)).toEqual(['Sprzedaż dołącza do rozmowy']);
  });
});
