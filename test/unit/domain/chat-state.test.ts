import { describe, expect, it } from 'vitest';
import {
  type Actor,
  type ChatAction,
  type ChatSnapshot,
  DEFAULT_TIMERS,
  IllegalTransition,
  type TimerFacts,
  actorId,
  decide,
  initialState,
  onAgentReply,
  timerVerdict,
  visitorMaySend,
  newChat,
} from '../../../src/domain/chat-state.js';
import { UNKNOWN_VISITOR } from '../../support/visitors.js';

const at = new Date('2026-11-24T10:00:00Z');
const chat = (state: ChatSnapshot['state'], ownerEmail: string | null = null): ChatSnapshot => ({ state, topicId: 'sales', ownerEmail });
const agent = (email: string, isMember = true, isSupervisor = false): Actor => ({ kind: 'agent', email, name: email.split('@')[0], isMember, isSupervisor });
const alice = agent('Alice@example.com');
const bob = agent('bob@example.com');
const outsider = agent('eve@example.com', false);
const sam = agent('sam@example.com', false, true);
const visitor: Actor = { kind: 'visitor' };
const system: Actor = { kind: 'system' };

function ok(chatState: ChatSnapshot, action: ChatAction, actor: Actor) {
  const d = decide(chatState, action, actor, at);
  if (!d.ok) throw new Error(`refused: ${d.error.code}`);
  return d.transition;
}
function refused(chatState: ChatSnapshot, action: ChatAction, actor: Actor) {
  const d = decide(chatState, action, actor, at);
  if (d.ok) throw new Error(`allowed: ${d.transition.from} → ${d.transition.to}`);
  expect(d.error).toBeInstanceOf(IllegalTransition);
  return d.error;
}

describe('the main path: bot → queued → active → closed', () => {
  it('starts with the assistant or straight in the queue', () => {
    expect(initialState(true)).toBe('bot');
    expect(initialState(false)).toBe('queued');
  });

  it('handoff, claim, close, each with its event', () => {
    const h = ok(chat('bot'), { type: 'handoff', reason: 'asked for a human' }, visitor);
    expect(h).toMatchObject({ from: 'bot', to: 'queued', patch: { state: 'queued' }, event: { type: 'handed_off', actor: 'visitor', data: { reason: 'asked for a human' }, at } });

    const c = ok(chat('queued'), { type: 'claim' }, alice);
    expect(c).toMatchObject({ from: 'queued', to: 'active', event: { type: 'claimed', actor: 'alice@example.com' } });
    // Nothing said since the claim: the conversation now waits on the visitor.
    expect(c.patch).toEqual({
      state: 'active', ownerEmail: 'alice@example.com', ownerName: 'Alice', claimedAt: at, waitingOnVisitorSince: at, warnedAt: null,
    });

    const x = ok(chat('active', 'alice@example.com'), { type: 'close', reason: '  solved ' }, alice);
    expect(x.patch).toEqual({ state: 'closed', closedAt: at, closeReason: 'solved', closedBy: 'alice@example.com' });
    expect(x.event).toMatchObject({ type: 'closed', data: { cause: 'agent', reason: 'solved' } });
  });

  it('bot → closed and queued → closed are legal', () => {
    expect(ok(chat('bot'), { type: 'close' }, visitor)).toMatchObject({ from: 'bot', to: 'closed', patch: { closedBy: 'visitor', closeReason: null } });
    expect(ok(chat('queued'), { type: 'visitor_left' }, system)).toMatchObject({ to: 'closed', patch: { closeReason: 'visitor_left', closedBy: 'system' }, event: { data: { cause: 'visitor_left' } } });
    expect(ok(chat('active', 'bob@example.com'), { type: 'inactive' }, system)).toMatchObject({ to: 'closed', patch: { closeReason: 'inactivity' } });
  });

  it('an agent may take over from the assistant (bot → active)', () => {
    expect(ok(chat('bot'), { type: 'claim' }, bob)).toMatchObject({ from: 'bot', to: 'active', event: { data: { from: 'bot' } } });
  });
});

describe('refusals', () => {
  const every: ChatAction[] = [
    { type: 'handoff' }, { type: 'claim' }, { type: 'escalate', to: [{ kind: 'person', email: 'x@example.com' }] },
    { type: 'transfer', to: { kind: 'topic', topicId: 'support' } }, { type: 'close' }, { type: 'visitor_left' }, { type: 'inactive' },
  ];
  it.each(every)('nothing happens to a closed chat: $type → already_closed', (action) => {
    const e = refused(chat('closed', 'alice@example.com'), action, action.type === 'visitor_left' || action.type === 'inactive' ? system : alice);
    expect(e.code).toBe('already_closed');
    expect(e.state).toBe('closed');
    expect(e.action).toBe(action.type);
  });

  it('closing twice is refused', () => {
    const first = ok(chat('active', 'alice@example.com'), { type: 'close' }, alice);
    expect(refused(chat(first.to), { type: 'close' }, bob).code).toBe('already_closed');
  });

  it('claiming a claimed chat: already_claimed names the owner; the owner gets already_owner', () => {
    const e = refused(chat('active', 'alice@example.com'), { type: 'claim' }, bob);
    expect(e.code).toBe('already_claimed');
    expect(e.details).toEqual({ owner: 'alice@example.com' });
    expect(refused(chat('active', 'alice@example.com'), { type: 'claim' }, alice).code).toBe('already_owner');
  });

  it('only members of the space act on cards', () => {
    expect(refused(chat('queued'), { type: 'claim' }, outsider).code).toBe('not_member');
    expect(refused(chat('queued'), { type: 'close' }, outsider).code).toBe('not_member');
    expect(refused(chat('queued'), { type: 'escalate', to: [{ kind: 'topic', topicId: 'support' }] }, outsider).code).toBe('not_member');
    expect(refused(chat('queued'), { type: 'transfer', to: { kind: 'topic', topicId: 'support' } }, outsider).code).toBe('not_member');
  });

  it('a supervisor outside the space may close, escalate and transfer, but not claim', () => {
    expect(ok(chat('active', 'alice@example.com'), { type: 'close' }, sam).event.data).toMatchObject({ cause: 'supervisor' });
    expect(ok(chat('queued'), { type: 'escalate', to: [{ kind: 'person', email: 'bob@example.com' }] }, sam).to).toBe('queued');
    expect(ok(chat('active', 'alice@example.com'), { type: 'transfer', to: { kind: 'person', email: 'bob@example.com' } }, sam).patch.ownerEmail).toBe('bob@example.com');
    expect(refused(chat('queued'), { type: 'claim' }, sam).code).toBe('not_member');
  });

  it('handoff only from the assistant, and not by agents', () => {
    expect(refused(chat('queued'), { type: 'handoff' }, visitor).code).toBe('not_with_bot');
    expect(refused(chat('active', 'a@example.com'), { type: 'handoff' }, { kind: 'bot' }).code).toBe('not_with_bot');
    expect(refused(chat('bot'), { type: 'handoff' }, alice).code).toBe('not_allowed');
    expect(ok(chat('bot'), { type: 'handoff' }, { kind: 'bot' }).event.actor).toBe('bot');
  });

  it('visitors and the system cannot claim, escalate or transfer; agents cannot fake a lost visitor', () => {
    expect(refused(chat('queued'), { type: 'claim' }, visitor).code).toBe('not_allowed');
    expect(refused(chat('queued'), { type: 'transfer', to: { kind: 'topic', topicId: 'x' } }, system).code).toBe('not_allowed');
    expect(refused(chat('queued'), { type: 'escalate', to: [{ kind: 'topic', topicId: 'x' }] }, visitor).code).toBe('not_allowed');
    expect(refused(chat('queued'), { type: 'visitor_left' }, alice).code).toBe('not_allowed');
  });

  it('escalating to nobody is refused', () => {
    expect(refused(chat('active', 'alice@example.com'), { type: 'escalate', to: [] }, alice).code).toBe('nothing_to_add');
  });
});

describe('escalate and transfer', () => {
  it('escalate keeps the state and records the targets', () => {
    const to = [{ kind: 'person' as const, email: 'carol@example.com' }, { kind: 'topic' as const, topicId: 'support' }];
    const t = ok(chat('active', 'alice@example.com'), { type: 'escalate', to }, alice);
    expect(t).toMatchObject({ from: 'active', to: 'active', patch: { state: 'active' }, event: { type: 'escalated', data: { to } } });
  });

  it('transfer to a person: that person owns the chat at once', () => {
    const t = ok(chat('active', 'alice@example.com'), { type: 'transfer', to: { kind: 'person', email: ' Bob@Example.com ' } }, alice);
    expect(t).toMatchObject({ from: 'active', to: 'active', patch: { ownerEmail: 'bob@example.com', ownerName: null, claimedAt: at } });
    expect(t.event).toMatchObject({ type: 'transferred', data: { fromOwner: 'alice@example.com', fromTopic: 'sales' } });
    expect(ok(chat('queued'), { type: 'transfer', to: { kind: 'person', email: 'bob@example.com' } }, alice).to).toBe('active');
  });

  it('transfer to a topic: back in the queue there, with no owner', () => {
    const t = ok(chat('active', 'alice@example.com'), { type: 'transfer', to: { kind: 'topic', topicId: 'support' } }, alice);
    expect(t).toMatchObject({ from: 'active', to: 'queued', patch: { state: 'queued', topicId: 'support', ownerEmail: null, ownerName: null, claimedAt: null } });
    // The owner may also hand the chat back to its own topic's queue.
    expect(ok(chat('active', 'alice@example.com'), { type: 'transfer', to: { kind: 'topic', topicId: 'sales' } }, alice).to).toBe('queued');
  });

  it('only the owner transfers a claimed chat; anyone in the space an unclaimed one', () => {
    expect(refused(chat('active', 'alice@example.com'), { type: 'transfer', to: { kind: 'topic', topicId: 'support' } }, bob).code).toBe('not_owner');
    expect(ok(chat('queued'), { type: 'transfer', to: { kind: 'topic', topicId: 'support' } }, bob).to).toBe('queued');
    expect(ok(chat('bot'), { type: 'transfer', to: { kind: 'topic', topicId: 'support' } }, bob).to).toBe('queued');
  });

  it('a transfer to where the chat already is is refused', () => {
    expect(refused(chat('active', 'alice@example.com'), { type: 'transfer', to: { kind: 'person', email: 'ALICE@example.com' } }, alice).code).toBe('same_target');
    expect(refused(chat('queued'), { type: 'transfer', to: { kind: 'topic', topicId: 'sales' } }, alice).code).toBe('same_target');
  });
});

describe('onAgentReply: writing to the visitor claims an unclaimed chat', () => {
  it('claims a queued chat implicitly, and takes over from the assistant', () => {
    const q = onAgentReply(chat('queued'), alice as Extract<Actor, { kind: 'agent' }>, at);
    expect(q?.ok && q.transition).toMatchObject({ to: 'active', patch: { ownerEmail: 'alice@example.com' }, event: { type: 'claimed', data: { implicit: true } } });
    const b = onAgentReply(chat('bot'), alice as Extract<Actor, { kind: 'agent' }>, at);
    expect(b?.ok && b.transition.to).toBe('active');
  });

  it('changes nothing in an active chat, refuses in a closed one', () => {
    expect(onAgentReply(chat('active', 'bob@example.com'), alice as Extract<Actor, { kind: 'agent' }>, at)).toBeNull();
    const c = onAgentReply(chat('closed'), alice as Extract<Actor, { kind: 'agent' }>, at);
    expect(c?.ok === false && c.error.code).toBe('already_closed');
  });
});

describe('small rules', () => {
  it('actorId, open states, who may send', () => {
    expect(actorId(alice)).toBe('alice@example.com');
    expect(actorId(system)).toBe('system');
    expect(visitorMaySend('bot')).toBe(true);
    expect(visitorMaySend('closed')).toBe(false);
  });
});

describe('timers', () => {
  const t0 = new Date('2026-11-24T10:00:00Z');
  const plus = (ms: number) => new Date(t0.getTime() + ms);
  const facts = (over: Partial<TimerFacts> = {}): TimerFacts => ({
    state: 'active', createdAt: t0, lastSeenAt: t0, lastVisitorMessageAt: null, leftAt: null, warnedAt: null,
    waitingOnVisitorSince: t0, ...over,
  });
  const min = 60_000;

  it('waiting on a present visitor: nothing, then a warning at 10 min, then close at 15 min', () => {
    // An agent spoke last; the visitor keeps the stream open (lastSeenAt fresh) but types nothing.
    expect(timerVerdict(facts({ lastSeenAt: plus(9 * min) }), plus(9 * min))).toBe('none');
    expect(timerVerdict(facts({ lastSeenAt: plus(10 * min) }), plus(10 * min))).toBe('warn');
    expect(timerVerdict(facts({ lastSeenAt: plus(11 * min), warnedAt: plus(10 * min) }), plus(11 * min))).toBe('none');
    expect(timerVerdict(facts({ lastSeenAt: plus(15 * min), warnedAt: plus(10 * min) }), plus(15 * min))).toBe('close_inactive');
  });

  it('a new line from either side restarts the count and the old warning no longer counts', () => {
    const f = facts({ waitingOnVisitorSince: plus(12 * min), warnedAt: plus(10 * min), lastSeenAt: plus(22 * min) });
    expect(timerVerdict(f, plus(21 * min))).toBe('none');
    expect(timerVerdict(f, plus(22 * min))).toBe('warn');
  });

  it('the visitor spoke last (waiting on people): never warned nor closed for inactivity', () => {
    const f = facts({ waitingOnVisitorSince: null, lastVisitorMessageAt: t0, lastSeenAt: plus(60 * min) });
    expect(timerVerdict(f, plus(60 * min))).toBe('none');
  });

  it('queued: "still looking" lines at the update interval, the offer to leave a message once, never inactivity', () => {
    const q = (over: Partial<TimerFacts>, at: number) =>
      timerVerdict(facts({ state: 'queued', waitingOnVisitorSince: null, queuedAt: t0, lastSeenAt: plus(at), ...over }), plus(at));
    expect(q({}, 2 * min - 1)).toBe('none');
    expect(q({}, 2 * min)).toBe('queue_update');
    expect(q({ queueNoticeAt: plus(2 * min) }, 3 * min)).toBe('none');
    expect(q({ queueNoticeAt: plus(18 * min) }, 20 * min)).toBe('queue_give_up');
    expect(q({ queueNoticeAt: plus(18 * min), queueOfferAt: plus(20 * min) }, 59 * min)).toBe('none');
    // Queued again later (a transfer): the old offer no longer counts.
    expect(q({ queuedAt: plus(30 * min), queueOfferAt: plus(20 * min) }, 50 * min)).toBe('queue_give_up');
  });

  it('no stream, poll or message for 60 s: the visitor left', () => {
    expect(timerVerdict(facts(), plus(59_999))).toBe('none');
    expect(timerVerdict(facts(), plus(60_000))).toBe('close_left');
  });

  it('a leave beacon: closed after 30 s of grace, unless the visitor came back', () => {
    const left = facts({ leftAt: plus(1000), lastSeenAt: plus(1000) });
    expect(timerVerdict(left, plus(30_999))).toBe('none');
    expect(timerVerdict(left, plus(31_000))).toBe('close_left');
    expect(timerVerdict(facts({ leftAt: plus(1000), lastSeenAt: plus(20_000) }), plus(40_000))).toBe('none');
  });

  it('a lost visitor is closed as left even when also inactive; closed chats are left alone', () => {
    expect(timerVerdict(facts(), plus(20 * min))).toBe('close_left');
    expect(timerVerdict(facts({ state: 'closed' }), plus(20 * min))).toBe('none');
  });

  it('custom (short) values for tests', () => {
    const policy = { ...DEFAULT_TIMERS, warnAfterMs: 1000, closeAfterMs: 2000, lostAfterMs: 10_000 };
    expect(timerVerdict(facts({ lastSeenAt: plus(1000) }), plus(1000), policy)).toBe('warn');
  });
});

describe('newChat', () => {
  it('is born unowned, unclaimed and open, seen at its start, with a short id from its id', () => {
    const at = new Date('2026-11-24T10:00:00Z');
    const chat = newChat(
      { id: '6f1c2d3e-aaaa-4bbb-8ccc-1234567890ab', topicId: 'sales', state: 'queued', language: 'pl', visitor: UNKNOWN_VISITOR, tokenHash: 'h' },
      at,
    );
    expect(chat).toMatchObject({
      topicId: 'sales', state: 'queued', language: 'pl', tokenHash: 'h', spaceId: null, ownerEmail: null,
      claimedAt: null, closedAt: null, createdAt: at, lastSeenAt: at, leftAt: null, warnedAt: null,
    });
    expect(chat.shortId).toMatch(/^[0-9a-f]{6}$/);
  });
});
