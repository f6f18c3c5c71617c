import { describe, expect, it } from 'vitest';
import { chatFacts, computeStats, formatDuration, median } from '../../../src/domain/stats.js';
import type { Chat, ChatEvent, ChatState } from '../../../src/domain/types.js';

const T0 = Date.parse('2026-11-24T10:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

let nextEvent = 1;

function chat(id: string, topicId: string, state: ChatState, closedAtMin: number | null = null): Chat {
  return {
    id,
    shortId: id.slice(0, 6),
    topicId,
    state,
    language: 'en',
    visitor: { name: null, email: null, fields: {}, ip: null, userAgent: null, page: null, geo: null },
    tokenHash: 'x',
    spaceId: null,
    ownerEmail: null,
    ownerName: null,
    createdAt: at(0),
    updatedAt: at(0),
    claimedAt: null,
    closedAt: closedAtMin === null ? null : at(closedAtMin),
    closeReason: null,
    closedBy: null,
    lastSeenAt: at(0),
    lastVisitorMessageAt: null,
    leftAt: null,
    warnedAt: null,
  };
}

function event(chatId: string, type: string, minute: number, data: Record<string, unknown> = {}): ChatEvent {
  return { id: nextEvent++, chatId, type, actor: 'x', data, at: at(minute) };
}

const created = (chatId: string, topic: string, state: ChatState) => event(chatId, 'created', 0, { topic, state });

describe('chat statistics', () => {
  it('counts a chat the assistant answered alone', () => {
    const c = chat('a1', 'sales', 'closed', 4);
    const f = chatFacts(c, [created('a1', 'sales', 'bot'), event('a1', 'closed', 4)]);
    expect(f).toMatchObject({ assistantOnly: true, handedOff: false, abandoned: false, firstResponseMs: null, durationMs: 4 * 60_000 });
  });

  it('measures the first response from the handoff, not from the start', () => {
    const c = chat('b1', 'sales', 'closed', 20);
    const f = chatFacts(c, [created('b1', 'sales', 'bot'), event('b1', 'handed_off', 5), event('b1', 'claimed', 8), event('b1', 'closed', 20)]);
    expect(f).toMatchObject({ assistantOnly: false, handedOff: true, abandoned: false, firstResponseMs: 3 * 60_000 });
  });

  it('a queued chat closed before anyone claimed it is abandoned; an open one is not yet', () => {
    const gone = chatFacts(chat('c1', 'support', 'closed', 6), [created('c1', 'support', 'queued'), event('c1', 'closed', 6)]);
    expect(gone).toMatchObject({ handedOff: false, abandoned: true, firstResponseMs: null });
    const waiting = chatFacts(chat('c2', 'support', 'queued'), [created('c2', 'support', 'queued')]);
    expect(waiting).toMatchObject({ open: true, handedOff: false, abandoned: false, durationMs: null });
  });

  it('counts as handed off only a chat the assistant had, not one queued from the start', () => {
    const queued = chatFacts(chat('h1', 'sales', 'closed', 9), [
      created('h1', 'sales', 'queued'),
      event('h1', 'claimed', 2),
      event('h1', 'closed', 9),
    ]);
    expect(queued).toMatchObject({ handedOff: false, firstResponseMs: 2 * 60_000 });
    const fromBot = chatFacts(chat('h2', 'sales', 'queued'), [created('h2', 'sales', 'bot'), event('h2', 'handed_off', 3)]);
    expect(fromBot).toMatchObject({ handedOff: true, assistantOnly: false, open: true });
    const abandonedAfterHandoff = chatFacts(chat('h3', 'sales', 'closed', 7), [
      created('h3', 'sales', 'bot'),
      event('h3', 'handed_off', 2),
      event('h3', 'closed', 7),
    ]);
    expect(abandonedAfterHandoff).toMatchObject({ handedOff: true, abandoned: true });
  });

  it('counts a chat by the topic it started in, even after a transfer', () => {
    const moved = chat('d1', 'support', 'active');
    expect(chatFacts(moved, [created('d1', 'sales', 'queued'), event('d1', 'transferred', 2)]).topicId).toBe('sales');
  });

  it('aggregates per topic and in total, with medians', () => {
    const chats = [
      chat('e1', 'sales', 'closed', 10),
      chat('e2', 'sales', 'closed', 30),
      chat('e3', 'sales', 'active'),
      chat('e4', 'support', 'closed', 2),
      chat('e5', 'support', 'closed', 5),
    ];
    const events = [
      created('e1', 'sales', 'queued'),
      event('e1', 'claimed', 1),
      event('e1', 'closed', 10),
      created('e2', 'sales', 'queued'),
      event('e2', 'claimed', 3),
      event('e2', 'closed', 30),
      created('e3', 'sales', 'queued'),
      event('e3', 'claimed', 2),
      created('e4', 'support', 'bot'),
      event('e4', 'closed', 2),
      created('e5', 'support', 'bot'),
      event('e5', 'handed_off', 1),
      event('e5', 'claimed', 2),
      event('e5', 'closed', 5),
      // Another chat's events are ignored.
      created('zz', 'sales', 'queued'),
    ];
    const stats = computeStats(chats, [...events].reverse());
    expect(stats.topics.sales).toEqual({
      chats: 3,
      open: 1,
      assistantOnly: 0,
      handedOff: 0,
      abandoned: 0,
      medianFirstResponseMs: 2 * 60_000,
      medianDurationMs: 20 * 60_000,
    });
    expect(stats.topics.support).toMatchObject({ chats: 2, assistantOnly: 1, handedOff: 1, medianFirstResponseMs: 60_000 });
    expect(stats.total).toMatchObject({ chats: 5, open: 1, assistantOnly: 1, handedOff: 1, medianDurationMs: 7.5 * 60_000 });
    expect(Object.keys(stats.topics)).toEqual(['sales', 'support']);
  });

  it('has no medians and zero counts without chats', () => {
    expect(computeStats([], []).total).toEqual({
      chats: 0,
      open: 0,
      assistantOnly: 0,
      handedOff: 0,
      abandoned: 0,
      medianFirstResponseMs: null,
      medianDurationMs: null,
    });
  });

  it('median and duration formatting', () => {
    expect(median([])).toBeNull();
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(3); // (2 + 3) / 2 rounded
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(95_000)).toBe('1 min 35 s');
    expect(formatDuration(120_000)).toBe('2 min');
    expect(formatDuration(3 * 3600_000 + 5 * 60_000)).toBe('3 h 5 min');
  });
});
