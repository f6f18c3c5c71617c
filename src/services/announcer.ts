// The small acts every chat use case ends with: a sentence for the visitor (stored as a
// `system` message, then announced on the bus), a notice to whichever instance holds the
// visitor's stream, and a delivery to the chat's space through the outbox.
import type { RichText } from '../domain/rich-text.js';
import type { Chat, ChatMessage, ChatState } from '../domain/types.js';
import type { ServerI18n } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { Json, MessageStore } from '../ports.js';
import type { Delivery } from './context.js';
import type { ChatNotice, ChatNotices } from './notices.js';
import type { OutboxWorker } from './outbox.js';

export interface ChatAnnouncerOptions {
  store: MessageStore;
  outbox: Pick<OutboxWorker, 'enqueue'>;
  notices: Pick<ChatNotices, 'publish'>;
  i18n: Pick<ServerI18n, 't'>;
  log: Logger;
}

export class ChatAnnouncer {
  constructor(private readonly options: ChatAnnouncerOptions) {}

  /** Stores the delivery (then the worker attempts it), in the lane (a chat's id). */
  async deliver(lane: string, delivery: Delivery): Promise<void> {
    const { kind, ...payload } = delivery;
    await this.options.outbox.enqueue(lane, kind, payload as Json);
  }

  /** A line from the bot in the chat's space (through the outbox). */
  async tellSpace(chat: Pick<Chat, 'id'>, text: RichText, parentId?: string): Promise<void> {
    await this.deliver(chat.id, { kind: 'bot_message', text, ...(parentId ? { parentId } : {}) });
  }

  /**
   * A sentence for the visitor, in their language, stored as a `system` message and announced.
   * `extra` goes into the message's data beside the key (what the widget may act on).
   */
  async systemMessage(chat: Chat, key: string, vars?: Record<string, unknown>, extra?: Record<string, Json>): Promise<ChatMessage> {
    const text = this.options.i18n.t(chat.language, key, vars);
    const { message } = await this.options.store.appendMessage({ chatId: chat.id, from: 'system', text, data: { ...extra, key } });
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

  private async publish(chatId: string, notice: ChatNotice): Promise<void> {
    try {
      await this.options.notices.publish(chatId, notice);
    } catch (error) {
      // The message is stored: a visitor's next poll or reconnect still gets it.
      this.options.log.warn({ err: error, chatId }, 'chat notice not published');
    }
  }
}
