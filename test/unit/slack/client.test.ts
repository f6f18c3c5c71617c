// The Slack client's one policy over real HTTP: 429 waits Retry-After, 5xx and Slack's
// "try again" codes back off, timeouts retry then fail typed, `{ ok: false }` fails at once.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackApiError, SlackClient, retryableFailure } from '../../../src/adapters/channel/slack/client.js';
import { ChannelError } from '../../../src/ports.js';

type Reply = (req: IncomingMessage, body: string, res: ServerResponse) => void;

let server: Server;
let base: string;
let replies: Reply[] = [];
const seen: { path: string; auth: string | undefined; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization, body });
      const reply = replies.shift();
      if (reply) reply(req, body, res);
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, echo: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  replies = [];
  seen.length = 0;
});

function json(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return (_req, _body, res) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function client(sleeps: number[], policy = {}) {
  return new SlackClient({
    baseUrl: base,
    token: 'xoxb-test',
    policy: { maxRetries: 3, baseDelayMs: 10, maxDelayMs: 40, timeoutMs: 2_000, ...policy },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
}

describe('SlackClient', () => {
  it('sends the token and form-encoded arguments (objects as JSON)', async () => {
    const answer = await client([]).call<{ echo: string }>('chat.postMessage', { channel: 'C1', blocks: [{ type: 'divider' }], skip: undefined });
    expect(seen[0]!.path).toBe('/api/chat.postMessage');
    expect(seen[0]!.auth).toBe('Bearer xoxb-test');
    const form = new URLSearchParams(answer.echo);
    expect(form.get('channel')).toBe('C1');
    expect(JSON.parse(form.get('blocks')!)).toEqual([{ type: 'divider' }]);
    expect(form.has('skip')).toBe(false);
  });

  it('waits out a 429 for its Retry-After', async () => {
    replies = [json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '7' })];
    const sleeps: number[] = [];
    await client(sleeps).call('auth.test');
    expect(sleeps).toEqual([7_000]);
    expect(seen).toHaveLength(2);
  });

  it('fails at once when Retry-After is longer than the policy allows', async () => {
    replies = [json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '600' })];
    const error = await client([]).call('auth.test').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackApiError);
    expect(error).toMatchObject({ code: 'ratelimited', httpStatus: 429, retryable: true, retryAfterMs: 600_000 });
  });

  it('backs off on 5xx and on Slack’s try-again codes, then gives up typed', async () => {
    replies = [json(503, { ok: false, error: 'service_unavailable' }), json(200, { ok: false, error: 'internal_error' })];
    const sleeps: number[] = [];
    await client(sleeps).call('users.info', { user: 'U1' });
    expect(sleeps).toHaveLength(2);
    replies = Array.from({ length: 4 }, () => (_req: IncomingMessage, _b: string, res: ServerResponse) => res.writeHead(502).end('<html>bad gateway</html>'));
    const error = await client([]).call('users.info').catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SlackApiError', code: 'http_502', httpStatus: 502, retryable: true });
  });

  it('does not retry Slack’s own refusals', async () => {
    replies = [json(200, { ok: false, error: 'missing_scope', needed: 'groups:write' })];
    const error = (await client([]).call('conversations.create').catch((e: unknown) => e)) as SlackApiError;
    expect(error.code).toBe('missing_scope');
    // Slack answers refusals with HTTP 200; the error says they are permanent.
    expect(error).toMatchObject({ httpStatus: 200, retryable: false });
    expect(error.message).toContain('groups:write');
    expect(seen).toHaveLength(1);
  });

  it('tells retryable failures from permanent ones, as ChannelErrors', () => {
    expect(retryableFailure('users_not_found', 200)).toBe(false);
    expect(retryableFailure('channel_not_found', 200)).toBe(false);
    expect(retryableFailure('invalid_blocks', 200)).toBe(false);
    expect(retryableFailure('already_in_channel', 200)).toBe(true);
    expect(retryableFailure('invalid_auth', 200)).toBe(true);
    expect(retryableFailure('whatever', 502)).toBe(true);
    expect(retryableFailure('whatever', 404)).toBe(false);
    const refused = new SlackApiError('conversations.invite', 'users_not_found', 200);
    expect(refused).toBeInstanceOf(ChannelError);
    expect(refused.retryable).toBe(false);
    expect(new SlackApiError('chat.postMessage', 'ratelimited', 429).retryable).toBe(true);
    expect(new SlackApiError('chat.postMessage', 'network_error', 0).retryable).toBe(true);
  });

  it('retries a timeout, then fails with code timeout', async () => {
    const hang: Reply = () => undefined;
    replies = [hang, hang];
    const sleeps: number[] = [];
    const error = await client(sleeps, { timeoutMs: 100, maxRetries: 1 }).call('auth.test').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'timeout', httpStatus: 0, retryable: true });
    expect(sleeps).toHaveLength(1);
  });

  it('follows cursors', async () => {
    replies = [
      json(200, { ok: true, members: ['U1', 'U2'], response_metadata: { next_cursor: 'abc' } }),
      json(200, { ok: true, members: ['U3'], response_metadata: { next_cursor: '' } }),
    ];
    expect(await client([]).paginate('conversations.members', 'members', { channel: 'G1' })).toEqual(['U1', 'U2', 'U3']);
    expect(new URLSearchParams(seen[1]!.body).get('cursor')).toBe('abc');
  });
});
