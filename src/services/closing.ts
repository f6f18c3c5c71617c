// Closing a chat, whoever does it (an agent's card, the visitor, inactivity, a lost visitor):
// the domain decides, the store applies it once (compare-and-set on the state), then the
// visitor is told, the space gets a line and a summary card, and the timers stop.
import { decide, type Actor, type ChatAction, type IllegalTransition } from '../domain/chat-state.js';
import { paragraph, strong, type RichText } from '../domain/rich-text.js';
import type { Chat } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { ChatStore, Clock } from '../ports.js';
import type { ChatAnnouncer } from './announcer.js';
import { SUPERVISORS_LANE } from './context.js';
import type { SpaceCleanup } from './space-cleanup.js';
import type { UnclaimedAlerts } from './unclaimed.js';

/** The reason stored when the visitor stops waiting in the queue to leave a message. */
export const GAVE_UP = 'the visitor gave up waiting';

export type CloseAction = Extract<ChatAction, { type: 'close' | 'visitor_left' | 'inactive' }>;

const VISITOR_SENTENCE: Record<string, string> = {
  agent: 'system.chatEnded',
  supervisor: 'system.chatEnded',
  system: 'system.chatEnded',
  visitor: 'system.chatEndedByVisitor',
  inactivity: 'system.inactivityClosed',
  visitor_left: 'system.visitorLeftClosed',
};

function spaceLine(cause: string, actorName: string, reason: string | null): RichText {
  switch (cause) {
    case 'agent':
    case 'supervisor': {
      const why = reason ? ` Reason: ${reason.replace(/[\r\n]+/g, ' ')}` : '';
      return [paragraph('🔒 Chat closed by ', strong(actorName), `.${why}`)];
    }
    case 'visitor':
      if (reason === GAVE_UP) return [paragraph('🚪 ', strong('The visitor gave up waiting'), ' and is leaving a message instead. The chat is closed.')];
      return [paragraph('🔒 The visitor ended the chat.')];
    case 'inactivity':
      return [paragraph('🔒 Chat closed: the visitor did not answer.')];
    case 'visitor_left':
      return [paragraph('👋 Visitor left. The chat is closed.')];
    default:
      return [paragraph('🔒 Chat closed.')];
  }
}

export type CloseResult = { ok: true; chat: Chat } | { ok: false; error: IllegalTransition | null };

export interface ChatCloserOptions {
  store: ChatStore;
  announcer: ChatAnnouncer;
  alerts: UnclaimedAlerts;
  /** Agents leave the space later, and the space goes at retention. */
  spaces?: Pick<SpaceCleanup, 'afterClose'>;
  /** Supervisors are configured: they hear when a visitor gives up waiting. */
  supervisorsTold?: boolean;
  clock: Clock;
  log: Logger;
}

export class ChatCloser {
  constructor(private readonly options: ChatCloserOptions) {}

  /**
   * Closes the chat once. A refusal (already closed, not a member) comes back as the domain's
   * error; losing a race to another close gives `{ ok: false, error: null }`.
   */
  async close(chat: Chat, action: CloseAction, actor: Actor, actorName?: string | null): Promise<CloseResult> {
    const { store, announcer, alerts, clock, log } = this.options;
    const reason = action.type === 'close' && action.reason ? action.reason.trim().slice(0, 500) : null;
    const decision = decide(chat, action.type === 'close' ? { type: 'close', reason } : action, actor, clock.now());
    if (!decision.ok) return { ok: false, error: decision.error };
    const { transition } = decision;
    // The closer's display name, for the summary card (the event's actor is an e-mail).
    const event = actorName ? { ...transition.event, data: { ...transition.event.data, byName: actorName } } : transition.event;
    const closed = await store.updateChat(chat.id, transition.patch, event, transition.from);
    if (!closed) return { ok: false, error: null };
    const cause = String(transition.event.data.cause ?? 'system');
    await announcer.systemMessage(closed, VISITOR_SENTENCE[cause] ?? 'system.chatEnded');
    await announcer.announceState(closed.id, 'closed');
    await announcer.tellSpace(closed, spaceLine(cause, actorName ?? transition.event.actor, reason));
    await announcer.deliver(closed.id, { kind: 'closed_card' });
    if (cause === 'visitor' && reason === GAVE_UP && this.options.supervisorsTold) {
      const line = [paragraph(`🚪 The visitor of chat #${closed.shortId} gave up waiting for an agent and is leaving a message instead.`)];
      await announcer.deliver(SUPERVISORS_LANE, { kind: 'supervisors_message', text: line });
    }
    alerts.cancel(closed.id);
    await this.options.spaces?.afterClose(closed);
    log.info({ chatId: chat.id, cause }, 'chat closed');
    return { ok: true, chat: closed };
  }
}
