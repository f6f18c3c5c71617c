// Fault knobs for tests, all off by default: latency, 429s, 5xxs, dropped, duplicated and failed
// deliveries, webhooks switched off after failures, failing or held message fetches.
import { z } from 'zod';

interface KnobSnapshot {
  latencyMs: number;
  fail429: { remaining: number; retryAfterSeconds: number };
  fail5xx: { remaining: number; status: number };
  dropDeliveries: number;
  duplicateDeliveries: number;
  /** The next `count` delivery attempts fail as if the target had answered 500. */
  failDeliveries: number;
  /** Consecutive failed deliveries after which a webhook is set `inactive`, as Webex does (0: never). */
  deactivateWebhookAfter: number;
  /** Share of `GET /messages/{id}` answered 503 (0 to 1). */
  messageGetFailureRate: number;
  /** Hold every `GET /messages/{id}` until released; `heldMessageGets` counts those waiting. */
  holdMessageGets: boolean;
  heldMessageGets: number;
  /** Webhooks switched off so far (by `deactivateWebhookAfter`). */
  deactivations: number;
}

export interface SandboxKnobs {
  /** Delay every REST call by this many milliseconds (0 = off). */
  latencyMs(ms: number): void;
  /** The next `count` REST calls answer 429 with `Retry-After: retryAfterSeconds`. */
  fail429(count: number, retryAfterSeconds?: number): void;
  /** The next `count` REST calls answer `status` (default 503). */
  fail5xx(count: number, status?: number): void;
  /** The next `count` webhook deliveries are silently lost. */
  dropDeliveries(count: number): void;
  /** The next `count` webhook deliveries are sent twice (same body, same ids). */
  duplicateDeliveries(count: number): void;
  /** The next `count` delivery attempts fail as if the target had answered 500. */
  failDeliveries(count: number): void;
  /** A webhook is set `inactive` after this many consecutive failed deliveries (0: never). */
  deactivateWebhookAfter(count: number): void;
  /** This share of `GET /messages/{id}` answers 503. */
  messageGetFailureRate(rate: number): void;
  /** Holds `GET /messages/{id}` until `holdMessageGets(false)` releases them. */
  holdMessageGets(hold: boolean): void;
  reset(): void;
  snapshot(): KnobSnapshot;
}

/** The part the delivery engine consumes. */
export interface DeliveryKnobs {
  takeDrop(): boolean;
  takeDuplicate(): boolean;
  takeDeliveryFailure(): boolean;
  deactivateAfter(): number;
  noteDeactivation(): void;
}

type RestFault =
  | { kind: '429'; retryAfterSeconds: number }
  | { kind: '5xx'; status: number }
  | null;

const count = z.number().int().min(0).max(1_000_000);

export const knobsBody = z
  .object({
    reset: z.boolean().optional(),
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    fail429: z
      .object({ count, retryAfterSeconds: z.number().int().min(0).max(3600).optional() })
      .optional(),
    fail5xx: z.object({ count, status: z.number().int().min(500).max(599).optional() }).optional(),
    dropDeliveries: count.optional(),
    duplicateDeliveries: count.optional(),
    failDeliveries: count.optional(),
    deactivateWebhookAfter: count.optional(),
    messageGetFailureRate: z.number().min(0).max(1).optional(),
    holdMessageGets: z.boolean().optional(),
  })
  .strict();

export class Knobs implements SandboxKnobs, DeliveryKnobs {
  private s: KnobSnapshot = Knobs.off();

  private static off(): KnobSnapshot {
    return {
      latencyMs: 0,
      fail429: { remaining: 0, retryAfterSeconds: 1 },
      fail5xx: { remaining: 0, status: 503 },
      dropDeliveries: 0,
      duplicateDeliveries: 0,
      failDeliveries: 0,
      deactivateWebhookAfter: 0,
      messageGetFailureRate: 0,
      holdMessageGets: false,
      heldMessageGets: 0,
      deactivations: 0,
    };
  }

  private held: (() => void)[] = [];

  latencyMs(ms: number): void {
    this.s.latencyMs = Math.max(0, ms);
  }
  fail429(n: number, retryAfterSeconds = 1): void {
    this.s.fail429 = { remaining: Math.max(0, n), retryAfterSeconds };
  }
  fail5xx(n: number, status = 503): void {
    this.s.fail5xx = { remaining: Math.max(0, n), status };
  }
  dropDeliveries(n: number): void {
    this.s.dropDeliveries = Math.max(0, n);
  }
  duplicateDeliveries(n: number): void {
    this.s.duplicateDeliveries = Math.max(0, n);
  }
  failDeliveries(n: number): void {
    this.s.failDeliveries = Math.max(0, n);
  }
  deactivateWebhookAfter(n: number): void {
    this.s.deactivateWebhookAfter = Math.max(0, n);
  }
  messageGetFailureRate(rate: number): void {
    this.s.messageGetFailureRate = Math.min(1, Math.max(0, rate));
  }
  holdMessageGets(hold: boolean): void {
    this.s.holdMessageGets = hold;
    if (hold) return;
    const waiting = this.held.splice(0);
    this.s.heldMessageGets = 0;
    for (const release of waiting) release();
  }
  reset(): void {
    this.holdMessageGets(false);
    this.s = Knobs.off();
  }
  snapshot(): KnobSnapshot {
    return structuredClone(this.s);
  }

  apply(body: z.infer<typeof knobsBody>): void {
    if (body.reset) this.reset();
    if (body.latencyMs !== undefined) this.latencyMs(body.latencyMs);
    if (body.fail429) this.fail429(body.fail429.count, body.fail429.retryAfterSeconds);
    if (body.fail5xx) this.fail5xx(body.fail5xx.count, body.fail5xx.status);
    if (body.dropDeliveries !== undefined) this.dropDeliveries(body.dropDeliveries);
    if (body.duplicateDeliveries !== undefined) this.duplicateDeliveries(body.duplicateDeliveries);
    if (body.failDeliveries !== undefined) this.failDeliveries(body.failDeliveries);
    if (body.deactivateWebhookAfter !== undefined) this.deactivateWebhookAfter(body.deactivateWebhookAfter);
    if (body.messageGetFailureRate !== undefined) this.messageGetFailureRate(body.messageGetFailureRate);
    if (body.holdMessageGets !== undefined) this.holdMessageGets(body.holdMessageGets);
  }

  /** For `GET /messages/{id}`: waits while held, then says whether this one fails. */
  async beforeMessageGet(): Promise<boolean> {
    if (this.s.holdMessageGets) {
      this.s.heldMessageGets++;
      await new Promise<void>((resolve) => this.held.push(resolve));
    }
    return Math.random() < this.s.messageGetFailureRate;
  }

  currentLatency(): number {
    return this.s.latencyMs;
  }

  /** Consumes one REST fault if one is armed; 429s come first. */
  takeRestFault(): RestFault {
    if (this.s.fail429.remaining > 0) {
      this.s.fail429.remaining--;
      return { kind: '429', retryAfterSeconds: this.s.fail429.retryAfterSeconds };
    }
    if (this.s.fail5xx.remaining > 0) {
      this.s.fail5xx.remaining--;
      return { kind: '5xx', status: this.s.fail5xx.status };
    }
    return null;
  }

  takeDrop(): boolean {
    if (this.s.dropDeliveries <= 0) return false;
    this.s.dropDeliveries--;
    return true;
  }

  takeDeliveryFailure(): boolean {
    if (this.s.failDeliveries <= 0) return false;
    this.s.failDeliveries--;
    return true;
  }

  deactivateAfter(): number {
    return this.s.deactivateWebhookAfter;
  }

  noteDeactivation(): void {
    this.s.deactivations++;
  }

  takeDuplicate(): boolean {
    if (this.s.duplicateDeliveries <= 0) return false;
    this.s.duplicateDeliveries--;
    return true;
  }
}
