// The chat's life as a state machine (DESIGN §4): which moves are legal, who may make them, and
// what each one changes and records. Pure: the service loads the chat, asks `decide`, stores the
// change with `expectState: transition.from` (so a concurrent move loses cleanly), announces.
//
//   bot ──handoff──▶ queued ──claim──▶ active ──close──▶ closed
//    │                 ▲  │              │  ▲
//    │                 │  └──transfer────┘  │ transfer to a person (active, new owner)
//    │                 └──transfer to a topic (queued again, no owner)
//    └── claim (an agent takes over from the assistant) ──▶ active
//   any open state ──close / visitor left / inactivity──▶ closed
//
// Escalate keeps the state (it only adds people; routing says who). Transfer to a person makes
// that person the owner at once; transfer to a topic puts the chat back in the queue for that
// topic's agents to claim.
import { shortId } from './text.js';
import type { Chat, ChatState, VisitorInfo } from './types.js';

export type ChatTarget = { kind: 'person'; email: string } | { kind: 'topic'; topicId: string };

export type ChatAction =
  | { type: 'handoff'; reason?: string | null }
  | { type: 'claim' }
  | { type: 'escalate'; to: ChatTarget[] }
  | { type: 'transfer'; to: ChatTarget }
  | { type: 'close'; reason?: string | null }
  | { type: 'visitor_left' }
  | { type: 'inactive' };

export type ChatActionType = ChatAction['type'];

/**
 * Who acts. For agents the service supplies the facts the rules need: membership of the chat's
 * space and the supervisor role (from configuration).
 */
export type Actor =
  | { kind: 'visitor' }
  | { kind: 'bot' }
  | { kind: 'system' }
  | { kind: 'agent'; email: string; name?: string | null; isMember: boolean; isSupervisor?: boolean };

export type IllegalCode =
  | 'already_closed'
  | 'already_claimed'
  | 'already_owner'
  | 'not_claimed'
  | 'not_with_bot'
  | 'not_member'
  | 'not_owner'
  | 'not_allowed'
  | 'same_target'
  | 'nothing_to_add';

export class IllegalTransition extends Error {
  override readonly name = 'IllegalTransition';
  constructor(
    readonly code: IllegalCode,
    readonly state: ChatState,
    readonly action: ChatActionType,
    message: string,
    /** Extra facts for the answer in the space, e.g. `{ owner }` for `already_claimed`. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The fields a transition changes; structurally a subset of the Store's ChatPatch. */
export type ChatChange = Partial<
  Pick<
    Chat,
    | 'state'
    | 'topicId'
    | 'ownerEmail'
    | 'ownerName'
    | 'claimedAt'
    | 'closedAt'
    | 'closeReason'
    | 'closedBy'
    | 'waitingOnVisitorSince'
    | 'queuedAt'
    | 'queueNoticeAt'
    | 'queueOfferAt'
    | 'warnedAt'
  >
>;

/** Entering the queue: the visitor now waits on people, and the queue's own clock starts. */
function queueFrom(at: Date): ChatChange {
  return { queuedAt: at, queueNoticeAt: null, queueOfferAt: null, waitingOnVisitorSince: null, warnedAt: null };
}

/** Someone took the chat: until somebody speaks, the conversation waits on the visitor. */
function waitOnVisitorFrom(at: Date): ChatChange {
  return { waitingOnVisitorSince: at, warnedAt: null };
}

export interface TransitionEvent {
  /** `handed_off`, `claimed`, `escalated`, `transferred`, `closed`. */
  type: string;
  /** An e-mail, `visitor`, `bot` or `system`. */
  actor: string;
  data: Record<string, unknown>;
  at: Date;
}

export interface Transition {
  from: ChatState;
  to: ChatState;
  patch: ChatChange;
  event: TransitionEvent;
}

export type Decision = { ok: true; transition: Transition } | { ok: false; error: IllegalTransition };

/** What the machine needs to know about the chat. */
export type ChatSnapshot = Pick<Chat, 'state' | 'topicId' | 'ownerEmail'>;

export type CloseCause = 'agent' | 'visitor' | 'supervisor' | 'inactivity' | 'visitor_left' | 'system';

/** Where a new chat starts: with the assistant, or straight in the queue. */
export function initialState(assistantOn: boolean): 'bot' | 'queued' {
  return assistantOn ? 'bot' : 'queued';
}

/** A chat as it is born: nobody owns it, nothing happened yet but the visitor being here. */
export function newChat(
  start: Pick<Chat, 'id' | 'topicId' | 'state' | 'language' | 'visitor' | 'tokenHash'>,
  at: Date,
): Omit<Chat, 'updatedAt'> {
  return {
    ...start,
    shortId: shortId(start.id),
    spaceId: null,
    ownerEmail: null,
    ownerName: null,
    createdAt: at,
    claimedAt: null,
    closedAt: null,
    closeReason: null,
    closedBy: null,
    lastSeenAt: at,
    lastVisitorMessageAt: null,
    leftAt: null,
    warnedAt: null,
    waitingOnVisitorSince: null,
    queuedAt: start.state === 'queued' ? at : null,
    queueNoticeAt: null,
    queueOfferAt: null,
  };
}

/** The actor as stored in events. */
export function actorId(actor: Actor): string {
  return actor.kind === 'agent' ? actor.email.toLowerCase() : actor.kind;
}

const sameEmail = (a: string | null | undefined, b: string | null | undefined) =>
  !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();

function refuse(
  code: IllegalCode,
  chat: ChatSnapshot,
  action: ChatActionType,
  message: string,
  details?: Record<string, unknown>,
): Decision {
  return { ok: false, error: new IllegalTransition(code, chat.state, action, message, details) };
}

function move(chat: ChatSnapshot, to: ChatState, patch: ChatChange, type: string, actor: Actor, at: Date, data: Record<string, unknown> = {}): Decision {
  return {
    ok: true,
    transition: { from: chat.state, to, patch: { ...patch, state: to }, event: { type, actor: actorId(actor), data, at } },
  };
}

/** Card actions and commands come from people in the space; supervisors may act from anywhere. */
function agentMayAct(actor: Actor): boolean {
  return actor.kind === 'agent' && (actor.isMember || actor.isSupervisor === true);
}

function closeCause(actor: Actor): CloseCause {
  if (actor.kind === 'agent') return actor.isMember ? 'agent' : 'supervisor';
  if (actor.kind === 'visitor') return 'visitor';
  return 'system';
}

/** Decides an action on a chat: the transition to store, or why it is refused. */
export function decide(chat: ChatSnapshot, action: ChatAction, actor: Actor, at: Date): Decision {
  const t = action.type;
  if (chat.state === 'closed') return refuse('already_closed', chat, t, 'This chat is already closed.');

  switch (action.type) {
    case 'handoff': {
      if (actor.kind === 'agent') return refuse('not_allowed', chat, t, 'Agents claim chats; handoff is the visitor\'s or the assistant\'s.');
      if (chat.state !== 'bot') return refuse('not_with_bot', chat, t, 'The chat is already with the agents.');
      return move(chat, 'queued', queueFrom(at), 'handed_off', actor, at, action.reason ? { reason: action.reason } : {});
    }

    case 'claim': {
      if (actor.kind !== 'agent') return refuse('not_allowed', chat, t, 'Only an agent can claim a chat.');
      if (!actor.isMember) return refuse('not_member', chat, t, 'Only members of this space can claim the chat.');
      if (chat.state === 'active') {
        if (sameEmail(chat.ownerEmail, actor.email)) {
          return refuse('already_owner', chat, t, 'You already own this chat.', { owner: chat.ownerEmail });
        }
        return refuse('already_claimed', chat, t, 'Someone else already claimed this chat.', { owner: chat.ownerEmail });
      }
      return move(
        chat,
        'active',
        { ownerEmail: actor.email.toLowerCase(), ownerName: actor.name ?? null, claimedAt: at, ...waitOnVisitorFrom(at) },
        'claimed',
        actor,
        at,
        chat.state === 'bot' ? { from: 'bot' } : {},
      );
    }

    case 'escalate': {
      if (!agentMayAct(actor)) return refuse(actor.kind === 'agent' ? 'not_member' : 'not_allowed', chat, t, 'Only members of this space can escalate the chat.');
      if (action.to.length === 0) return refuse('nothing_to_add', chat, t, 'Name a person or a topic to escalate to.');
      return move(chat, chat.state, {}, 'escalated', actor, at, { to: action.to });
    }

    case 'transfer': {
      if (actor.kind !== 'agent') return refuse('not_allowed', chat, t, 'Only an agent can transfer a chat.');
      const supervisor = actor.isSupervisor === true;
      if (!actor.isMember && !supervisor) return refuse('not_member', chat, t, 'Only members of this space can transfer the chat.');
      // A claimed chat is its owner's to hand on (or a supervisor's); an unclaimed one anyone's here.
      if (chat.state === 'active' && !sameEmail(chat.ownerEmail, actor.email) && !supervisor) {
        return refuse('not_owner', chat, t, 'Only the owner of the chat can transfer it.', { owner: chat.ownerEmail });
      }
      const to = action.to;
      const data = { to, fromTopic: chat.topicId, fromOwner: chat.ownerEmail };
      if (to.kind === 'person') {
        if (sameEmail(to.email, chat.ownerEmail)) return refuse('same_target', chat, t, 'The chat already belongs to that person.');
        const owner = { ownerEmail: to.email.trim().toLowerCase(), ownerName: null, claimedAt: at, ...waitOnVisitorFrom(at) };
        return move(chat, 'active', owner, 'transferred', actor, at, data);
      }
      if (to.topicId === chat.topicId && chat.state !== 'active') {
        return refuse('same_target', chat, t, 'The chat is already waiting in that topic.');
      }
      const queue = { topicId: to.topicId, ownerEmail: null, ownerName: null, claimedAt: null, ...queueFrom(at) };
      return move(chat, 'queued', queue, 'transferred', actor, at, data);
    }

    case 'close': {
      if (actor.kind === 'agent' && !agentMayAct(actor)) return refuse('not_member', chat, t, 'Only members of this space can close the chat.');
      const reason = action.reason?.trim() || null;
      const by = actorId(actor);
      return move(chat, 'closed', { closedAt: at, closeReason: reason, closedBy: by }, 'closed', actor, at, {
        cause: closeCause(actor),
        ...(reason ? { reason } : {}),
      });
    }

    case 'visitor_left':
    case 'inactive': {
      if (actor.kind !== 'system' && actor.kind !== 'visitor') return refuse('not_allowed', chat, t, 'Only the system decides that a visitor left or went quiet.');
      const cause: CloseCause = action.type === 'inactive' ? 'inactivity' : 'visitor_left';
      return move(chat, 'closed', { closedAt: at, closeReason: cause, closedBy: 'system' }, 'closed', actor, at, { cause });
    }
  }
}

/**
 * An agent wrote to the visitor (a top-level message in the space). In a chat nobody claimed,
 * writing claims it: the visitor now talks to that agent and the assistant stops. Returns null
 * when nothing changes (already active: any member may write), a refusal when closed.
 */
export function onAgentReply(chat: ChatSnapshot, actor: Extract<Actor, { kind: 'agent' }>, at: Date): Decision | null {
  if (chat.state === 'active') return null;
  const decision = decide(chat, { type: 'claim' }, actor, at);
  if (decision.ok) decision.transition.event.data = { ...decision.transition.event.data, implicit: true };
  return decision;
}

/** Whether the visitor may still send messages. */
export function visitorMaySend(state: ChatState): boolean {
  return state !== 'closed';
}

// ---------------------------------------------------------------------------------------------
// Timers: decided by one recurring sweep over plain timestamps, never a job per heartbeat.

export interface TimerPolicy {
  /** The conversation waited on the visitor this long: warn (default 10 min). */
  warnAfterMs: number;
  /** The conversation waited on the visitor this long: close (default 15 min). */
  closeAfterMs: number;
  /** No stream, poll or message this long: the visitor is gone (default 60 s). */
  lostAfterMs: number;
  /** After a `leave` beacon, wait this long for the visitor to come back (default 30 s). */
  leaveGraceMs: number;
  /** Queued and unclaimed this long: alert the supervisors (default 3 min). */
  unclaimedAlertMs: number;
  /** While queued, a "still looking for someone" line this often (default 2 min). */
  queueUpdateMs: number;
  /** Queued this long: offer the visitor to leave a message instead (default 20 min). */
  queueGiveUpMs: number;
}

export const DEFAULT_TIMERS: TimerPolicy = {
  warnAfterMs: 10 * 60_000,
  closeAfterMs: 15 * 60_000,
  lostAfterMs: 60_000,
  leaveGraceMs: 30_000,
  unclaimedAlertMs: 3 * 60_000,
  queueUpdateMs: 2 * 60_000,
  queueGiveUpMs: 20 * 60_000,
};

export type TimerVerdict = 'none' | 'warn' | 'close_inactive' | 'close_left' | 'queue_update' | 'queue_give_up';

export type TimerFacts = Pick<Chat, 'state' | 'createdAt' | 'lastSeenAt' | 'lastVisitorMessageAt' | 'leftAt' | 'warnedAt'> &
  Partial<Pick<Chat, 'waitingOnVisitorSince' | 'queuedAt' | 'queueNoticeAt' | 'queueOfferAt'>>;

/** Queued: the visitor waits on people, so they are kept informed instead of warned. */
function queueVerdict(chat: TimerFacts, t: number, policy: TimerPolicy): TimerVerdict {
  const queuedAt = (chat.queuedAt ?? chat.createdAt).getTime();
  const offered = chat.queueOfferAt != null && chat.queueOfferAt.getTime() >= queuedAt;
  if (t - queuedAt >= policy.queueGiveUpMs) return offered ? 'none' : 'queue_give_up';
  const lastNotice = Math.max(queuedAt, chat.queueNoticeAt?.getTime() ?? 0);
  return t - lastNotice >= policy.queueUpdateMs ? 'queue_update' : 'none';
}

/**
 * What the sweep should do with a chat now. A lost visitor beats everything (nobody reads the
 * lines). Inactivity means nobody is talking: it counts only while the conversation waits on the
 * visitor (`waitingOnVisitorSince`), never while the visitor waits in the queue or for an answer;
 * a warning counts only if given after the wait began.
 */
export function timerVerdict(chat: TimerFacts, now: Date, policy: TimerPolicy = DEFAULT_TIMERS): TimerVerdict {
  if (chat.state === 'closed') return 'none';
  const t = now.getTime();
  if (chat.leftAt && t - chat.leftAt.getTime() >= policy.leaveGraceMs && chat.lastSeenAt.getTime() <= chat.leftAt.getTime()) {
    return 'close_left';
  }
  if (t - chat.lastSeenAt.getTime() >= policy.lostAfterMs) return 'close_left';
  if (chat.state === 'queued') return queueVerdict(chat, t, policy);
  if (!chat.waitingOnVisitorSince) return 'none';
  const since = chat.waitingOnVisitorSince.getTime();
  const silent = t - since;
  if (silent >= policy.closeAfterMs) return 'close_inactive';
  const warned = chat.warnedAt !== null && chat.warnedAt.getTime() >= since;
  if (silent >= policy.warnAfterMs && !warned) return 'warn';
  return 'none';
}
