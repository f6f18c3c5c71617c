// The widget's requests as plain data, built by pure functions (no fetch, no DOM): api.ts sends
// them, and test/contract/widget-api.test.ts checks each against the server's schemas.
import type { OfflineBody, PostMessageBody, StartChatBody } from '../../../src/contract/widget-api.js';
import { PAGE_MAX } from '../../../src/contract/limits.js';
import { identityOf, type VisitorUser } from '../shared/user.js';

export interface ApiRequest {
  method: 'GET' | 'POST';
  /** Path and query, on the widget script's own origin. */
  path: string;
  /** The chat token, sent as `Authorization: Bearer …`. */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

const chatPath = (id: string) => `/api/v1/chats/${encodeURIComponent(id)}`;

export function configRequest(lang: string): ApiRequest {
  return { method: 'GET', path: `/api/v1/config?lang=${encodeURIComponent(lang)}` };
}

export interface ChatStart {
  topic: string;
  language: string;
  /** The pre-chat form's values (name and email included), already trimmed. */
  values: Record<string, string>;
  user: VisitorUser;
  page: string;
}

/** A new chat: the form's values first, the site's `setUser` values where the form has none. */
export function startChatRequest(start: ChatStart): ApiRequest & { body: StartChatBody } {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(start.values)) if (k !== 'name' && k !== 'email' && v) fields[k] = v;
  const name = start.values['name'] || start.user.name;
  const email = start.values['email'] || start.user.email;
  const identity = identityOf(start.user);
  const body: StartChatBody = {
    topic: start.topic,
    language: start.language,
    ...(name ? { name } : {}),
    ...(email ? { email } : {}),
    ...(Object.keys(fields).length ? { fields } : {}),
    ...(identity ? { identity } : {}),
    page: start.page.slice(0, PAGE_MAX),
  };
  return { method: 'POST', path: '/api/v1/chats', body };
}

export function sendRequest(chatId: string, token: string, text: string, clientId: string): ApiRequest & { body: PostMessageBody } {
  return { method: 'POST', path: `${chatPath(chatId)}/messages`, token, body: { text, clientId } };
}

export function pollRequest(chatId: string, token: string, after: number, wait: number): ApiRequest {
  return { method: 'GET', path: `${chatPath(chatId)}/messages?after=${after}&wait=${wait}`, token };
}

export function eventsRequest(chatId: string, token: string, lastEventId: number): ApiRequest {
  return {
    method: 'GET',
    path: `${chatPath(chatId)}/events`,
    token,
    headers: { Accept: 'text/event-stream', ...(lastEventId > 0 ? { 'Last-Event-ID': String(lastEventId) } : {}) },
  };
}

/** `gave_up`: the visitor took the offer to leave a message instead of waiting in the queue. */
export function closeRequest(chatId: string, token: string, reason?: 'gave_up'): ApiRequest {
  return { method: 'POST', path: `${chatPath(chatId)}/close`, token, body: reason ? { reason } : {} };
}

/** A beacon cannot carry headers: the token travels in its text body (`beacon`) as well. */
export function leaveRequest(chatId: string, token: string): ApiRequest & { beacon: string } {
  return { method: 'POST', path: `${chatPath(chatId)}/leave`, token, body: { token }, beacon: JSON.stringify({ token }) };
}

export interface OfflineForm {
  topic: string;
  language: string;
  /** The offline form's values: name, email, message. */
  values: Record<string, string>;
  page: string;
}

export function offlineRequest(form: OfflineForm): ApiRequest & { body: OfflineBody } {
  const body: OfflineBody = {
    topic: form.topic,
    name: form.values['name'] ?? '',
    email: form.values['email'] ?? '',
    message: form.values['message'] ?? '',
    language: form.language,
    page: form.page.slice(0, PAGE_MAX),
  };
  return { method: 'POST', path: '/api/v1/offline', body };
}
