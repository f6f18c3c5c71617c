// The outbox worker over an in-memory lane store: per-lane order, retries with the error's
// Retry-After, permanent refusals (a ChannelError that is not retryable, a PermanentDeliveryError)
// dropped so the lane moves on, and enqueue waking the worker; appendThenDeliver attempting a
// delivery the append leased without a claim, order kept.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/domain/types.js';
import { ChannelError, type AppendedWithOutbox, type Json, type LeaseIfHead, type NewMessage, type NewOutboxItem, type OutboxItem } from '../../../src/ports.js';
import { isPermanentFailure, OutboxWorker, PermanentDeliveryError, type OutboxOptions } from '../../../src/services/outbox.js';

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

/** Lanes plus messages: appendMessageWithOutbox with the Store's rules (once per clientId, leased when the lane is empty). */
class LanesWithMessages extends Lanes {
  messages: ChatMessage[] = [];
  claimed: number[] = [];

  async appendMessage(message: NewMessage): Promise<{ message: ChatMessage; created: boolean }> {
    const stored = this.messages.find((m) => m.chatId === message.chatId && message.clientId && m.clientId === message.clientId);
    if (stored) return { message: stored, created: false };
    const seq = this.messages.filter((m) => m.chatId === message.chatId).length + 1;
    const created: ChatMessage = {
      chatId: message.chatId,
      seq,
      from: message.from,
      text: message.text,
      authorName: null,
      clientId: message.clientId ?? null,
      externalId: null,
      data: null,
      at: new Date(),
    };
    this.messages.push(created);
    return { message: created, created: true };
  }

  override async claimOutbox(now: Date, limit: number, leaseMs: number): Promise<OutboxItem[]> {
    const items = await super.claimOutbox(now, limit, leaseMs);
    this.claimed.push(...items.map((i) => i.id));
    return items;
  }

  async appendMessageWithOutbox(message: NewMessage, item: Omit<NewOutboxItem, 'chatId'>, lease?: LeaseIfHead): Promise<AppendedWithOutbox> {
    const appended = await this.appendMessage(message);
    if (!appended.created) return { ...appended, item: null, leased: false };
    const head = !this.items.some((i) => i.chatId === message.chatId);
    const stored = await this.enqueueOutbox({ ...item, chatId: message.chatId });
    const leased = Boolean(lease) && head;
    if (leased) this.items.find((i) => i.id === stored.id)!.leaseUntil = Date.now() + lease!.leaseMs;
    return { ...appended, item: stored, leased };
  }
}

const log = pino({ level: 'silent' });

type Deliver = (item: OutboxItem) => Promise<void>;

/** A worker over the lanes that starts with the test's `deliver`. */
class TestWorker extends OutboxWorker {
  constructor(
    lanes: Lanes,
    private readonly deliverWith: Deliver,
  ) {
    super({ store: lanes as unknown as OutboxOptions['store'], log, sweepMs: 20, baseDelayMs: 5, maxDelayMs: 50 });
  }

  override start(deliver: Deliver = this.deliverWith): void {
    super.start(deliver);
  }
}

function worker(lanes: Lanes, deliver: Deliver): TestWorker {
  return new TestWorker(lanes, deliver);
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
      if (text === 'a2' && failuresLeft-- > 0) throw new ChannelError('busy', true);
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
      if (text === 'gone') throw new ChannelError('no such room', false);
      if (text === 'slow' && !throttled) {
        throttled = true;
        throw new ChannelError('slow down', true, 30);
      }
      seen.push(text);
    });
    w.start();
    for (const text of ['gone', 'slow', 'after']) await w.enqueue('x', 'msg', { text } as Json);
    await until(() => seen.length === 2);
    await w.stop();
    expect(seen).toEqual(['slow', 'after']);
  });

  describe('appendThenDeliver', () => {
    const visitor = (chatId: string, clientId: string): NewMessage => ({ chatId, from: 'visitor', text: clientId, clientId });

    it('attempts a delivery leased by the append at once, without a claim', async () => {
      const store = new LanesWithMessages();
      const seen: string[] = [];
      const w = worker(store as unknown as Lanes, async (item) => void seen.push((item.payload as { text: string }).text));
      w.start();
      const { message, created } = await w.appendThenDeliver(visitor('a', 'm1'), 'msg', { text: 'm1' });
      expect({ seq: message.seq, created }).toEqual({ seq: 1, created: true });
      await until(() => seen.length === 1);
      await w.stop();
      expect(store.claimed).toEqual([]);
      expect(store.items).toEqual([]);
    });

    it('keeps lane order: a delivery behind another waits for the claim after it', async () => {
      const store = new LanesWithMessages();
      const seen: string[] = [];
      let release: () => void = () => {};
      const first = new Promise<void>((r) => (release = r));
      const w = worker(store as unknown as Lanes, async (item) => {
        const text = (item.payload as { text: string }).text;
        if (text === 'card') await first;
        seen.push(text);
      });
      w.start();
      await w.enqueue('a', 'card', { text: 'card' });
      await until(() => store.claimed.length === 1);
      const second = await w.appendThenDeliver(visitor('a', 'm1'), 'msg', { text: 'm1' });
      expect(second.created).toBe(true);
      release();
      await until(() => seen.length === 2);
      await w.stop();
      expect(seen).toEqual(['card', 'm1']);
      expect(store.claimed).toHaveLength(2);
    });

    it('enqueues nothing for a repeated message', async () => {
      const store = new LanesWithMessages();
      const seen: string[] = [];
      const w = worker(store as unknown as Lanes, async (item) => void seen.push((item.payload as { text: string }).text));
      w.start();
      await w.appendThenDeliver(visitor('a', 'm1'), 'msg', { text: 'm1' });
      const again = await w.appendThenDeliver(visitor('a', 'm1'), 'msg', { text: 'm1' });
      expect(again.created).toBe(false);
      await until(() => seen.length === 1 && store.items.length === 0);
      await w.stop();
      expect(seen).toEqual(['m1']);
    });

    it('asks for no lease while stopped; the claim after start delivers', async () => {
      const store = new LanesWithMessages();
      const seen: string[] = [];
      const w = worker(store as unknown as Lanes, async (item) => void seen.push((item.payload as { text: string }).text));
      await w.appendThenDeliver(visitor('a', 'm1'), 'msg', { text: 'm1' });
      expect(store.items[0]!.leaseUntil).toBe(0);
      w.start();
      await until(() => seen.length === 1);
      await w.stop();
      expect(store.claimed).toHaveLength(1);
    });
  });

  it('classifies refusals', () => {
    expect(isPermanentFailure(new ChannelError('refused', false))).toBe(true);
    expect(isPermanentFailure(new PermanentDeliveryError('unknown outbox kind'))).toBe(true);
    expect(isPermanentFailure(new ChannelError('rate limited', true, 1_000))).toBe(false);
    // Fake HTTP statuses mean nothing any more; an unknown error is worth a retry.
    expect(isPermanentFailure(Object.assign(new Error('not found'), { status: 404 }))).toBe(false);
    expect(isPermanentFailure(new Error('network'))).toBe(false);
  });
});
