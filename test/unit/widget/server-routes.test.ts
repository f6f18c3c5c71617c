// The widget's server side over real HTTP in the product's Express app: the built files with
// their caching and cross-origin headers (and a clear 503 without a build), and the offline
// form's route (validation, unknown topic, hand-over to the offline service, rate limit).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/http/app.js';
import { offlineRouter } from '../../../src/http/offline.js';
import { listen, type HttpServer } from '../../../src/http/server.js';
import { StreamRegistry } from '../../../src/http/streams.js';
import { widgetAssetsRouter, widgetBuildProblem } from '../../../src/http/widget-assets.js';
import { createLogger } from '../../../src/logger.js';
import type { OfflineInput } from '../../../src/services/offline.js';
import { ChatError } from '../../../src/services/errors.js';

const log = createLogger({ level: 'silent' });
const dist = mkdtempSync(join(tmpdir(), 'livechat-widget-dist-'));
const missing = mkdtempSync(join(tmpdir(), 'livechat-widget-none-'));
mkdirSync(join(dist, 'widget', 'assets'), { recursive: true });
mkdirSync(join(dist, 'demo'), { recursive: true });
writeFileSync(join(dist, 'widget.js'), '(function(){})();');
writeFileSync(join(dist, 'widget', 'assets', 'ui-abc123.js'), 'export function mount(){}');
writeFileSync(join(dist, 'demo.html'), '<!doctype html><title>demo</title>');
writeFileSync(join(dist, 'demo', 'demo.css'), 'body{}');

const saved: { input: OfflineInput; ip: string | null }[] = [];
// The route's collaborator: what it keeps and posts is the offline service's (its own tests).
const offline = {
  leave: async (input: OfflineInput, ip: string | null) => {
    if (input.topic !== 'sales') throw new ChatError('unknown_topic', `There is no topic "${input.topic}".`);
    saved.push({ input, ip });
    return { id: saved.length };
  },
};

let server: HttpServer;
let base: string;

beforeAll(async () => {
  const app = createApp({
    log,
    streams: new StreamRegistry(),
    health: async () => {},
    routes: [
      (a) => a.use(widgetAssetsRouter({ distDir: dist })),
      (a) => a.use('/none', widgetAssetsRouter({ distDir: missing })),
      (a) => a.use(offlineRouter({ offline })),
      (a) => a.use('/limited', offlineRouter({ offline, rateLimit: { windowMs: 60_000, limit: 3 } })),
    ],
  });
  server = await listen(app, { port: 0, host: '127.0.0.1', streams: new StreamRegistry(), log });
  base = server.url;
});

afterAll(async () => {
  await server?.close(1000);
  rmSync(dist, { recursive: true, force: true });
  rmSync(missing, { recursive: true, force: true });
});

describe('widget assets', () => {
  it('serves the loader with a short cache, readable from any site', async () => {
    const res = await fetch(`${base}/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });

  it('serves hashed UI chunks as immutable for a year, and 404s unknown ones', async () => {
    const res = await fetch(`${base}/widget/assets/ui-abc123.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('max-age=31536000');
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    const gone = await fetch(`${base}/widget/assets/ui-old.js`);
    expect(gone.status).toBe(404);
    expect(gone.headers.get('cache-control')).toBe('no-store');
  });

  it('serves the demo page under a strict CSP, and its stylesheet', async () => {
    const res = await fetch(`${base}/demo`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>demo</title>');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect((await fetch(`${base}/demo/demo.css`)).status).toBe(200);
    // The browser's automatic icon request gets an empty answer, not a 404 in the console.
    expect((await fetch(`${base}/favicon.ico`)).status).toBe(204);
  });

  it('says clearly that the build is missing', async () => {
    expect(widgetBuildProblem(missing)).toContain('npm run build:widget');
    expect(widgetBuildProblem(dist)).toBeNull();
    for (const path of ['/none/widget.js', '/none/demo', '/none/widget/assets/ui-abc123.js']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(503);
      expect(await res.text(), path).toContain('npm run build:widget');
    }
  });
});

describe('POST /api/v1/offline', () => {
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const good = { topic: 'sales', name: 'Ola', email: 'ola@example.com', message: 'Call me <@all> [x](http://evil)', language: 'pl', page: 'https://shop.example/p' };

  it('hands the parsed message and the visitor IP to the offline service', async () => {
    const res = await post('/api/v1/offline', good);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ ok: true, id: saved.length });
    expect(saved.at(-1)!.input).toEqual(good);
    expect(saved.at(-1)!.ip).toBeTruthy();
  });

  it("answers 400 naming the bad fields (the errors handler's one shape), 404 for an unknown topic", async () => {
    const kept = saved.length;
    const bad = await post('/api/v1/offline', { ...good, email: 'nope', message: '   ' });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: string; fields: string[] };
    expect(body.error).toBe('invalid_request');
    expect(body.fields.sort()).toEqual(['email', 'message']);
    const extra = await post('/api/v1/offline', { ...good, admin: true });
    expect(extra.status).toBe(400);
    const unknown = await post('/api/v1/offline', { ...good, topic: 'nope' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'unknown_topic' });
    const long = await post('/api/v1/offline', { ...good, message: 'x'.repeat(4001) });
    expect(long.status).toBe(400);
    expect(saved.length).toBe(kept);
  });

  it('is rate-limited per address', async () => {
    for (let i = 0; i < 3; i++) expect((await post('/limited/api/v1/offline', good)).status).toBe(202);
    const limited = await post('/limited/api/v1/offline', good);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: 'rate_limited' });
  });
});
