import { afterEach, describe, expect, it } from 'vitest';
import { WebexApiError, WebexClient, nextLink } from '../../../src/adapters/channel/webex/client.js';
import { KeyedQueue } from '../../../src/adapters/channel/shared/keyed-queue.js';
import { json, startFakeServer } from './fake-server.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

async function fake(route: Parameters<typeof startFakeServer>[0]) {
  const server = await startFakeServer(route);
  servers.push(server);
  return server;
}

/** Records the waits instead of sleeping them. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe('WebexClient', () => {
  it('waits out a 429 for the Retry-After seconds, then succeeds', async () => {
    let calls = 0;
    const server = await fake((_req, res) => {
      calls++;
      if (calls === 1) return json(res, 429, { message: 'Too Many Requests' }, { 'retry-after': '1' });
      json(res, 200, { id: 'me', emails: ['bot@example.com'], displayName: 'Bot' });
    });
    const { waits, sleep } = recordingSleep();
    const client = new WebexClient({ baseUrl: `${server.url}/v1`, token: 't', sleep });
    const me = await client.me();
    expect(me.id).toBe('me');
    expect(waits).toEqual([1000]);
    expect(server.received.map((r) => r.url)).toEqual(['/v1/people/me', '/v1/people/me']);
    expect(server.received[0]?.headers.authorization).toBe('Bearer t');
  });

  it('retries 5xx with growing, capped backoff and then gives up with a typed error', async () => {
    const server = await fake((_req, res) =>
      json(res, 503, { message: 'Service Unavailable', errors: [{ description: 'try later' }], trackingId: 'ROUTER_1' }),
    );
    const { waits, sleep } = recordingSleep();
    const client = new WebexClient({
      baseUrl: `${server.url}/v1`,
      token: 't',
      sleep,
      policy: { maxRetries: 4, baseDelayMs: 100, maxDelayMs: 500 },
    });
    const error = await client.getRoom('r1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebexApiError);
    const apiError = error as WebexApiError;
    expect(apiError.status).toBe(503);
    expect(apiError.trackingId).toBe('ROUTER_1');
    expect(apiError.webexMessage).toBe('Service Unavailable');
    expect(apiError.errors).toEqual([{ description: 'try later' }]);
    expect(server.received).toHaveLength(5);
    expect(waits).toHaveLength(4);
    // Full jitter keeps each wait within [ceiling/2, ceiling] of 100, 200, 400, 500 (capped).
    [100, 200, 400, 500].forEach((ceiling, i) => {
      expect(waits[i]).toBeGreaterThanOrEqual(ceiling / 2);
      expect(waits[i]).toBeLessThanOrEqual(ceiling);
    });
  });

  it('does not retry a 4xx and reports it with the trackingId header when the body has none', async () => {
    const server = await fake((_req, res) => {
      res.writeHead(404, { trackingid: 'HDR_2' });
      res.end('not json');
    });
    const client = new WebexClient({ baseUrl: `${server.url}/v1`, token: 't' });
    const error = (await client.getMessage('m').catch((e: unknown) => e)) as WebexApiError;
    expect(error.status).toBe(404);
    expect(error.trackingId).toBe('HDR_2');
    expect(server.received).toHaveLength(1);
  });

  it('turns a network error into a WebexApiError with status 0 after retrying', async () => {
    const server = await fake((_req, res) => json(res, 200, {}));
    const url = server.url;
    await servers.pop()!.close();
    const { waits, sleep } = recordingSleep();
    const client = new WebexClient({ baseUrl: `${url}/v1`, token: 't', sleep, policy: { maxRetries: 2 } });
    const error = (await client.me().catch((e: unknown) => e)) as WebexApiError;
    expect(error).toBeInstanceOf(WebexApiError);
    expect(error.status).toBe(0);
    expect(waits).toHaveLength(2);
  });

  it('times a silent server out per attempt', async () => {
    const server = await fake(() => {
      /* never answers */
    });
    const { sleep } = recordingSleep();
    const client = new WebexClient({ baseUrl: `${server.url}/v1`, token: 't', sleep, policy: { timeoutMs: 100, maxRetries: 1 } });
    const error = (await client.me().catch((e: unknown) => e)) as WebexApiError;
    expect(error.status).toBe(0);
    expect(server.received).toHaveLength(2);
  });

  it('follows Link rel="next" through every page', async () => {
    const total = 120;
    const server = await fake((req, res) => {
      const url = new URL(req.url, 'http://x');
      const max = Number(url.searchParams.get('max'));
      const from = Number(url.searchParams.get('from') ?? 0);
      const items = Array.from({ length: Math.min(max, total - from) }, (_, i) => ({ id: `m${from + i}` }));
      const headers: Record<string, string> = {};
      if (from + max < total) {
        headers.link = `<${serverUrl}/v1/messages?roomId=r&max=${max}&from=${from + max}>; rel="next"`;
      }
      json(res, 200, { items }, headers);
    });
    const serverUrl = server.url;
    const client = new WebexClient({ baseUrl: `${server.url}/v1`, token: 't' });
    const messages = await client.listMessages({ roomId: 'r', max: 50 });
    expect(messages.map((m) => m.id)).toEqual(Array.from({ length: total }, (_, i) => `m${i}`));
    expect(server.received).toHaveLength(3);
  });

  it('refuses to send the token to another origin named by a Link header', async () => {
    const server = await fake((_req, res) =>
      json(res, 200, { items: [] }, { link: '<http://127.0.0.2:1/v1/rooms?page=2>; rel="next"' }),
    );
    const client = new WebexClient({ baseUrl: `${server.url}/v1`, token: 't' });
    await expect(client.listAll('/rooms')).rejects.toThrow(/another origin/);
  });

  it('refreshes the token once on 401 and repeats the call with the new one', async () => {
    const server = await fake((req, res) => {
      if (req.headers.authorization === 'Bearer new') return json(res, 200, { id: 'p' });
      json(res, 401, { message: 'The request requires a valid access token set in the Authorization request header.' });
    });
    let token = 'old';
    let refreshes = 0;
    const client = new WebexClient({
      baseUrl: `${server.url}/v1`,
      token: {
        token: async () => token,
        refresh: async () => {
          refreshes++;
          token = 'new';
          return true;
        },
      },
    });
    expect((await client.getPerson('p')).id).toBe('p');
    expect(refreshes).toBe(1);

    token = 'stale';
    const stuck = new WebexClient({ baseUrl: `${server.url}/v1`, token: { token: async () => 'stale', refresh: async () => true } });
    const error = (await stuck.getPerson('p').catch((e: unknown) => e)) as WebexApiError;
    expect(error.status).toBe(401);
  });

  it('keeps per-room order across retries while other rooms go ahead', async () => {
    const arrivals: string[] = [];
    let firstA = true;
    let releaseA1: (() => void) | null = null;
    const server = await fake(async (req, res) => {
      const body = JSON.parse(req.body) as { roomId: string; markdown: string };
      arrivals.push(body.markdown);
      if (body.markdown === 'A1' && firstA) {
        firstA = false;
        // Hold A1 until B1 has arrived: proves room B is not queued behind room A.
        await new Promise<void>((resolve) => (releaseA1 = resolve));
        return json(res, 429, { message: 'slow down' }, { 'retry-after': '0' });
      }
      if (body.markdown === 'B1') releaseA1?.();
      json(res, 200, { id: body.markdown, roomId: body.roomId });
    });
    const queue = new KeyedQueue();
    const a = new WebexClient({ baseUrl: `${server.url}/v1`, token: 'bot', roomQueue: queue });
    const b = new WebexClient({ baseUrl: `${server.url}/v1`, token: 'relay', roomQueue: queue });
    const a1 = a.createMessage({ roomId: 'A', markdown: 'A1' });
    const a2 = b.createMessage({ roomId: 'A', markdown: 'A2' });
    const b1 = a.createMessage({ roomId: 'B', markdown: 'B1' });
    await Promise.all([a1, a2, b1]);
    expect(arrivals).toEqual(['A1', 'B1', 'A1', 'A2']);
  });

  it('parses Link headers with several relations', () => {
    expect(nextLink('<https://h/v1/a?x=1>; rel="prev", <https://h/v1/a?x=3>; rel="next"')).toBe('https://h/v1/a?x=3');
    expect(nextLink('<https://h/v1/a?x=1>; rel="prev"')).toBeNull();
    expect(nextLink(null)).toBeNull();
  });
});

describe('WebexClient and long Retry-After', () => {
  it('fails at once with the 429 when Retry-After exceeds what it may wait', async () => {
    const server = await fake((_req, res) => json(res, 429, { message: 'Too Many Requests', trackingId: 'RL' }, { 'retry-after': '600' }));
    const { waits, sleep } = recordingSleep();
    const client = new WebexClient({ baseUrl: `${server.url}/v1`, token: 't', sleep, policy: { maxRetryAfterMs: 60_000 } });
    const error = (await client.me().catch((e: unknown) => e)) as WebexApiError;
    expect(error.status).toBe(429);
    expect(error.trackingId).toBe('RL');
    expect(waits).toEqual([]);
    expect(server.received).toHaveLength(1);
  });
});
