// No 500 for any input: the six inputs that answered 500 once (each now a 4xx), then a
// property-based fuzz (fast-check, fixed seed, bounded runs) over every widget API route and
// both webhook routes. Each request is sent raw (node:http, so paths, bytes and headers go out
// exactly as generated); the properties: never a 5xx, a refused request stores nothing
// (chats, messages and offline_messages counted before and after), /healthz 200 at the end.
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProduct, Visitor, type Product } from '../chats/harness.js';

let product: Product;
let base: URL;
let live: Visitor;

beforeAll(async () => {
  product = await startProduct();
  base = new URL(product.app.url);
  live = await Visitor.start(product.app.url, { topic: 'sales', name: 'Fuzz' });
});

afterAll(async () => {
  await product?.close();
});

interface RawRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface RawAnswer {
  status: number;
  body: string;
}

/** Sends bytes as they are; an event stream or a long-poll is cut once its status is known. */
function send(req: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) };
    const call = request({ host: base.hostname, port: base.port, method: req.method, path: req.path, headers }, (res) => {
      const status = res.statusCode ?? 0;
      if (String(res.headers['content-type']).startsWith('text/event-stream')) {
        res.destroy();
        resolve({ status, body: '' });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    // A long-poll with a valid token waits: two seconds is an answer pending, not a 5xx.
    call.setTimeout(2_000, () => {
      call.destroy();
      resolve({ status: 0, body: 'pending' });
    });
    call.on('error', (error) => {
      if (call.destroyed) resolve({ status: 0, body: 'cut' });
      else reject(error);
    });
    call.end(req.body);
  });
}

async function rows(): Promise<{ chats: number; messages: number; offline: number }> {
  const { rows: [r] } = await product.db.pool.query<{ chats: string; messages: string; offline: string }>(
    `SELECT (SELECT count(*) FROM chats) AS chats, (SELECT count(*) FROM messages) AS messages,
            (SELECT count(*) FROM offline_messages) AS offline`,
  );
  return { chats: Number(r!.chats), messages: Number(r!.messages), offline: Number(r!.offline) };
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const jsonHeaders = (extra: Record<string, string> = {}) => ({ 'content-type': 'application/json', ...extra });

describe('the six inputs that answered 500', () => {
  const bearer = () => ({ authorization: `Bearer ${live.token}` });

  it('malformed percent-encoding in :id is a 400', async () => {
    for (const path of ['/api/v1/chats/%E0%A4%A/messages', '/api/v1/chats/%/events', '/api/v1/chats/%zz/close']) {
      const method = path.endsWith('close') ? 'POST' : 'GET';
      const answer = await send({ method, path, headers: {} });
      expect(answer.status, path).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'invalid_url' });
    }
  });

  it('NUL in an id, a topic, a text or an offline form is a 400, and nothing is stored', async () => {
    const before = await rows();
    const answers = await Promise.all([
      send({ method: 'GET', path: '/api/v1/chats/ab%00cd/messages', headers: bearer() }),
      send({ method: 'POST', path: '/api/v1/chats', headers: jsonHeaders(), body: json({ topic: 'sa\0les' }) }),
      send({ method: 'POST', path: '/api/v1/chats', headers: jsonHeaders(), body: json({ topic: 'sales', name: 'A\0' }) }),
      send({ method: 'POST', path: `/api/v1/chats/${live.id}/messages`, headers: jsonHeaders(bearer()), body: json({ text: 'hi\0', clientId: 'n1' }) }),
      send({
        method: 'POST',
        path: '/api/v1/offline',
        headers: jsonHeaders(),
        body: json({ topic: 'night', name: 'Nul', email: 'nul@example.com', message: 'left\0' }),
      }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400, 400]);
    expect(await rows()).toEqual(before);
  });

  it('after and Last-Event-ID above 2^31-1 are a 400', async () => {
    const poll = await send({ method: 'GET', path: `/api/v1/chats/${live.id}/messages?after=2147483648`, headers: bearer() });
    expect(poll.status).toBe(400);
    const events = await send({ method: 'GET', path: `/api/v1/chats/${live.id}/events`, headers: { ...bearer(), 'last-event-id': '99999999999' } });
    expect(events.status).toBe(400);
    // The largest sequence number is still a valid resume point.
    const edge = await send({ method: 'GET', path: `/api/v1/chats/${live.id}/messages?after=2147483647`, headers: bearer() });
    expect(edge.status).toBe(200);
  });

  it('a lone surrogate in any field is a 400, and the offline form stores nothing', async () => {
    const before = await rows();
    const answers = await Promise.all([
      send({ method: 'POST', path: '/api/v1/chats', headers: jsonHeaders(), body: json({ topic: 'sales', name: 'x\uD800' }) }),
      send({ method: 'POST', path: '/api/v1/chats', headers: jsonHeaders(), body: json({ topic: 'sales', fields: { '\uDC00': 'v' } }) }),
      send({ method: 'POST', path: `/api/v1/chats/${live.id}/messages`, headers: jsonHeaders(bearer()), body: json({ text: 'a\uDBFFb', clientId: 's1' }) }),
      send({
        method: 'POST',
        path: '/api/v1/offline',
        headers: jsonHeaders(),
        body: json({ topic: 'night', name: 'Sur\uD83D', email: 'sur@example.com', message: 'left' }),
      }),
      send({
        method: 'POST',
        path: '/api/v1/offline',
        headers: jsonHeaders(),
        body: json({ topic: 'night', name: 'Sur', email: 'sur@example.com', message: 'left \uDE00 here' }),
      }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([400, 400, 400, 400, 400]);
    expect(await rows()).toEqual(before);
    // A whole surrogate pair (an emoji) is fine.
    const emoji = await send({ method: 'POST', path: `/api/v1/chats/${live.id}/messages`, headers: jsonHeaders(bearer()), body: json({ text: 'ok 😀', clientId: 's2' }) });
    expect(emoji.status).toBe(202);
  });

  it('a broken gzip body is a 400', async () => {
    const headers = jsonHeaders({ 'content-encoding': 'gzip' });
    const garbage = await send({ method: 'POST', path: '/api/v1/chats', headers, body: Buffer.from('not gzip at all') });
    expect(garbage.status).toBe(400);
    expect(JSON.parse(garbage.body)).toMatchObject({ error: 'invalid_body' });
    const truncated = gzipSync(json({ topic: 'sales' })).subarray(0, 12);
    expect((await send({ method: 'POST', path: '/api/v1/chats', headers, body: truncated })).status).toBe(400);
  });
});

// ---- the fuzz ----------------------------------------------------------------------------------

const nasty = fc.constantFrom('\0', '\uD800', '\uDFFF', '%', '%00', '%E0%A4%A', '%zz', '2147483648', '-1', '1e400', '😀', '..', '\u2028', '');
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), nasty, fc.tuple(fc.string({ maxLength: 8 }), nasty).map(([a, b]) => a + b));
/** A path segment: percent-encoded bytes (any, malformed UTF-8 included) or raw oddities. */
const segment = fc.oneof(
  fc.uint8Array({ maxLength: 12 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
  fc.constantFrom('%', '%E0%A4%A', '%zz', '%00', 'x'.repeat(200), 'abc', '..'),
  fc.stringMatching(/^[A-Za-z0-9._~-]{1,30}$/),
);
const value: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(text, tie('v'), { maxKeys: 3 })),
})).v;
/** Bodies shaped like the contract's, with arbitrary values, or not shaped at all. */
const bodyObject = fc.oneof(
  fc.record(
    {
      topic: fc.oneof(text, fc.constantFrom('sales', 'night')),
      name: fc.oneof(text, value),
      email: fc.oneof(text, fc.constant('a@example.com')),
      message: text,
      fields: fc.dictionary(text, value, { maxKeys: 3 }),
      page: text,
      identity: fc.record({ name: text, email: text, ts: fc.oneof(fc.integer(), fc.double(), fc.constant(Math.floor(Date.now() / 1000))), signature: text }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  ),
  fc.record({ text: fc.oneof(text, value), clientId: fc.oneof(text, value) }, { requiredKeys: [] }),
  fc.record({ token: fc.oneof(text, value) }, { requiredKeys: [] }),
  value,
);
type Encoding = 'json' | 'gzip' | 'gzip-garbage' | 'raw' | 'deflate-garbage' | 'identity';
const body = fc.record({
  encoding: fc.constantFrom<Encoding>('json', 'json', 'gzip', 'gzip-garbage', 'raw', 'deflate-garbage', 'identity'),
  object: bodyObject,
  raw: fc.uint8Array({ maxLength: 200 }),
  contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=koi8-r', 'text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream', ''),
});
const headerValue = fc.stringMatching(/^[\x21-\x7e]{0,40}$/);

type Route = 'config' | 'start' | 'post' | 'poll' | 'events' | 'leave' | 'close' | 'offline' | 'webex' | 'slack';
const route = fc.constantFrom<Route>('config', 'start', 'post', 'poll', 'events', 'leave', 'close', 'offline', 'webex', 'slack');

interface Case {
  route: Route;
  /** Aim at the live chat with its token, or at an arbitrary id. */
  own: boolean;
  id: string;
  token: string;
  query: string;
  lastEventId: string;
  body: { encoding: Encoding; object: unknown; raw: Uint8Array; contentType: string };
  extra: Record<string, string>;
}

const cases: fc.Arbitrary<Case> = fc.record({
  route,
  own: fc.boolean(),
  id: segment,
  token: headerValue,
  query: fc.array(fc.tuple(fc.constantFrom('after', 'wait', 'token', 'lang', 'lastEventId', 'x'), fc.oneof(segment, fc.integer().map(String))), { maxLength: 3 }).map((pairs) =>
    pairs.map(([k, v]) => `${k}=${v}`).join('&'),
  ),
  lastEventId: fc.oneof(headerValue, fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String)),
  body,
  extra: fc.dictionary(fc.constantFrom('x-webex-signature', 'x-spark-signature', 'x-slack-signature', 'x-slack-request-timestamp', 'accept-language', 'origin', 'x-forwarded-for'), headerValue, { maxKeys: 3 }),
});

function encode(b: Case['body']): { bytes: Buffer; headers: Record<string, string> } {
  const headers: Record<string, string> = b.contentType ? { 'content-type': b.contentType } : {};
  const plain = json(b.object);
  switch (b.encoding) {
    case 'json':
      return { bytes: plain, headers };
    case 'gzip':
      return { bytes: gzipSync(plain), headers: { ...headers, 'content-encoding': 'gzip' } };
    case 'gzip-garbage':
      return { bytes: Buffer.from(b.raw), headers: { ...headers, 'content-encoding': 'gzip' } };
    case 'deflate-garbage':
      return { bytes: Buffer.from(b.raw), headers: { ...headers, 'content-encoding': 'deflate' } };
    case 'identity':
      return { bytes: plain, headers: { ...headers, 'content-encoding': 'identity' } };
    case 'raw':
      return { bytes: Buffer.from(b.raw), headers };
  }
}

function toRequest(c: Case): RawRequest {
  const id = c.own ? live.id : c.id;
  const auth: Record<string, string> = { authorization: `Bearer ${c.own ? live.token : c.token}` };
  const q = c.query ? `?${c.query}` : '';
  const { bytes, headers } = encode(c.body);
  const post = (path: string, extra: Record<string, string> = {}): RawRequest => ({ method: 'POST', path, headers: { ...c.extra, ...headers, ...extra }, body: bytes });
  switch (c.route) {
    case 'config':
      return { method: 'GET', path: `/api/v1/config${q}`, headers: c.extra };
    case 'start':
      return post('/api/v1/chats');
    case 'post':
      return post(`/api/v1/chats/${id}/messages`, auth);
    case 'poll':
      return { method: 'GET', path: `/api/v1/chats/${id}/messages${q}`, headers: { ...c.extra, ...auth } };
    case 'events':
      return { method: 'GET', path: `/api/v1/chats/${id}/events${q}`, headers: { ...c.extra, ...auth, 'last-event-id': c.lastEventId } };
    case 'leave':
      return post(`/api/v1/chats/${id}/leave`);
    case 'close':
      // Closing the live chat would leave the rest of the run nothing open to aim at.
      return post(`/api/v1/chats/${c.id}/close`, { authorization: `Bearer ${c.token}` });
    case 'offline':
      return post('/api/v1/offline');
    case 'webex':
      return post('/webhooks/webex');
    case 'slack':
      return post('/webhooks/slack');
  }
}

describe('fuzz: every widget API route and the webhooks', () => {
  it('never a 5xx, a refused request stores nothing, the server stays healthy', async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const req = toRequest(c);
        const before = await rows();
        const answer = await send(req);
        expect(answer.status, `${req.method} ${req.path}: ${answer.body}`).toBeLessThan(500);
        if (answer.status >= 400) {
          refused++;
          expect(await rows(), `${req.method} ${req.path} was refused (${answer.status}) but stored something`).toEqual(before);
        }
      }),
      { seed: 11, numRuns: 400, endOnFailure: true },
    );
    // The fuzz is worth something only if most of what it sent was bad input.
    expect(refused).toBeGreaterThan(200);
    const health = await fetch(`${product.app.url}/healthz`);
    expect(health.status).toBe(200);
  }, 60_000);
});
