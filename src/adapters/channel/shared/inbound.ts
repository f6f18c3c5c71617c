// What every messenger does with a webhook delivery before its own code sees it: the signature
// check first (on the raw bytes), then a quick in-memory "seen already?" (redeliveries and the
// twin events messengers send), then the work queued per room so that one room's deliveries are
// handed over in arrival order while rooms proceed in parallel. The durable check
// (Store.markProcessed) is asked by the adapter once it knows the delivery is for us.
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import type { WebhookResult } from '../../../ports.js';
import { KeyedQueue } from './keyed-queue.js';

export type Headers = Record<string, string | string[] | undefined>;

export interface InboundOptions {
  /** `webex`, `slack`: names the failure log. */
  messenger: string;
  logger: Logger;
  /** The signature check: null when the delivery is authentic, else the refusal to answer. */
  verify(rawBody: Buffer, headers: Headers): WebhookResult | null;
  /** Durable "first time seen?" (Store.markProcessed); without it the memory alone decides. */
  dedupe?: (key: string) => Promise<boolean>;
  /** What the failure log says about an error besides its message (status, trackingId…). */
  details?: (error: unknown) => Record<string, unknown>;
}

/** The first header value. */
export function headerValue(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

export class InboundPipeline {
  private readonly seen = new LRUCache<string, true>({ max: 10_000, ttl: 60 * 60 * 1000 });
  private readonly rooms = new KeyedQueue();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: InboundOptions) {}

  /** Verifies the delivery, then lets `handle` route it. */
  async receive(
    rawBody: Buffer,
    headers: Headers,
    handle: (rawBody: Buffer, headers: Headers) => WebhookResult | Promise<WebhookResult>,
  ): Promise<WebhookResult> {
    return this.options.verify(rawBody, headers) ?? handle(rawBody, headers);
  }

  /** True the first time this process sees `key` (within the last hour and 10,000 keys). */
  firstSeen(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.set(key, true);
    return true;
  }

  /** A delivery that could not be read is forgotten, so that a redelivery is tried again. */
  forget(key: string): void {
    this.seen.delete(key);
  }

  /** The durable check, for deliveries known to be ours. */
  async firstTime(key: string): Promise<boolean> {
    return this.options.dedupe ? this.options.dedupe(key) : true;
  }

  /** Queues `work` behind the room's earlier deliveries; failures are logged, not thrown. */
  enqueue(key: string, room: string | undefined, work: () => Promise<void>): void {
    const run = this.rooms
      .run(room ?? key, work)
      .catch((error: unknown) => {
        const details = this.options.details?.(error) ?? {};
        this.options.logger.error(
          { key, err: (error as Error).message, ...details },
          `${this.options.messenger} webhook delivery failed`,
        );
      })
      .finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** Resolves when every accepted delivery has been processed (tests, shutdown). */
  async whenIdle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
