// The outbox worker: every delivery to the agent channel is stored first (Store.enqueueOutbox),
// then leased and attempted here. Items of one lane (a chat) go strictly in order because the
// Store leases only a lane's oldest undelivered item; different lanes run in parallel. Failures
// are retried with backoff until they succeed, across restarts; refusals that can never succeed
// (a ChannelError that is not retryable, a PermanentDeliveryError) are dropped with an error log
// so the lane moves on.
import type { Logger } from '../logger.js';
import type { ChatMessage, ChatState } from '../domain/types.js';
import {
  ChannelError,
  type AppendGuard,
  type AppendedWithOutbox,
  type Clock,
  type Json,
  type MessageStore,
  type NewMessage,
  type NewOutboxItem,
  type OutboxItem,
  type OutboxStore,
} from '../ports.js';

export type Deliver = (item: OutboxItem) => Promise<void>;

/**
 * Overlapping claim queries per worker. The Store leases only each lane's oldest item (and skips
 * leased rows), so overlapping claims never break a lane's order.
 */
const MAX_CLAIMERS = 2;

export interface OutboxOptions {
  store: OutboxStore & Pick<MessageStore, 'appendMessageWithOutbox'>;
  log: Logger;
  clock?: Clock;
  /** Deliveries attempted at once (different lanes). */
  concurrency?: number;
  /** How long a leased item stays invisible to other instances; longer than any attempt. */
  leaseMs?: number;
  /** Periodic look for due retries and for items enqueued by other instances. */
  sweepMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/** A delivery that can never succeed on our side (an unknown kind, its chat gone). */
export class PermanentDeliveryError extends Error {
  override readonly name = 'PermanentDeliveryError';
}

/** Dropped rather than retried: our own refusal, or the messenger's that is not worth repeating. */
export function isPermanentFailure(error: unknown): boolean {
  if (error instanceof PermanentDeliveryError) return true;
  return error instanceof ChannelError && !error.retryable;
}

export class OutboxWorker {
  private readonly store: OutboxOptions['store'];
  private deliver: Deliver | null = null;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly sweepMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly inflight = new Map<number, Promise<void>>();
  /** Slots held for items an `appendThenDeliver` may bring back already leased. */
  private reserved = 0;
  /** `appendThenDeliver` calls under way (stop waits for them: they may start an attempt). */
  private readonly appending = new Set<Promise<unknown>>();
  private running = false;
  /** Claim queries in progress; two may overlap so a new item need not wait for a slow one. */
  private claimers = 0;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(options: OutboxOptions) {
    this.store = options.store;
    this.log = options.log;
    this.clock = options.clock ?? { now: () => new Date() };
    this.concurrency = options.concurrency ?? 64;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.sweepMs = options.sweepMs ?? 1_000;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
  }

  /** Stores the delivery, then wakes the worker. */
  async enqueue(lane: string, kind: string, payload: Json): Promise<OutboxItem> {
    const item: NewOutboxItem = { chatId: lane, kind, payload };
    const stored = await this.store.enqueueOutbox(item);
    this.wake();
    return stored;
  }

  /**
   * Appends a message and, when it is new, stores its delivery in the same lane, in one round
   * trip. When the delivery heads its lane the Store leases it to this worker right away, and it
   * is attempted at once without a claim (a crash leaves the lease to run out, then any worker
   * claims it). A duplicate message enqueues nothing. `guard`: see Store.appendMessageWithOutbox;
   * `state` is the chat's when the Store reports it.
   */
  appendThenDeliver(
    message: NewMessage,
    kind: string,
    payload: Json,
    guard?: AppendGuard,
  ): Promise<{ message: ChatMessage; created: boolean; state?: ChatState | undefined }> {
    const work = this.appendWithDelivery(message, kind, payload, guard);
    this.appending.add(work);
    return work.finally(() => this.appending.delete(work));
  }

  private async appendWithDelivery(
    message: NewMessage,
    kind: string,
    payload: Json,
    guard?: AppendGuard,
  ): Promise<{ message: ChatMessage; created: boolean; state?: ChatState | undefined }> {
    // Ask for the lease only with a free slot: a leased item must not wait here for one.
    const lease = this.running && this.inflight.size + this.reserved < this.concurrency;
    if (lease) this.reserved++;
    let appended: AppendedWithOutbox;
    try {
      appended = await this.store.appendMessageWithOutbox(message, { kind, payload }, lease ? { leaseMs: this.leaseMs } : undefined, guard);
    } finally {
      if (lease) this.reserved--;
    }
    if (appended.item && appended.leased) this.launch(appended.item);
    else if (appended.created) this.wake();
    return { message: appended.message, created: appended.created, state: appended.state };
  }

  /** Starts attempting deliveries with `deliver` (the agent channel exists by now). */
  start(deliver: Deliver): void {
    if (this.running) return;
    this.deliver = deliver;
    this.running = true;
    this.schedule();
    this.wake();
  }

  /** Stops leasing; waits for deliveries in flight (their leases would otherwise delay others). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.appending]);
    await Promise.allSettled([...this.inflight.values()]);
  }

  wake(): void {
    if (!this.running) return;
    if (this.claimers >= MAX_CLAIMERS) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.wake();
      this.schedule();
    }, this.sweepMs);
    this.timer.unref();
  }

  private async pump(): Promise<void> {
    this.claimers++;
    try {
      do {
        this.again = false;
        const room = this.concurrency - this.inflight.size - this.reserved;
        if (room <= 0 || !this.running) break;
        let items: OutboxItem[];
        try {
          items = await this.store.claimOutbox(this.clock.now(), room, this.leaseMs);
        } catch (error) {
          this.log.error({ err: error }, 'outbox: claiming failed');
          break;
        }
        for (const item of items) this.launch(item);
        if (items.length === room) this.again = true;
      } while (this.again && this.running);
    } finally {
      this.claimers--;
    }
  }

  /** Attempts a leased item; its slot frees (and the lane's next item is looked for) after. */
  private launch(item: OutboxItem): void {
    const run = this.attempt(item).finally(() => {
      this.inflight.delete(item.id);
      this.wake();
    });
    this.inflight.set(item.id, run);
  }

  private async attempt(item: OutboxItem): Promise<void> {
    try {
      await this.deliver!(item);
    } catch (error) {
      if (isPermanentFailure(error)) {
        this.log.error({ err: error, lane: item.chatId, kind: item.kind, id: item.id }, 'outbox: delivery refused, dropped');
      } else {
        const delay = this.delayFor(item.attempts, error);
        this.log.warn(
          { err: error, lane: item.chatId, kind: item.kind, id: item.id, attempts: item.attempts + 1, delay },
          'outbox: delivery failed, will retry',
        );
        try {
          await this.store.retryOutbox(item.id, new Date(this.clock.now().getTime() + delay), String((error as Error)?.message ?? error));
        } catch (storeError) {
          this.log.error({ err: storeError, id: item.id }, 'outbox: could not record the retry (the lease will expire)');
        }
        return;
      }
    }
    try {
      await this.store.completeOutbox(item.id);
    } catch (error) {
      this.log.error({ err: error, id: item.id }, 'outbox: could not mark delivered (may be delivered again)');
    }
  }

  /** Retry-After when the error carries one; else exponential backoff with jitter, capped. */
  private delayFor(attempts: number, error: unknown): number {
    const hinted = error instanceof ChannelError ? error.retryAfterMs : undefined;
    if (typeof hinted === 'number' && hinted >= 0) return Math.min(hinted, this.maxDelayMs);
    const ceiling = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(attempts, 20));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}
