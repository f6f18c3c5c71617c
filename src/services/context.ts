// What the chat services share: the ports, the settings, and the small acts every use case ends
// with (store a system message for the visitor, tell the space, announce on the bus).
import type { AgentDisplay } from '../domain/text.js';
import type { Chat, ChatMessage, ChatState } from '../domain/types.js';
import type { ServerI18n } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { AgentChannel, Clock, GeoLocator, Json, Scheduler, Store } from '../ports.js';
import type { CardBuilder } from './cards.js';
import type { ChatNotices } from './notices.js';
import type { OutboxWorker } from './outbox.js';
import type { ChatTranslation } from './translation.js';

export interface ChatTimers {
  inactivityWarn: number;
  inactivityClose: number;
  lostVisitor: number;
  leaveGrace: number;
  unclaimedAlert: number;
  retention: number;
  sweepEvery: number;
}

export interface ChatSettings {
  agentDisplay: AgentDisplay;
  timers: ChatTimers;
  supervisors: { spaceTitle: string; emails: string[] };
}

export interface TopicHours {
  open: boolean;
  nextOpening: Date | null;
}

export interface ChatDeps {
  store: Store;
  /** Attached at start (see chat-module.ts). */
  channel: AgentChannel;
  scheduler: Scheduler;
  geo: GeoLocator;
  clock: Clock;
  i18n: ServerI18n;
  log: Logger;
  notices: ChatNotices;
  outbox: OutboxWorker;
  cards: CardBuilder;
  settings: ChatSettings;
  /** Whether a topic is open at a time (the hours domain over the configured hours). */
  hours(topicId: string, at: Date): TopicHours | Promise<TopicHours>;
  /** Machine translation between visitor and agents (TRANSLATOR); absent: off. */
  translation?: ChatTranslation | undefined;
}

export const OPEN_STATES: ChatState[] = ['bot', 'queued', 'active'];

/** Outbox kinds: what the deliverer knows how to do in the agent channel. */
export type Delivery =
  | { kind: 'create_space'; title: string; members: string[] }
  | { kind: 'add_members'; emails: string[] }
  | { kind: 'remove_members'; emails: string[] }
  | { kind: 'rename_space'; title: string }
  /** `translate`: the deliverer adds the agents' translation of `text` under the markdown. */
  | { kind: 'visitor_message'; markdown: string; translate?: { text: string; language: string } }
  | { kind: 'bot_message'; markdown: string; parentId?: string }
  | { kind: 'control_card' }
  | { kind: 'closed_card' }
  | { kind: 'unclaimed_alert'; chatId: string; waitedMs: number }
  | { kind: 'supervisors_message'; markdown: string }
  | { kind: 'supervisors_setup' };

export const SUPERVISORS_LANE = 'supervisors';

export class ChatCore {
  constructor(readonly deps: ChatDeps) {}

  get store(): Store {
    return this.deps.store;
  }

  now(): Date {
    return this.deps.clock.now();
  }

  /** Stores the delivery (then the worker attempts it), in the chat's lane. */
  async deliver(lane: string, delivery: Delivery): Promise<void> {
    const { kind, ...payload } = delivery;
    await this.deps.outbox.enqueue(lane, kind, payload as Json);
  }

  /** A sentence for the visitor, in their language, stored as a `system` message and announced. */
  async systemMessage(chat: Chat, key: string, vars?: Record<string, unknown>): Promise<ChatMessage> {
    const text = this.deps.i18n.t(chat.language, key, vars);
    const { message } = await this.store.appendMessage({ chatId: chat.id, from: 'system', text, data: { key } });
    await this.announceMessage(chat.id, message.seq);
    return message;
  }

  async announceMessage(chatId: string, seq: number): Promise<void> {
    await this.publish(chatId, { type: 'message', seq });
  }

  async announceState(chatId: string, state: ChatState): Promise<void> {
    await this.publish(chatId, { type: 'state', state });
  }

  /** "Someone is typing" for the visitor's widget (the assistant while it thinks). */
  async announceTyping(chatId: string, from: 'agent' | 'bot', active: boolean): Promise<void> {
    await this.publish(chatId, { type: 'typing', from, active });
  }

  private async publish(chatId: string, notice: Parameters<ChatNotices['publish']>[1]): Promise<void> {
    try {
      await this.deps.notices.publish(chatId, notice);
    } catch (error) {
      // The message is stored: a visitor's next poll or reconnect still gets it.
      this.deps.log.warn({ err: error, chatId }, 'chat notice not published');
    }
  }

  /** A line from the bot in the chat's space (through the outbox). */
  async tellSpace(chat: Chat, markdown: string, parentId?: string): Promise<void> {
    await this.deliver(chat.id, { kind: 'bot_message', markdown, ...(parentId ? { parentId } : {}) });
  }

  topicName(names: Record<string, string> | undefined, language: string, fallback: string): string {
    if (!names) return fallback;
    return names[language] ?? names[language.split('-')[0]!] ?? names.en ?? Object.values(names)[0] ?? fallback;
  }
}
