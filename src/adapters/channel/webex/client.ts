// The one way this product talks to the Webex REST API: every call, for every identity, goes
// through `WebexClient.request`: the shared retry policy (timeout, retries on 429/5xx/network
// errors honouring Retry-After), a token renewal on 401, typed errors with Webex's trackingId,
// Link-header pagination.
import { randomUUID } from 'node:crypto';
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
import type {
  NewWebexMessage,
  NewWebexWebhook,
  WebexAttachmentAction,
  WebexMembership,
  WebexMessage,
  WebexPerson,
  WebexRoom,
  WebexWebhook,
} from './resources.js';

export const WEBEX_API_BASE = 'https://webexapis.com/v1';

/** A failed Webex call, from Webex's error body `{ message, errors: [{ description }], trackingId }`;
 *  `status` 0 when Webex did not answer. A ChannelError: retryable or not, told by its status. */
export class WebexApiError extends ChannelError {
  override readonly name = 'WebexApiError';
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    readonly webexMessage: string | null,
    readonly errors: { description: string }[],
    readonly trackingId: string | null,
    retryAfterMs?: number,
  ) {
    super(
      `Webex ${method} ${path} failed with ${status === 0 ? 'a network error' : status}` +
        (webexMessage ? `: ${webexMessage}` : '') +
        (trackingId ? ` (trackingId ${trackingId})` : ''),
      retryableStatus(status),
      retryAfterMs,
    );
  }
}

export function isWebexStatus(error: unknown, ...statuses: number[]): boolean {
  return error instanceof WebexApiError && statuses.includes(error.status);
}

/** Supplies the access token; `refresh` is tried once when Webex answers 401. */
export interface TokenSource {
  token(): Promise<string>;
  /** Resolves true when a new token was obtained (the request is then retried once). */
  refresh?(): Promise<boolean>;
}

export type { RetryPolicy };

export interface WebexClientOptions {
  baseUrl?: string;
  token: string | TokenSource;
  policy?: Partial<RetryPolicy>;
  /** Shared between identities so that bot and relay posts to one room keep their order. */
  roomQueue?: KeyedQueue;
  logger?: Logger;
  /** Waits between retries; replaceable so unit tests need not sleep. */
  sleep?: Sleep;
}

export type Query = Record<string, string | number | boolean | undefined>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
}

// ---------------------------------------------------------------------------------------------

/** `<url>; rel="next"` from a Link header, or null. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;(.*)/.exec(part.trim());
    if (match && /rel="?next"?/.test(match[2] ?? '')) return match[1] ?? null;
  }
  return null;
}

export class WebexClient {
  readonly baseUrl: string;
  private readonly origin: string;
  private readonly tokens: TokenSource;
  private readonly policy: RetryPolicy;
  private readonly roomQueue: KeyedQueue;
  private readonly logger: Logger | undefined;
  private readonly sleep: Sleep;

  constructor(options: WebexClientOptions) {
    this.baseUrl = (options.baseUrl ?? WEBEX_API_BASE).replace(/\/+$/, '');
    this.origin = new URL(this.baseUrl).origin;
    const token = options.token;
    this.tokens = typeof token === 'string' ? { token: async () => token } : token;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
    this.roomQueue = options.roomQueue ?? new KeyedQueue();
    this.logger = options.logger;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** One Webex call with the whole policy; resolves the parsed JSON body (undefined for 204). */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const { data } = await this.send<T>(method, this.url(path, options.query), options.body);
    return data;
  }

  /** Follows `Link: <…>; rel="next"` until the last page; returns every item. */
  async listAll<T>(path: string, query?: Query): Promise<T[]> {
    const items: T[] = [];
    let url: string | null = this.url(path, query);
    const visited = new Set<string>();
    while (url) {
      const page: { data: { items?: T[] }; link: string | null } = await this.send<{ items?: T[] }>(
        'GET',
        url,
        undefined,
      );
      items.push(...(page.data?.items ?? []));
      visited.add(url);
      url = page.link ? this.sameOrigin(page.link) : null;
      if (url && visited.has(url)) throw new ChannelError(`Webex pagination loops back to ${new URL(url).pathname}`, false);
    }
    return items;
  }

  // --- people
  me(): Promise<WebexPerson> {
    return this.request('GET', '/people/me');
  }
  getPerson(id: string): Promise<WebexPerson> {
    return this.request('GET', `/people/${encodeURIComponent(id)}`);
  }
  async findPeopleByEmail(email: string): Promise<WebexPerson[]> {
    const page = await this.request<{ items: WebexPerson[] }>('GET', '/people', { query: { email } });
    return page.items ?? [];
  }

  // --- rooms
  createRoom(title: string): Promise<WebexRoom> {
    return this.request('POST', '/rooms', { body: { title } });
  }
  getRoom(id: string): Promise<WebexRoom> {
    return this.request('GET', `/rooms/${encodeURIComponent(id)}`);
  }
  updateRoom(id: string, changes: { title: string; isLocked?: boolean }): Promise<WebexRoom> {
    return this.request('PUT', `/rooms/${encodeURIComponent(id)}`, { body: changes });
  }
  deleteRoom(id: string): Promise<void> {
    return this.request('DELETE', `/rooms/${encodeURIComponent(id)}`);
  }

  // --- memberships
  createMembership(
    roomId: string,
    who: { personEmail: string } | { personId: string },
    isModerator?: boolean,
  ): Promise<WebexMembership> {
    return this.request('POST', '/memberships', {
      body: { roomId, ...who, ...(isModerator === undefined ? {} : { isModerator }) },
    });
  }
  listMemberships(query: { roomId?: string; personEmail?: string; personId?: string }): Promise<WebexMembership[]> {
    return this.listAll('/memberships', { max: 100, ...query });
  }
  deleteMembership(id: string): Promise<void> {
    return this.request('DELETE', `/memberships/${encodeURIComponent(id)}`);
  }

  // --- messages
  /** Posts to a room behind every earlier post to that room (per-room order). */
  async createMessage(message: NewWebexMessage): Promise<WebexMessage> {
    const [created] = await this.createMessages(message.roomId, [message]);
    return created as WebexMessage;
  }
  /** Posts several messages to one room back to back: nothing else posted to it comes between. */
  createMessages(roomId: string, messages: Omit<NewWebexMessage, 'roomId'>[]): Promise<WebexMessage[]> {
    return this.roomQueue.run(roomId, async () => {
      const created: WebexMessage[] = [];
      for (const message of messages) {
        created.push(await this.request<WebexMessage>('POST', '/messages', { body: { ...message, roomId } }));
      }
      return created;
    });
  }
  getMessage(id: string): Promise<WebexMessage> {
    return this.request('GET', `/messages/${encodeURIComponent(id)}`);
  }
  listMessages(query: {
    roomId: string;
    max?: number;
    parentId?: string;
    mentionedPeople?: string;
    before?: string;
    beforeMessage?: string;
  }): Promise<WebexMessage[]> {
    return this.listAll('/messages', query);
  }
  /** One page of a room's messages, newest first (the reconciliation pages by `beforeMessage`). */
  async listMessagesPage(query: { roomId: string; max: number; beforeMessage?: string }): Promise<WebexMessage[]> {
    return (await this.request<{ items?: WebexMessage[] }>('GET', '/messages', { query })).items ?? [];
  }
  deleteMessage(id: string): Promise<void> {
    return this.request('DELETE', `/messages/${encodeURIComponent(id)}`);
  }

  // --- webhooks
  listWebhooks(): Promise<WebexWebhook[]> {
    return this.listAll('/webhooks', { max: 100 });
  }
  createWebhook(webhook: NewWebexWebhook): Promise<WebexWebhook> {
    return this.request('POST', '/webhooks', { body: webhook });
  }
  /** Webex's PUT takes `status: active` only (to reactivate); it refuses any other status. */
  updateWebhook(
    id: string,
    changes: { name: string; targetUrl: string; secret?: string; status?: 'active' },
  ): Promise<WebexWebhook> {
    return this.request('PUT', `/webhooks/${encodeURIComponent(id)}`, { body: changes });
  }
  deleteWebhook(id: string): Promise<void> {
    return this.request('DELETE', `/webhooks/${encodeURIComponent(id)}`);
  }

  // --- attachment actions (card submissions)
  getAttachmentAction(id: string): Promise<WebexAttachmentAction> {
    return this.request('GET', `/attachment/actions/${encodeURIComponent(id)}`);
  }
  createAttachmentAction(messageId: string, inputs: Record<string, unknown>): Promise<WebexAttachmentAction> {
    return this.request('POST', '/attachment/actions', { body: { type: 'submit', messageId, inputs } });
  }

  // ---------------------------------------------------------------------------------------------

  private url(path: string, query?: Query): string {
    const url = new URL(this.baseUrl + (path.startsWith('/') ? path : `/${path}`));
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  /** A Link header must not send our token to another host. */
  private sameOrigin(link: string): string {
    const url = new URL(link, this.baseUrl);
    if (url.origin !== this.origin) {
      throw new ChannelError(`Webex pagination link points to another origin (${url.origin}); refusing to follow it`, false);
    }
    return url.toString();
  }

  private send<T>(method: string, url: string, body: unknown): Promise<{ data: T; link: string | null }> {
    const path = new URL(url).pathname;
    const context = { policy: this.policy, sleep: this.sleep, logger: this.logger, label: `webex ${method} ${path}` };
    return withRetries(context, () => this.attempt<T>(method, url, path, body));
  }

  /** One attempt (and one more with a renewed token when Webex answers 401). */
  private async attempt<T>(method: string, url: string, path: string, body: unknown): Promise<Attempt<{ data: T; link: string | null }>> {
    let response = await this.answer(method, url, path, body);
    if (!(response instanceof Response)) return response;
    if (response.status === 401 && this.tokens.refresh && (await this.tokens.refresh())) {
      await response.body?.cancel();
      response = await this.answer(method, url, path, body);
      if (!(response instanceof Response)) return response;
    }
    if (response.ok) {
      const text = await response.text();
      const data = (text.length > 0 ? JSON.parse(text) : undefined) as T;
      return { ok: true, value: { data, link: nextLink(response.headers.get('link')) } };
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    const error = await toApiError(response, method, path, retryAfterMs);
    return { ok: false, error, retryNow: retryNowStatus(response.status), retryAfterMs, details: { status: response.status } };
  }

  /** Webex's answer, or the failed attempt when there was none (network error, timeout). */
  private async answer(method: string, url: string, path: string, body: unknown): Promise<Response | Attempt<never>> {
    try {
      return await this.fetchOnce(method, url, body);
    } catch (error) {
      const failure = new WebexApiError(0, method, path, (error as Error).message, [], null);
      failure.cause = error;
      return { ok: false, error: failure, retryNow: true, retryAfterMs: null, details: { err: (error as Error).message } };
    }
  }

  private async fetchOnce(method: string, url: string, body: unknown): Promise<Response> {
    return fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${await this.tokens.token()}`,
        accept: 'application/json',
        trackingid: `webex-live-chat_${randomUUID()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.policy.timeoutMs),
    });
  }
}

async function toApiError(
  response: Response,
  method: string,
  path: string,
  retryAfterMs: number | null,
): Promise<WebexApiError> {
  let message: string | null = null;
  let errors: { description: string }[] = [];
  let trackingId = response.headers.get('trackingid');
  try {
    const body = (await response.json()) as {
      message?: unknown;
      errors?: unknown;
      trackingId?: unknown;
    };
    if (typeof body.message === 'string') message = body.message;
    if (Array.isArray(body.errors)) {
      errors = body.errors
        .map((e) => ({ description: typeof e?.description === 'string' ? e.description : String(e?.description ?? '') }))
        .filter((e) => e.description.length > 0);
    }
    if (typeof body.trackingId === 'string') trackingId = body.trackingId;
  } catch {
    // Not JSON (a proxy's error page): keep the status.
  }
  return new WebexApiError(response.status, method, path, message, errors, trackingId, retryAfterMs ?? undefined);
}
