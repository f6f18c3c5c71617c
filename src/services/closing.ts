// Closing a chat, whoever does it (an agent's card, the visitor, inactivity, a lost visitor):
// the domain decides, the store applies it once (compare-and-set on the state), then the
// visitor is told, the space gets a line and a summary card, and the timers stop.
import { decide, type Actor, type ChatAction, type IllegalTransition } from '../domain/chat-state.js';
import type { Chat } from '../domain/types.js';
import type { ChatCore } from './context.js';

export const UNCLAIMED_JOB = 'chat:unclaimed';

export type CloseAction = Extract<ChatAction, { type: 'close' | 'visitor_left' | 'inactive' }>;

const VISITOR_SENTENCE: Record<string, string> = {
  agent: 'system.chatEnded',
  supervisor: 'system.chatEnded',
  system: 'system.chatEnded',
  visitor: 'system.chatEndedByVisitor',
  inactivity: 'system.inactivityClosed',
  visitor_left: 'system.visitorLeftClosed',
};

function spaceLine(cause: string, actorName: string, reason: string | null): string {
  const why = reason ? ` Reason: ${reason.replace(/[\r\n]+/g, ' ')}` : '';
  switch (cause) {
    case 'agent':
    case 'supervisor':
      return `🔒 Chat closed by **${actorName}**.${why}`;
    case 'visitor':
      return '🔒 The visitor ended the chat.';
    case 'inactivity':
      return '🔒 Chat closed: the visitor did not answer.';
    case 'visitor_left':
      return '👋 Visitor left. The chat is closed.';
    default:
      return '🔒 Chat closed.';
  }
}

export type CloseResult = { ok: true; chat: Chat } | { ok: false; error: IllegalTransition | null };

/**
 * Closes the chat once. A refusal (already closed, not a member) comes back as the domain's
 * error; losing a race to another close gives `{ ok: false, error: null }`.
 */
export async function closeChat(
  core: ChatCore,
  chat: Chat,
  action: CloseAction,
  actor: Actor,
  actorName?: string | null,
): Promise<CloseResult> {
  const reason = action.type === 'close' && action.reason ? action.reason.trim().slice(0, 500) : null;
  const decision = decide(chat, action.type === 'close' ? { type: 'close', reason } : action, actor, core.now());
  if (!decision.ok) return { ok: false, error: decision.error };
  const { transition } = decision;
  const closed = await core.store.updateChat(chat.id, transition.patch, transition.event, transition.from);
  if (!closed) return { ok: false, error: null };
  const cause = String(transition.event.data.cause ?? 'system');
  await core.systemMessage(closed, VISITOR_SENTENCE[cause] ?? 'system.chatEnded');
  await core.announceState(closed.id, 'closed');
  await core.tellSpace(closed, spaceLine(cause, actorName ?? transition.event.actor, reason));
  await core.deliver(closed.id, { kind: 'closed_card' });
  void core.deps.scheduler.cancel(UNCLAIMED_JOB, closed.id).catch((error: unknown) => {
    // The alert job re-checks the state before alerting.
    core.deps.log.warn({ err: error, chatId: chat.id }, 'unclaimed alert not cancelled');
  });
  core.deps.log.info({ chatId: chat.id, cause }, 'chat closed');
  return { ok: true, chat: closed };
}
