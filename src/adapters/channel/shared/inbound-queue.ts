// The store-first half of every messenger's inbound side: a verified webhook notification is
// stored (InboundStore) before it is answered 200, and this worker hands the stored items to the
// adapter's processing, a room's items one at a time in the messenger's `created` order, with
// retries and backoff, across restarts and instances (an expired lease lets another take it).
import type { Logger } from 'pino';
import { ChannelError, type InboundItem, type InboundStore, type NewInboundItem } from '../../../ports.js';

export interface InboundQueueTuning {
  /** How long a claimed item stays invisible to other instances (renewed while it is being
   *  processed; after a crash another instance takes it this long after the last renewal). */
  leaseMs?: number;
  /** Look for due retries and for items stored by other instances this often. */
  sweepMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Rooms processed at once. */
  concurrency?: number;
}

export interface InboundQueueOptions extends InboundQueueTuning {
  store: InboundStore;
  messenger: string;
  logger: Logger;
  /** What the failure log says about an error besides its message (status, trackingId…). */
  details?: (error: unknown) => Record<string, unknown>;
}

export type ProcessInbound = (item: InboundItem) => Promise<void>;

export class InboundQueue {
  private process: ProcessInbound | null = null;
  private timer: NodeJS.Timeout | null = null;
  private pumping: Promise<void> | null = null;
  private again = false;
  private paused = 0;

  constructor(private readonly options: InboundQueueOptions) {}

  get store(): InboundStore {
    return this.options.store;
  }

  /** Stores the item (a repeat is a no-op); throws when the database does not answer. */
  async accept(item: NewInboundItem): Promise<boolean> {
    const stored = await this.options.store.enqueueInbound(item);
    if (stored) this.nudge();
    return stored;
  }

  /** Starts handing items over (the channel is ready); items stored earlier go first. */
  start(process: ProcessInbound): void {
    this.process = process;
    this.timer = setInterval(() => this.nudge(), this.options.sweepMs ?? 1_000);
    this.timer.unref();
    this.nudge();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.process = null;
    await this.pumping;
  }

  /** Resolves when no pass is running (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  /**
   * Holds the hand-over (items are still stored) until `resume`: while a catch-up lists what no
   * webhook brought, newer items must wait, or they would overtake the older ones it finds.
   */
  pause(): void {
    this.paused++;
  }

  resume(): void {
    this.paused = Math.max(0, this.paused - 1);
    this.nudge();
  }

  nudge(): void {
    if (!this.process || this.paused > 0) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.again) {
        this.again = false;
        this.nudge();
      }
    });
  }

  /** Claims and processes room heads until none is due. */
  private async pump(): Promise<void> {
    const { store, logger, messenger } = this.options;
    for (;;) {
      const process = this.process;
      if (!process || this.paused > 0) return;
      let items: InboundItem[];
      try {
        items = await store.claimInbound(new Date(), this.options.concurrency ?? 8, this.leaseMs);
      } catch (error) {
        logger.warn({ err: (error as Error).message }, `${messenger} inbound queue: the database did not answer; trying again`);
        return;
      }
      if (items.length === 0) return;
      await Promise.all(items.map((item) => this.attempt(process, item)));
    }
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? 6_000;
  }

  private async attempt(process: ProcessInbound, item: InboundItem): Promise<void> {
    const { store } = this.options;
    const renew = setInterval(() => void store.renewInbound(item.id, this.leaseMs).catch(() => undefined), this.leaseMs / 3);
    try {
      await this.processOne(process, item);
    } finally {
      clearInterval(renew);
    }
  }

  private async processOne(process: ProcessInbound, item: InboundItem): Promise<void> {
    const { store, logger, messenger } = this.options;
    try {
      await process(item);
      await store.completeInbound(item.id);
    } catch (error) {
      const details = { key: item.key, attempts: item.attempts + 1, err: (error as Error).message, ...this.options.details?.(error) };
      if (error instanceof ChannelError && !error.retryable) {
        logger.error(details, `${messenger} inbound item refused for good; skipped`);
        await store.completeInbound(item.id).catch(() => undefined);
        return;
      }
      logger.warn(details, `${messenger} inbound item failed; will retry`);
      const base = this.options.baseDelayMs ?? 500;
      const delay = Math.min(this.options.maxDelayMs ?? 60_000, base * 2 ** Math.min(item.attempts, 16));
      const wait = error instanceof ChannelError && error.retryAfterMs ? Math.max(delay, error.retryAfterMs) : delay;
      // If even this fails (database away), the lease runs out and the item is claimed again.
      await store.retryInbound(item.id, new Date(Date.now() + wait), String((error as Error).message)).catch(() => undefined);
    }
  }
}
