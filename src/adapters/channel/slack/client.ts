// The one way this product talks to the Slack Web API: every call goes through
// `SlackClient.call`, with the shared retry policy (timeout, retries on 429 honouring
// Retry-After and on 5xx, network errors and Slack's "try again" codes with backoff) and typed
// errors carrying Slack's error code.
// Arguments are sent form-encoded (every Web API method accepts that; objects such as `blocks`
// go as JSON strings), the bot token in the Authorization header.
import type { Logger } from 'pino';
import { ChannelError } from '../../../ports.js';
import { KeyedQueue } from '../shared/keyed-queue.js';
import {
  DEFAULT_RETRY_POLICY,
  defaultSleep,
  parseRetryAfter,
  retryableStatus,
  retryNowStatus,
  withRetries,
  type Attempt,
  type RetryPolicy,
  type Sleep,
} from '../shared/retry.js';

export const SLACK_API_BASE = 'https://slack.com/api';

/** Slack's own "try again" codes, answered with HTTP 200 or 5xx. */
const TRY_AGAIN = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/** Refusals worth trying again later, as the outbox always did: a token being renewed, and
 *  conflicts that clear (a name taken, a member already there). */
const LATER = /^(not_authed|invalid_auth|token_revoked|token_expired|account_inactive|already_in_channel|name_taken)$/;

/** Whether a failed call is worth trying again (a ChannelError's `retryable`). */
export function retryableFailure(code: string, httpStatus: number): boolean {
  if (httpStatus !== 200 && httpStatus !== 0) return retryableStatus(httpStatus);
  return httpStatus === 0 || TRY_AGAIN.has(code) || LATER.test(code);
}

/** A failed call: Slack's `{ ok: false, error }`, an HTTP error, or no answer (httpStatus 0). */
export class SlackApiError extends ChannelError {
  override readonly name = 'SlackApiError';
  constructor(
    readonly method: string,
    /** Slack's error code (`channel_not_found`, `users_not_found`…), `http_<status>`, `timeout`. */
    readonly code: string,
    /** The HTTP status Slack answered with (0: none). */
    readonly httpStatus: number,
    readonly needed?: string,
    /** For a 429 whose Retry-After was too long to wait here: when to try again. */
    retryAfterMs?: number,
  ) {
    super(
      `Slack ${method} failed: ${code}` +
        (httpStatus && httpStatus !== 200 ? ` (HTTP ${httpStatus})` : '') +
        (needed ? ` (needs scope ${needed})` : ''),
      retryableFailure(code, httpStatus),
      retryAfterMs,
    );
  }
}

export function isSlackCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof SlackApiError && codes.includes(error.code);
}

export interface SlackClientOptions {
  baseUrl?: string;
  token: string;
  policy?: Partial<RetryPolicy>;
  logger?: Logger;
  sleep?: Sleep;
}

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

export class SlackClient {
  readonly baseUrl: string;
  private readonly policy: RetryPolicy;
  /** Posts to one channel go out one after another, in the order they were asked for. */
  private readonly channelQueue = new KeyedQueue();

  constructor(private readonly options: SlackClientOptions) {
    this.baseUrl = (options.baseUrl ?? SLACK_API_BASE).replace(/\/+$/, '');
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  }

  call<T extends object>(method: string, args: SlackArgs = {}): Promise<T & { ok: true }> {
    const context = {
      policy: this.policy,
      sleep: this.options.sleep ?? defaultSleep,
      logger: this.options.logger,
      label: `slack ${method}`,
    };
    return withRetries(context, () => this.attempt<T>(method, args));
  }

  private async attempt<T extends object>(method: string, args: SlackArgs): Promise<Attempt<T & { ok: true }>> {
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
      const code = (error as Error).name === 'TimeoutError' ? 'timeout' : 'network_error';
      const failure = new SlackApiError(method, code, 0);
      failure.cause = error;
      return { ok: false, error: failure, retryNow: true, retryAfterMs: null, details: { code } };
    }
    type Answer = { ok?: boolean; error?: string; needed?: string };
    const body = (await response.json().catch(() => null)) as Answer | null; // null: a proxy's error page
    if (response.ok && body?.ok === true) return { ok: true, value: body as T & { ok: true } };
    const code = body?.error ?? `http_${response.status}`;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return {
      ok: false,
      error: new SlackApiError(method, code, response.status, body?.needed, retryAfterMs ?? undefined),
      retryNow: retryNowStatus(response.status) || TRY_AGAIN.has(code),
      retryAfterMs,
      details: { status: response.status, code },
    };
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
      if (cursor && seen.has(cursor)) throw new ChannelError(`Slack ${method} pagination loops`, false);
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
}
