// The Express app factory over real HTTP: request ids, limits, JSON errors, raw webhook bodies,
// health, and the graceful close of the server with open streams.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../../../src/http/app.js';
import { HttpError } from '../../../src/http/errors.js';
import { listen, type HttpServer } from '../../../src/http/server.js';
import { StreamRegistry } from '../../../src/http/streams.js';
import { createLogger } from '../../../src/logger.js';

const lines: string[] = [];
const log = createLogger(
  { level: 'info' },
  new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  }),
);

let healthy = true;
const streams = new StreamRegistry();
let server: HttpServer;

beforeAll(async () => {
  const app = createApp({
    log,
    streams,
    health: async () => {
      if (!healthy) throw new Error('database down');
    },
    routes: [
      (a) => {
        a.post('/api/echo', (req, res) => {
          const body = z.object({ text: z.string().max(10) }).parse(req.body);
          res.json(body);
        });
        a.get('/api/teapot', () => {
          throw new HttpError(409, 'chat_closed', 'The chat is closed.', { nextOpening: null });
        });
        a.get('/api/bug', () => {
          throw new Error('secret internal detail');
        });
        a.post('/webhooks/test', (req, res) => {
          res.json({ raw: req.rawBody?.toString('base64') ?? null });
        });
        a.get('/api/stream', (req, res) => {
          res.writeHead(200, { 'Content-Type': 'text/event-stream' });
          res.write(': open\n\n');
          const done = streams.add(() => res.end());
          req.on('close', done);
        });
      },
    ],
  });
  server = await listen(app, { port: 0, host: '127.0.0.1', streams, log });
});

afterAll(async () => {
  await server?.close(1000);
});

describe('the HTTP app', () => {
  it('answers /healthz 200 when the check passes and 503 when it fails', async () => {
    const ok = await fetch(`${server.url}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ status: 'ok' });
    healthy = false;
    const down = await fetch(`${server.url}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'unavailable' });
    healthy = true;
  });

  it('returns the caller\'s X-Request-Id, or a new one, and logs it', async () => {
    const given = await fetch(`${server.url}/nowhere`, { headers: { 'X-Request-Id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const fresh = await fetch(`${server.url}/nowhere`, { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.some((l) => l.includes('"id":"abc-123"'))).toBe(true);
  });

  it('sets helmet headers', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await fetch(`${server.url}/nowhere`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'not_found', message: 'No route for GET /nowhere' });
  });

  it('maps zod errors to 400 with the field, bad JSON to 400, big bodies to 413', async () => {
    const post = (body: string) =>
      fetch(`${server.url}/api/echo`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const ok = await post('{"text":"hi"}');
    expect(await ok.json()).toEqual({ text: 'hi' });

    const invalid = await post('{"text":"far too long for this"}');
    expect(invalid.status).toBe(400);
    const body = (await invalid.json()) as { error: string; message: string; issues: { path: string }[] };
    expect(body.error).toBe('invalid_request');
    expect(body.issues[0]?.path).toBe('text');

    const broken = await post('{"text":');
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ error: 'invalid_json' });

    const big = await post(JSON.stringify({ text: 'x'.repeat(17 * 1024) }));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: 'payload_too_large' });
  });

  it('passes HttpError through and hides real bugs behind a plain 500', async () => {
    const conflict = await fetch(`${server.url}/api/teapot`);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toEqual({ error: 'chat_closed', message: 'The chat is closed.', nextOpening: null });

    const bug = await fetch(`${server.url}/api/bug`);
    expect(bug.status).toBe(500);
    const text = await bug.text();
    expect(text).not.toContain('secret internal detail');
    expect(JSON.parse(text)).toEqual({ error: 'internal_error', message: 'Something went wrong on our side.' });
    expect(lines.some((l) => l.includes('secret internal detail') && l.includes('"level":50'))).toBe(true);
  });

  it('keeps the exact bytes of webhook bodies', async () => {
    const raw = Buffer.from('{ "id" :  "x",\n"data": {} }');
    const res = await fetch(`${server.url}/webhooks/test`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: raw,
    });
    expect(await res.json()).toEqual({ raw: raw.toString('base64') });
  });

  it('never logs authorization headers or token query values', async () => {
    await fetch(`${server.url}/nowhere?token=supersecret&x=1`, { headers: { Authorization: 'Bearer hunter2' } });
    const all = lines.join('');
    expect(all).not.toContain('supersecret');
    expect(all).not.toContain('hunter2');
    expect(all).toContain('token=[redacted]&x=1');
  });

  it('ends open streams on close and stops accepting connections', async () => {
    const res = await fetch(`${server.url}/api/stream`);
    const reader = res.body!.getReader();
    await reader.read(); // the stream is open
    expect(streams.size).toBe(1);
    server.beginDrain();
    expect(streams.size).toBe(0);
    const draining = await fetch(`${server.url}/healthz`);
    expect(draining.status).toBe(503);
    expect(draining.headers.get('connection')).toBe('close');
    expect(await draining.json()).toEqual({ status: 'stopping' });
    // A deadline beyond the test timeout: only ending the stream lets close() finish.
    await server.close(120_000);
    let done = false;
    while (!done) done = (await reader.read()).done;
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
