// Closing a chat, whoever does it (an agent's card, the visitor, inactivity, a lost visitor):
// the visitor is told, the space gets a line and a summary card, the timers stop.
import type { Chat } from '../domain/types.js';
import { OPEN_STATES, type ChatCore } from './context.js';

export type CloseCause = 'agent' | 'visitor' | 'inactivity' | 'lost';

export interface CloseRequest {
  cause: CloseCause;
  /** Who: an agent's e-mail, `visitor` or `system`. */
  actor: string;
  actorName?: string | null;
  reason?: string | null;
}

const VISITOR_SENTENCE: Record<CloseCause, string> = {
  agent: 'system.chatEnded',
  visitor: 'system.chatEndedByVisitor',
  inactivity: 'system.inactivityClosed',
  lost: 'system.visitorLeftClosed',
};

function spaceLine(request: CloseRequest): string {
  switch (request.cause) {
    case 'agent':
      return `🔒 Chat closed by **${request.actorName ?? request.actor}**.`;
    case 'visitor':
      return '🔒 The visitor ended the chat.';
    case 'inactivity':
      return '🔒 Chat closed: the visitor did not answer.';
    case 'lost':
      return '👋 Visitor left. The chat is closed.';
  }
}

export const UNCLAIMED_JOB = 'chat:unclaimed';

/** Closes the chat once; a chat already closed (or closed concurrently) gives null. */
export async function closeChat(core: ChatCore, chatId: string, request: CloseRequest): Promise<Chat | null> {
  const at = core.now();
  const reason = request.reason?.trim() ? request.reason.trim().slice(0, 500) : null;
  const closed = await core.store.updateChat(
    chatId,
    { state: 'closed', closedAt: at, closeReason: reason, closedBy: request.actor },
    { type: 'closed', actor: request.actor, data: { cause: request.cause, ...(reason ? { reason } : {}) }, at },
    OPEN_STATES,
  );
  if (!closed) return null;
  await core.systemMessage(closed, VISITOR_SENTENCE[request.cause]);
  await core.announceState(closed.id, 'closed');
  await core.tellSpace(closed, spaceLine(request));
  await core.deliver(closed.id, { kind: 'closed_card' });
  try {
    await core.deps.scheduler.cancel(UNCLAIMED_JOB, closed.id);
  } catch (error) {
    // The alert job re-checks the state before alerting.
    core.deps.log.warn({ err: error, chatId }, 'unclaimed alert not cancelled');
  }
  core.deps.log.info({ chatId, cause: request.cause }, 'chat closed');
  return closed;
}
