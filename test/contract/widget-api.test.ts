// The widget/server contract: every request the widget's real builders make (widget/src/ui/
// requests.ts, and LiveChat.setUser's values as the UI keeps them) is accepted by the server's
// own schemas (src/contract/widget-api.ts), on the route the server mounts; and the widget's
// form limits are the server's.
import { describe, expect, it } from 'vitest';
import { EMAIL_MAX, FIELD_VALUE_MAX, MESSAGE_MAX, NAME_MAX, PAGE_MAX } from '../../src/contract/limits.js';
import {
  chatIdParam,
  configQuery,
  leaveBeacon,
  offlineBody,
  pollQuery,
  postMessageBody,
  startChatBody,
} from '../../src/contract/widget-api.js';
import { mergeUser } from '../../widget/src/shared/user.js';
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
} from '../../widget/src/ui/requests.js';
import { maxLengthOf, validateValue } from '../../widget/src/ui/validate.js';

/** The routes src/http/widget-api.ts and src/http/offline.ts mount. */
const ROUTES = [
  'GET /api/v1/config',
  'POST /api/v1/chats',
  'POST /api/v1/chats/:id/messages',
  'GET /api/v1/chats/:id/messages',
  'GET /api/v1/chats/:id/events',
  'POST /api/v1/chats/:id/close',
  'POST /api/v1/chats/:id/leave',
  'POST /api/v1/offline',
];

/** The route a request lands on, its params and query, as Express would see them. */
function route(request: ApiRequest): { route: string; params: Record<string, string>; query: Record<string, string> } {
  const url = new URL(request.path, 'https://chat.example.com');
  for (const candidate of ROUTES) {
    const [method, pattern] = candidate.split(' ') as [string, string];
    const names: string[] = [];
    const regex = new RegExp(`^${pattern.replace(/:(\w+)/g, (_m, name: string) => (names.push(name), '([^/]+)'))}$`);
    const match = regex.exec(url.pathname);
    if (method !== request.method || !match) continue;
    const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    return { route: candidate, params, query: Object.fromEntries(url.searchParams) };
  }
  throw new Error(`no server route for ${request.method} ${request.path}`);
}

const chatId = '0190a8f2-7c1e-7a3b-9d4e-5f6a7b8c9d0e';
const token = 'tok_'.padEnd(43, 'x');

describe('every widget request against the server schemas', () => {
  it('config', () => {
    const r = route(configRequest('pt-BR'));
    expect(r.route).toBe('GET /api/v1/config');
    expect(configQuery.parse(r.query)).toEqual({ lang: 'pt-BR' });
  });

  it('a new chat after LiveChat.setUser({ name, email, signature }) (the 400 "Unrecognized key" bug)', () => {
    // The loader keeps what the site gives; the UI takes from it what the server accepts.
    const site = { name: 'Ola Nowak', email: 'ola@example.com', signature: 'a1b2c3', plan: 'gold' };
    const user = mergeUser({}, site);
    const request = startChatRequest({ topic: 'sales', language: 'pl', values: {}, user, page: 'https://shop.example.com/cart' });
    expect(route(request).route).toBe('POST /api/v1/chats');
    const body = startChatBody.parse(request.body);
    expect(body).toMatchObject({ name: 'Ola Nowak', email: 'ola@example.com', identity: { name: 'Ola Nowak', email: 'ola@example.com', signature: 'a1b2c3' } });
    expect(JSON.stringify(body)).not.toContain('gold');
  });

  it('a new chat with the signing time, form values and topic fields', () => {
    const user = mergeUser({ name: 'Site Name' }, { ts: 1_790_000_000, signature: 's'.repeat(64) });
    const values = { name: 'Form Name', email: 'form@example.com', order: 'A-17', empty: '' };
    const request = startChatRequest({ topic: 'billing', language: 'en', values, user, page: 'https://shop.example.com/' });
    const body = startChatBody.parse(request.body);
    expect(body).toMatchObject({ name: 'Form Name', email: 'form@example.com', fields: { order: 'A-17' }, identity: { ts: 1_790_000_000 } });
    expect(body.fields).not.toHaveProperty('empty');
  });

  it('an anonymous chat, and values the site gives beyond the limits', () => {
    expect(startChatBody.parse(startChatRequest({ topic: 'sales', language: 'de', values: {}, user: {}, page: 'https://a.example/' }).body)).not.toHaveProperty('identity');
    const user = mergeUser({}, { name: 'n'.repeat(NAME_MAX + 50), email: 42, signature: 'x'.repeat(10_000), ts: -1 });
    const request = startChatRequest({ topic: 'sales', language: 'en', values: {}, user, page: `https://a.example/?q=${'x'.repeat(PAGE_MAX)}` });
    const body = startChatBody.parse(request.body);
    expect(body.name).toHaveLength(NAME_MAX);
    expect(body.page).toHaveLength(PAGE_MAX);
    expect(body).not.toHaveProperty('identity');
  });

  it('a message, a poll, the event stream, close and the leave beacon', () => {
    const send = sendRequest(chatId, token, 'Hello', 'c-1');
    const sent = route(send);
    expect(sent.route).toBe('POST /api/v1/chats/:id/messages');
    expect(chatIdParam.parse(sent.params)).toEqual({ id: chatId });
    expect(postMessageBody.parse(send.body)).toEqual({ text: 'Hello', clientId: 'c-1' });
    expect(send.token).toBe(token);

    const poll = route(pollRequest(chatId, token, 7, 25));
    expect(poll.route).toBe('GET /api/v1/chats/:id/messages');
    expect(pollQuery.parse(poll.query)).toEqual({ after: 7, wait: 25 });

    const events = eventsRequest(chatId, token, 12);
    expect(route(events).route).toBe('GET /api/v1/chats/:id/events');
    expect(events.headers).toMatchObject({ Accept: 'text/event-stream', 'Last-Event-ID': '12' });

    expect(route(closeRequest(chatId, token)).route).toBe('POST /api/v1/chats/:id/close');

    const leave = leaveRequest(chatId, token);
    expect(route(leave).route).toBe('POST /api/v1/chats/:id/leave');
    expect(leaveBeacon.parse(JSON.parse(leave.beacon))).toEqual({ token });
  });

  it('the offline form', () => {
    const request = offlineRequest({
      topic: 'night',
      language: 'fr',
      values: { name: 'Zoë', email: 'zoe@example.fr', message: 'Rappelez-moi' },
      page: `https://a.example/${'p'.repeat(PAGE_MAX)}`,
    });
    expect(route(request).route).toBe('POST /api/v1/offline');
    expect(offlineBody.parse(request.body)).toMatchObject({ topic: 'night', name: 'Zoë', language: 'fr' });
  });
});

describe('the limits agree', () => {
  const fill = (n: number) => 'x'.repeat(n);

  it('what the forms let through, the server takes; one more character both refuse', () => {
    const start = (values: Record<string, string>) =>
      startChatBody.safeParse(startChatRequest({ topic: 'sales', language: 'en', values, user: {}, page: 'https://a.example/' }).body).success;
    const name = { name: 'name', type: 'text' as const };
    expect(maxLengthOf(name)).toBe(NAME_MAX);
    expect(validateValue('text', true, fill(NAME_MAX), maxLengthOf(name))).toBeNull();
    expect(start({ name: fill(NAME_MAX) })).toBe(true);
    expect(start({ name: fill(NAME_MAX + 1) })).toBe(false);

    expect(maxLengthOf({ name: 'order', type: 'text' })).toBe(FIELD_VALUE_MAX);
    expect(start({ order: fill(FIELD_VALUE_MAX) })).toBe(true);
    expect(start({ order: fill(FIELD_VALUE_MAX + 1) })).toBe(false);

    const email = `${fill(EMAIL_MAX - '@example.com'.length)}@example.com`;
    expect(start({ email })).toBe(true);
    expect(start({ email: `x${email}` })).toBe(false);
  });

  it('messages: the composer, the server and the offline form stop at the same length', () => {
    expect(maxLengthOf({ name: 'message', type: 'message' })).toBe(MESSAGE_MAX);
    expect(postMessageBody.safeParse(sendRequest(chatId, token, fill(MESSAGE_MAX), 'c').body).success).toBe(true);
    expect(postMessageBody.safeParse(sendRequest(chatId, token, fill(MESSAGE_MAX + 1), 'c').body).success).toBe(false);
    const offline = (message: string) =>
      offlineBody.safeParse(offlineRequest({ topic: 't', language: 'en', values: { name: 'A', email: 'a@example.com', message }, page: '' }).body).success;
    expect(offline(fill(MESSAGE_MAX))).toBe(true);
    expect(offline(fill(MESSAGE_MAX + 1))).toBe(false);
  });
});
