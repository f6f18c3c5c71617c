// Test helpers: a chat in state `bot`, the messages a chats service would store, and the
// assistant texts from the real locale files.
import pino from 'pino';
import { newChat } from '../../../../src/domain/chat-state.js';
import { UNKNOWN_VISITOR } from '../../../support/visitors.js';
import type { Chat, ChatMessage, Sender } from '../../../../src/domain/types.js';
import type { Store } from '../../../../src/ports.js';
import type { AssistantOutcome } from '../../../../src/services/assistant.js';

export const silentLog = pino({ level: 'silent' });

export function botChat(id: string, language = 'en', topicId = 'support'): Chat {
  const now = new Date();
  return { ...newChat({ id, topicId, state: 'bot', language, visitor: UNKNOWN_VISITOR, tokenHash: 'x' }, now), updatedAt: now };
}

/** The message list of one chat, appended the way the chats service will. */
export class Transcript implements Pick<Store, 'listMessages'> {
  readonly messages: ChatMessage[] = [];

  constructor(readonly chatId: string) {}

  add(from: Sender, text: string, data: Record<string, unknown> | null = null): void {
    this.messages.push({ chatId: this.chatId, seq: this.messages.length + 1, from, text, authorName: null, clientId: null, externalId: null, data, at: new Date() });
  }

  /** Stores what the service asked to post. */
  addOutcome(outcome: AssistantOutcome): void {
    for (const m of outcome.messages) this.add('bot', m.text, m.data);
  }

  async listMessages(chatId: string, afterSeq: number, limit = 100): Promise<ChatMessage[]> {
    return this.messages.filter((m) => m.chatId === chatId && m.seq > afterSeq).slice(0, limit);
  }
}
