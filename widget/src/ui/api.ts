// HTTP client for the widget API: sends the requests ./requests.ts builds. Every URL is built
// from the script's own origin: the widget never talks to any other host.
import type {
  CloseResponse,
  ConfigResponse,
  PollResponse,
  PostedMessageResponse,
  StartedChatResponse,
} from '../../../src/contract/widget-api.js';
import {
  closeRequest,
  configRequest,
  eventsRequest,
  leaveRequest,
  offlineRequest,
  pollRequest,
  sendRequest,
  startChatRequest,
  type ApiRequest,
  type ChatStart,
  type OfflineForm,
} from './requests.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export interface Api {
  base: string;
  config(lang: string): Promise<ConfigResponse>;
  startChat(start: ChatStart): Promise<StartedChatResponse>;
  send(chatId: string, token: string, text: string, clientId: string): Promise<PostedMessageResponse>;
  messages(chatId: string, token: string, after: number, wait: number, signal?: AbortSignal): Promise<PollResponse>;
  events(chatId: string, token: string, lastEventId: number, signal: AbortSignal): Promise<Response>;
  close(chatId: string, token: string, reason?: 'gave_up'): Promise<CloseResponse>;
  leave(chatId: string, token: string): void;
  offline(form: OfflineForm): Promise<void>;
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

function init(request: ApiRequest, signal?: AbortSignal): RequestInit {
  const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
  if (request.body !== undefined) headers['Content-Type'] = 'application/json';
  if (request.token) headers['Authorization'] = `Bearer ${request.token}`;
  return {
    method: request.method,
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal,
    credentials: 'omit',
    mode: 'cors',
  };
}

export function createApi(base: string): Api {
  const url = (path: string) => new URL(path, base).href;
  const call = async <T>(request: ApiRequest, signal?: AbortSignal): Promise<T> => {
    const res = await fetch(url(request.path), init(request, signal));
    const body = await parse(res);
    if (!res.ok) throw new ApiError(res.status, body);
    return body as T;
  };

  return {
    base,
    config: (lang) => call(configRequest(lang)),
    startChat: (start) => call(startChatRequest(start)),
    send: (id, token, text, clientId) => call(sendRequest(id, token, text, clientId)),
    messages: (id, token, after, wait, signal) => call(pollRequest(id, token, after, wait), signal),
    events: (id, token, lastEventId, signal) => {
      const request = eventsRequest(id, token, lastEventId);
      return fetch(url(request.path), { ...init(request, signal), cache: 'no-store' });
    },
    close: (id, token, reason) => call(closeRequest(id, token, reason)),
    leave: (id, token) => {
      // sendBeacon survives the page going away; keepalive fetch is the fallback where it is
      // missing or refuses.
      const request = leaveRequest(id, token);
      const target = url(request.path);
      const sent = typeof navigator.sendBeacon === 'function' &&
        navigator.sendBeacon(target, new Blob([request.beacon], { type: 'text/plain' }));
      if (!sent) void fetch(target, { ...init(request), keepalive: true }).catch(() => undefined);
    },
    offline: async (form) => {
      await call(offlineRequest(form));
    },
  };
}
