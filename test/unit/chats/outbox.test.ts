// The outbox worker over an in-memory lane store: per-lane order, retries with the error's
// Retry-After, permanent refusals dropped so the lane moves on, and enqueue waking the worker.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Json, NewOutboxItem, OutboxItem, Store } from '../../../src/ports.js';
import { isPermanentFailure, OutboxWorker } from '../../../src/services/outbox.js';

/** Just the outbox part of the Store, with the same leasing rule: a lane's oldest item only. */
class Lanes {
  items: (OutboxItem & { leaseUntil: number })[] = [];
  private next = 1;

  async enqueueOutbox(item: NewOutboxItem): Promise<OutboxItem> {
    const stored = { ...item, id: this.next++, attempts: 0, nextAttemptAt: new Date(0), lastError: null, createdAt: new Date(), leaseUntil: 0 };
    this.items.push(stored);
    return stored;
  }

  async claimOutbox(now: Date, limit: number, leaseMs: number): Promise<OutboxItem[]> {
    const heads = new Map<string, (typeof this.items)[number]>();
    for (const item of this.items) if (!heads.has(item.chatId)) heads.set(item.chatId, item);
    const due = [...heads.values()]
      .filter((i) => i.nextAttemptAt.getTime() <= now.getTime() && i.leaseUntil <= now.getTime())
      .slice(0, limit);
    for (const i of due) i.leaseUntil = now.getTime() + leaseMs;
    return due.map((i) => ({ ...i }));
  }

  async completeOutbox(id: number): Promise<void> {
    this.items = this.items.filter((i) => i.id !== id);
  }

  async retryOutbox(id: number, nextAttemptAt: Date, error: string): Promise<void> {
    const item = this.items.find((i) => i.id === id)!;
    Object.assign(item, { nextAttemptAt, lastError: error, leaseUntil: 0, attempts: item.attempts + 1 });
  }
}

const log = pino({ level: 'silent' });

function worker(lanes: Lanes, deliver: (item: OutboxItem) => Promise<void>) {
  return new OutboxWorker({ store: lanes as unknown as Store, deliver, log, sweepMs: 20, baseDelayMs: 5, maxDelayMs: 50 });
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

describe('OutboxWorker', () => {
  it('delivers each lane in order while failures are retried, lanes in parallel', async () => {
    const lanes = new Lanes();
    const seen: string[] = [];
    let failuresLeft = 3;
    const w = worker(lanes, async (item) => {
      const text = (item.payload as { text: string }).text;
      if (text === 'a2' && failuresLeft-- > 0) throw Object.assign(new Error('busy'), { status: 503 });
      seen.push(text);
    });
    w.start();
    for (const text of ['a1', 'a2', 'a3']) await w.enqueue('a', 'msg', { text } as Json);
    for (const text of ['b1', 'b2']) await w.enqueue('b', 'msg', { text } as Json);
    await until(() => seen.length === 5);
    await w.stop();
    expect(seen.filter((t) => t.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(seen.filter((t) => t.startsWith('b'))).toEqual(['b1', 'b2']);
    // b did not wait for a's retries
    expect(seen.indexOf('b2')).toBeLessThan(seen.indexOf('a2'));
    expect(lanes.items).toEqual([]);
  });

  it("drops a permanent refusal so the lane moves on, and honours an error's Retry-After", async () => {
    const lanes = new Lanes();
    const seen: string[] = [];
    let throttled = false;
    const w = worker(lanes, async (item) => {
      const text = (item.payload as { text: string }).text;
      if (text === 'gone') throw Object.assign(new Error('no such room'), { status: 404 });
      if (text === 'slow' && !throttled) {
        throttled = true;
        throw Object.assign(new Error('slow down'), { status: 429, retryAfterMs: 30 });
      }
      seen.push(text);
    });
    w.start();
    for (const text of ['gone', 'slow', 'after']) await w.enqueue('x', 'msg', { text } as Json);
    await until(() => seen.length === 2);
    await w.stop();
    expect(seen).toEqual(['slow', 'after']);
  });

  it('classifies refusals', () => {
    expect(isPermanentFailure({ status: 400 })).toBe(true);
    expect(isPermanentFailure({ status: 404 })).toBe(true);
    for (const status of [401, 408, 409, 423, 429, 500, 503, 0]) expect(isPermanentFailure({ status })).toBe(false);
    expect(isPermanentFailure(new Error('network'))).toBe(false);
  });
});
