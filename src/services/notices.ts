// Small notices about a chat, fanned out through the EventBus on `chat:<id>` so whichever
// instance holds the visitor's stream hears them. Notices carry only a sequence number or a
// state; receivers read the messages themselves from the Store.
import type { ChatState } from '../domain/types.js';
import type { EventBus, Json, Unsubscribe } from '../ports.js';

export type ChatNotice =
  | { type: 'message'; seq: number }
  | { type: 'state'; state: ChatState }
  | { type: 'typing'; from: 'agent' | 'bot'; active: boolean };

export function chatChannel(chatId: string): string {
  return `chat:${chatId}`;
}

function parseNotice(payload: Json): ChatNotice | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  if (payload.type === 'message' && typeof payload.seq === 'number') return { type: 'message', seq: payload.seq };
  if (payload.type === 'state' && typeof payload.state === 'string') {
    return { type: 'state', state: payload.state as ChatState };
  }
  if (payload.type === 'typing' && (payload.from === 'agent' || payload.from === 'bot')) {
    return { type: 'typing', from: payload.from, active: payload.active === true };
  }
  return null;
}

/**
 * One bus subscription per chat per instance, however many streams and polls of that chat this
 * instance serves (a visitor may have two tabs open).
 */
export class ChatNotices {
  private readonly listeners = new Map<string, { handlers: Set<(n: ChatNotice) => void>; unsubscribe: Unsubscribe }>();

  constructor(private readonly bus: EventBus) {}

  /**
   * Local listeners hear it at once (no round trip through the bus), other instances through
   * the bus. The bus echoes it back here too: listeners skip what they already have (a
   * message seq they sent, a state they showed).
   */
  async publish(chatId: string, notice: ChatNotice): Promise<void> {
    const local = this.listeners.get(chatId);
    if (local) for (const h of [...local.handlers]) h(notice);
    await this.bus.publish(chatChannel(chatId), notice as unknown as Json);
  }

  subscribe(chatId: string, handler: (notice: ChatNotice) => void): Unsubscribe {
    let entry = this.listeners.get(chatId);
    if (!entry) {
      const handlers = new Set<(n: ChatNotice) => void>();
      const unsubscribe = this.bus.subscribe(chatChannel(chatId), (payload) => {
        const notice = parseNotice(payload);
        if (!notice) return;
        for (const h of [...handlers]) h(notice);
      });
      entry = { handlers, unsubscribe };
      this.listeners.set(chatId, entry);
    }
    const current = entry;
    current.handlers.add(handler);
    return () => {
      current.handlers.delete(handler);
      if (current.handlers.size === 0 && this.listeners.get(chatId) === current) {
        this.listeners.delete(chatId);
        current.unsubscribe();
      }
    };
  }
}
