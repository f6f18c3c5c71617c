// The one way this product talks to the Slack Web API: every call goes through
// `SlackClient.call`, which owns the policy (timeout, retries on 429 honouring Retry-After and
// on 5xx/network errors with backoff, typed errors carrying Slack's error code).
// Arguments are sent form-encoded (every Web API method accepts that; objects such as `blocks`
// go as JSON strings), the bot token in the Authorization header.
import type { Logger } from 'pino';
import { KeyedQueue } from '../webex/keyed-queue.js';

export const SLACK_API_BASE = 'https://slack.com/api';

/** Slack answers most refusals with HTTP 200 and a code: the HTTP status each code means, so
 *  the product's policies (the outbox gives up on 4xx except 401/408/409/423/429) apply. */
const CODE_STATUS: [RegExp, number][] = [
  [/^ratelimited$/, 429],
  [/^(not_authed|invalid_auth|token_revoked|token_expired|account_inactive)$/, 401],
  [/^(missing_scope|not_allowed_token_type|restricted_action|access_denied|team_access_not_granted|ekm_access_denied)$/, 403],
  [/_not_found$|^not_in_channel$/, 404],
  [/^(already_in_channel|name_taken)$/, 409],
  [/^(internal_error|fatal_error|service_unavailable|request_timeout)$/, 503],
];

export function statusForCode(code: string, httpStatus: number): number {
  if (httpStatus !== 200) return httpStatus;
  return CODE_STATUS.find(([pattern]) => pattern.test(code))?.[1] ?? 400;
}

/** A failed call: Slack's `{ ok: false, error }`, an HTTP error, or no answer (status 0). */
export class SlackApiError extends Error {
  override readonly name = 'SlackApiError';
  /** The HTTP status the failure amounts to (see CODE_STATUS); 0 without an answer. */
  readonly status: number;
  constructor(
    readonly method: string,
    /** Slack's error code (`channel_not_found`, `users_not_found`…), `http_<status>`, `timeout`. */
    readonly code: string,
    /** The HTTP status Slack answered with (0: none). */
    readonly httpStatus: number,
    readonly needed?: string,
    /** For a 429 whose Retry-After was too long to wait here: when to try again. */
    readonly retryAfterMs?: number,
  ) {
    super(
      `Slack ${method} failed: ${code}` +
        (httpStatus && httpStatus !== 200 ? ` (HTTP ${httpStatus})` : '') +
        (needed ? ` (needs scope ${needed})` : ''),
    );
    this.status = httpStatus === 0 ? 0 : statusForCode(code, httpStatus);
  }
}

export interface SlackRetryPolicy {
  timeoutMs: number;
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer Retry-After fails the call at once (the outbox retries later). */
  maxRetryAfterMs: number;
}

export const DEFAULT_SLACK_POLICY: SlackRetryPolicy = {
  timeoutMs: 15_000,
  maxRetries: 5,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
};

export interface SlackClientOptions {
  baseUrl?: string;
  token: string;
  policy?: Partial<SlackRetryPolicy>;
  logger?: Logger;
  sleep?: (ms: number) => Promise<void>;
}

/** Slack's own "try again" codes, answered with HTTP 200 or 5xx. */
const RETRYABLE_CODES = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export type SlackArgs = Record<string, unknown>;

export interface SlackUser {
  id: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  profile?: { email?: string; display_name?: string; real_name?: string; first_name?: string };
}

export interface SlackPosted {
  channel: string;
  ts: string;
}

function encode(args: SlackArgs): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(args)) {
    if (value === undefined || value === null) continue;
    form.set(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return form;
}

function retryAfterMs(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

export class SlackClient {
  readonly baseUrl: string;
  private readonly policy: SlackRetryPolicy;
  /** Posts to one channel go out one after another, in the order they were asked for. */
  private readonly channelQueue = new KeyedQueue();

  constructor(private readonly options: SlackClientOptions) {
    this.baseUrl = (options.baseUrl ?? SLACK_API_BASE).replace(/\/+$/, '');
    this.policy = { ...DEFAULT_SLACK_POLICY, ...options.policy };
  }

  async call<T extends object>(method: string, args: SlackArgs = {}): Promise<T & { ok: true }> {
    const sleep = this.options.sleep ?? defaultSleep;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${this.baseUrl}/${method}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.options.token}`,
            'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
            accept: 'application/json',
          },
          body: encode(args),
          signal: AbortSignal.timeout(this.policy.timeoutMs),
        });
      } catch (error) {
        if (attempt < this.policy.maxRetries) {
          const delay = this.backoff(attempt);
          this.options.logger?.warn({ method, attempt, delay, err: (error as Error).message }, 'slack call failed, retrying');
          await sleep(delay);
          continue;
        }
        const failure = new SlackApiError(method, (error as Error).name === 'TimeoutError' ? 'timeout' : 'network_error', 0);
        failure.cause = error;
        throw failure;
      }

      type Answer = { ok?: boolean; error?: string; needed?: string };
      let body: Answer | null = null;
      try {
        body = (await response.json()) as Answer;
      } catch {
        body = null; // a proxy's error page
      }
      if (response.ok && body?.ok === true) return body as T & { ok: true };

      const code = body?.error ?? `http_${response.status}`;
      const retryable = response.status === 429 || response.status >= 500 || RETRYABLE_CODES.has(code);
      const wait = retryAfterMs(response.headers.get('retry-after'));
      if (retryable && attempt < this.policy.maxRetries && (wait === null || wait <= this.policy.maxRetryAfterMs)) {
        const delay = wait ?? this.backoff(attempt);
        this.options.logger?.warn({ method, status: response.status, code, attempt, delay }, 'slack call refused, retrying');
        await sleep(delay);
        continue;
      }
      throw new SlackApiError(method, code, response.status, body?.needed, wait ?? undefined);
    }
  }

  /** Follows `response_metadata.next_cursor` and concatenates `key` of every page. */
  async paginate<T>(method: string, key: string, args: SlackArgs = {}): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | undefined;
    const seen = new Set<string>();
    do {
      const page = await this.call<Record<string, unknown> & { response_metadata?: { next_cursor?: string } }>(method, {
        limit: 200,
        ...args,
        ...(cursor ? { cursor } : {}),
      });
      items.push(...((page[key] as T[] | undefined) ?? []));
      cursor = page.response_metadata?.next_cursor || undefined;
      if (cursor && seen.has(cursor)) throw new Error(`Slack ${method} pagination loops`);
      if (cursor) seen.add(cursor);
    } while (cursor);
    return items;
  }

  /** chat.postMessage behind every earlier post to that channel. */
  async postMessage(args: SlackArgs & { channel: string }): Promise<SlackPosted> {
    const [posted] = await this.postMessages(args.channel, [args]);
    return posted!;
  }

  /** Several messages to one channel back to back: nothing else posted to it comes between. */
  postMessages(channel: string, messages: SlackArgs[]): Promise<SlackPosted[]> {
    return this.channelQueue.run(channel, async () => {
      const posted: SlackPosted[] = [];
      for (const args of messages) {
        const answer = await this.call<{ channel: string; ts: string }>('chat.postMessage', { ...args, channel });
        posted.push({ channel: answer.channel, ts: answer.ts });
      }
      return posted;
    });
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** attempt);
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }
}
