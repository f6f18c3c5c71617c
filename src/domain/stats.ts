// Chat statistics for supervisors, computed from chats and their events (pure).
// Definitions, in one place:
// - assistant only: the chat started with the assistant and closed without being handed off;
// - handed off: the assistant had the chat (it started with the assistant) and passed it to the
//   agents; a chat queued from the start was never the assistant's, so it does not count;
// - reached the agents: it started queued, or was handed off later;
// - first agent response: from reaching the agents to the first claim (a reply claims too);
// - abandoned: it reached the agents and closed before anyone claimed it;
// - duration: from start to close, over closed chats;
// - open: not closed yet.
import type { Chat, ChatEvent } from './types.js';

export interface StatsRow {
  chats: number;
  open: number;
  assistantOnly: number;
  handedOff: number;
  abandoned: number;
  /** Milliseconds; null when no chat counts towards it. */
  medianFirstResponseMs: number | null;
  medianDurationMs: number | null;
}

export interface ChatStats {
  total: StatsRow;
  /** By topic id, in the order topics first appear. */
  topics: Record<string, StatsRow>;
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

interface ChatFacts {
  topicId: string;
  open: boolean;
  assistantOnly: boolean;
  handedOff: boolean;
  abandoned: boolean;
  firstResponseMs: number | null;
  durationMs: number | null;
}

/** What one chat contributes, from its own events (in id order). */
export function chatFacts(chat: Chat, events: readonly ChatEvent[]): ChatFacts {
  const created = events.find((e) => e.type === 'created');
  const startedWith = typeof created?.data.state === 'string' ? created.data.state : null;
  const handoff = events.find((e) => e.type === 'handed_off');
  const startedQueued = startedWith === 'queued';
  const reachedAgentsAt = startedQueued ? chat.createdAt : (handoff?.at ?? null);
  const claim = events.find((e) => e.type === 'claimed');
  const closed = chat.state === 'closed';
  const reachedAgents = reachedAgentsAt !== null;
  let firstResponseMs: number | null = null;
  if (claim && reachedAgentsAt && claim.at.getTime() >= reachedAgentsAt.getTime()) {
    firstResponseMs = claim.at.getTime() - reachedAgentsAt.getTime();
  }
  return {
    topicId: created && typeof created.data.topic === 'string' ? created.data.topic : chat.topicId,
    open: !closed,
    assistantOnly: closed && startedWith === 'bot' && !handoff && !claim,
    handedOff: startedWith === 'bot' && handoff !== undefined,
    abandoned: closed && reachedAgents && !claim,
    firstResponseMs,
    durationMs: closed && chat.closedAt ? Math.max(0, chat.closedAt.getTime() - chat.createdAt.getTime()) : null,
  };
}

function row(facts: ChatFacts[]): StatsRow {
  const responses = facts.map((f) => f.firstResponseMs).filter((v): v is number => v !== null);
  const durations = facts.map((f) => f.durationMs).filter((v): v is number => v !== null);
  return {
    chats: facts.length,
    open: facts.filter((f) => f.open).length,
    assistantOnly: facts.filter((f) => f.assistantOnly).length,
    handedOff: facts.filter((f) => f.handedOff).length,
    abandoned: facts.filter((f) => f.abandoned).length,
    medianFirstResponseMs: median(responses),
    medianDurationMs: median(durations),
  };
}

/**
 * Statistics of the given chats (already filtered to the period) by their starting topic.
 * `events` may hold other chats' events too: each chat takes its own.
 */
export function computeStats(chats: readonly Chat[], events: readonly ChatEvent[]): ChatStats {
  const byChat = new Map<string, ChatEvent[]>();
  for (const e of events) {
    let list = byChat.get(e.chatId);
    if (!list) byChat.set(e.chatId, (list = []));
    list.push(e);
  }
  for (const list of byChat.values()) list.sort((a, b) => a.id - b.id);
  const facts = chats.map((c) => chatFacts(c, byChat.get(c.id) ?? []));
  const topics: Record<string, StatsRow> = {};
  const order = [...new Set(facts.map((f) => f.topicId))];
  for (const id of order) topics[id] = row(facts.filter((f) => f.topicId === id));
  return { total: row(facts), topics };
}

/** `95_000` → `1 min 35 s`; null → `—`. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
  const h = Math.floor(m / 60);
  return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
}
