// HTTP client for the widget API. Every URL is built from the script's own origin: the widget
// never talks to any other host.
import type { ServerMessage, StartedChat, WidgetConfig, ChatState } from '../shared/types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export interface StartChatBody {
  topic: string;
  language?: string;
  name?: string;
  email?: string;
  fields?: Record<string, string>;
  page?: string;
  signature?: string;
}

export interface OfflineBody {
  topic: string;
  name: string;
  email: string;
  message: string;
  language?: string;
  page?: string;
}

export interface Api {
  base: string;
  config(lang: string): Promise<WidgetConfig>;
  startChat(body: StartChatBody): Promise<StartedChat>;
  send(chatId: string, token: string, text: string, clientId: string): Promise<{ seq: number }>;
  messages(chatId: string, token: string, after: number, wait: number, signal?: AbortSignal): Promise<{ messages: ServerMessage[]; state: ChatState }>;
  events(chatId: string, token: string, lastEventId: number, signal: AbortSignal): Promise<Response>;
  close(chatId: string, token: string): Promise<void>;
  leave(chatId: string, token: string): void;
  offline(body: OfflineBody): Promise<void>;
}

async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function createApi(base: string): Api {
  const url = (path: string) => new URL(path, base).href;
  const call = async <T>(method: string, path: string, opts: { token?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> => {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.token) headers['Authorization'] = `Bearer ${opts.token}`;
    const res = await fetch(url(path), {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
      credentials: 'omit',
      mode: 'cors',
    });
    const body = await parse(res);
    if (!res.ok) throw new ApiError(res.status, body);
    return body as T;
  };
  const chat = (id: string) => `/api/v1/chats/${encodeURIComponent(id)}`;

  return {
    base,
    config: (lang) => call('GET', `/api/v1/config?lang=${encodeURIComponent(lang)}`),
    startChat: (body) => call('POST', '/api/v1/chats', { body }),
    send: (id, token, text, clientId) => call('POST', `${chat(id)}/messages`, { token, body: { text, clientId } }),
    messages: (id, token, after, wait, signal) =>
      call('GET', `${chat(id)}/messages?after=${after}&wait=${wait}`, { token, signal }),
    events: (id, token, lastEventId, signal) =>
      fetch(url(`${chat(id)}/events`), {
        headers: {
          Accept: 'text/event-stream',
          Authorization: `Bearer ${token}`,
          ...(lastEventId > 0 ? { 'Last-Event-ID': String(lastEventId) } : {}),
        },
        signal,
        cache: 'no-store',
        credentials: 'omit',
        mode: 'cors',
      }),
    close: async (id, token) => {
      await call('POST', `${chat(id)}/close`, { token, body: {} });
    },
    leave: (id, token) => {
      // A beacon cannot carry headers: the token travels in the body (and keepalive fetch,
      // which can, is the fallback where sendBeacon is missing or refuses).
      const target = url(`${chat(id)}/leave`);
      const payload = JSON.stringify({ token });
      const sent = typeof navigator.sendBeacon === 'function' &&
        navigator.sendBeacon(target, new Blob([payload], { type: 'text/plain' }));
      if (!sent) {
        void fetch(target, {
          method: 'POST',
          keepalive: true,
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: payload,
          credentials: 'omit',
        }).catch(() => undefined);
      }
    },
    offline: async (body) => {
      await call('POST', '/api/v1/offline', { body });
    },
  };
}
