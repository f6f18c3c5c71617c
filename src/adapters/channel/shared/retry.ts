// The one retry policy of every messenger client: a timeout per attempt, retries on "try again"
// answers (429, 5xx, no answer) with exponential backoff and full jitter, Retry-After honoured
// up to a bound. A longer Retry-After fails the call at once: the outbox tries again later
// rather than holding a room's queue.
import type { Logger } from 'pino';

export interface RetryPolicy {
  /** Per attempt. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  /** Cap of the exponential backoff. */
  maxDelayMs: number;
  /** The longest Retry-After waited out here. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  timeoutMs: 15_000,
  maxRetries: 5,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

export type Sleep = (ms: number) => Promise<void>;

export const defaultSleep: Sleep = (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One attempt's outcome: a value, or a failure that may be worth another attempt. */
export type Attempt<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      error: Error;
      /** Worth another attempt now (429, 5xx, no answer). */
      retryNow: boolean;
      /** The messenger's Retry-After, when it sent one. */
      retryAfterMs: number | null;
      /** What the warning log says about this failure (status, code…). */
      details: Record<string, unknown>;
    };

export interface RetryContext {
  policy: RetryPolicy;
  sleep: Sleep;
  logger?: Logger;
  /** Names the call in the warning logs (`webex GET /people/me`). */
  label: string;
}

/** Exponential backoff with full jitter, capped: within [ceiling/2, ceiling]. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** A Retry-After header (seconds or an HTTP date) in milliseconds; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** Runs `attempt` until it succeeds or the policy says stop; the last failure is thrown. */
export async function withRetries<T>(context: RetryContext, attempt: (n: number) => Promise<Attempt<T>>): Promise<T> {
  const { policy } = context;
  for (let n = 0; ; n++) {
    const outcome = await attempt(n);
    if (outcome.ok) return outcome.value;
    const { retryAfterMs } = outcome;
    const mayWait = retryAfterMs === null || retryAfterMs <= policy.maxRetryAfterMs;
    if (!outcome.retryNow || n >= policy.maxRetries || !mayWait) throw outcome.error;
    const delay = retryAfterMs ?? backoffDelay(policy, n);
    context.logger?.warn({ call: context.label, attempt: n, delay, ...outcome.details }, `${context.label} failed, retrying`);
    await context.sleep(delay);
  }
}

/** Answers worth another attempt at once: none at all (0), 429 and 5xx. */
export function retryNowStatus(status: number): boolean {
  return status === 0 || status === 429 || status >= 500;
}

/** Answers worth trying again later (a ChannelError's `retryable`, which the outbox follows):
 *  those above, and 401 (a token being renewed), 408, 409 and 423 (transient conflicts). */
export function retryableStatus(status: number): boolean {
  return retryNowStatus(status) || [401, 408, 409, 423].includes(status);
}
