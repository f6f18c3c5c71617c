// The whole product for the browser tests: startApp (real PostgreSQL, in-process Webex sandbox)
// with a config file of three topics, and helpers to act as agents over the sandbox's REST API.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Express } from 'express';
import { loadConfig } from '../../../src/config.js';
import { startApp, type RunningApp } from '../../../src/main.js';
import { offlineRouter } from '../../../src/http/offline.js';
import { widgetAssetsRouter, widgetBuildProblem } from '../../../src/http/widget-assets.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/** Billing opens only on the day after tomorrow (UTC), 09:00–17:00: closed now, a known next opening. */
export function billingDay(now = new Date()): (typeof WEEKDAYS)[number] {
  return WEEKDAYS[(now.getUTCDay() + 2) % 7]!;
}

function configFile(dir: string): string {
  const file = join(dir, 'livechat.json');
  writeFileSync(file, JSON.stringify({
    topics: [
      { id: 'sales', names: { en: 'Sales', pl: 'Sprzedaż', de: 'Vertrieb', fr: 'Ventes', es: 'Ventas' }, mode: 'group', agents: ['alice@example.com', 'bob@example.com'] },
      {
        id: 'support',
        names: { en: 'Support', pl: 'Pomoc techniczna', de: 'Support', fr: 'Assistance', es: 'Soporte' },
        mode: 'personal',
        agents: ['carol@example.com', 'dave@example.com'],
        fields: [
          { name: 'name', type: 'text', required: true, label: { en: 'Your name', pl: 'Imię i nazwisko' } },
          { name: 'email', type: 'email', required: true, label: { en: 'E-mail', pl: 'Adres e-mail' } },
        ],
      },
      { id: 'billing', names: { en: 'Billing', pl: 'Płatności', de: 'Abrechnung', fr: 'Facturation', es: 'Facturación' }, mode: 'group', agents: ['alice@example.com'] },
    ],
    hours: { timezone: 'UTC', topics: { billing: { weekly: { [billingDay()]: [{ start: '09:00', end: '17:00' }] } } } },
    supervisors: { spaceTitle: 'Live Chat Supervisors', emails: ['sam@example.com'] },
  }));
  return file;
}

export interface Product {
  app: RunningApp;
  url: string;
  /** `GET/POST` on the sandbox's Webex API as one of its people. */
  webex<T>(as: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

interface Room { id: string; title: string }
interface WebexMessage { id: string; text?: string; markdown?: string; personEmail?: string }

export async function startProduct(options: { allowedOrigins?: string[]; env?: Record<string, string> } = {}): Promise<Product> {
  const problem = widgetBuildProblem();
  if (problem) throw new Error(problem);
  const dir = mkdtempSync(join(tmpdir(), 'livechat-e2e-app-'));
  const db: TestDatabase = await createTestDatabase({ migrate: false });
  const config = loadConfig({
    DATABASE_URL: db.url,
    DATA_DIR: dir,
    CONFIG_FILE: configFile(dir),
    PORT: '0',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
    ALLOWED_ORIGINS: (options.allowedOrigins ?? []).join(','),
    AI_PROVIDER: 'none',
    ...options.env,
  }, []);

  // The widget's own routes, in case the composition root does not mount them (yet): routes
  // given here come after the product's, so the product's win when both exist.
  let offline: ReturnType<typeof offlineRouter> | null = null;
  const assets = widgetAssetsRouter();
  const mount = (app: Express) => {
    app.use(assets);
    app.use((req, res, next) => (offline ? offline(req, res, next) : next()));
  };

  const app = await startApp(config, { port: 0, host: '127.0.0.1', routes: [mount], sandboxDataDir: null, outbox: { sweepMs: 200, baseDelayMs: 50, maxDelayMs: 500 } });
  offline = offlineRouter({ offline: app.chats.offline });
  const sandbox = app.sandbox;
  if (!sandbox) throw new Error('e2e: the product did not start its sandbox');

  const webex = async <T>(as: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${sandbox.apiBase}${path}`, {
      method,
      headers: { Authorization: `Bearer ${sandbox.tokenFor(as)}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`sandbox ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };

  return {
    app,
    url: app.url,
    webex,
    async close() {
      await app.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits for a condition that the system reaches eventually (not a timing assertion). */
export async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`e2e: timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** The space (as `agent` sees it) whose messages include `marker`. */
export async function spaceWith(product: Product, agent: string, marker: string): Promise<Room> {
  return eventually(`a space for ${agent} containing "${marker}"`, async () => {
    const { items } = await product.webex<{ items: Room[] }>(agent, 'GET', '/rooms?sortBy=lastactivity&max=50');
    for (const room of items) {
      const messages = await product.webex<{ items: WebexMessage[] }>(agent, 'GET', `/messages?roomId=${encodeURIComponent(room.id)}&max=100`);
      if (messages.items.some((m) => `${m.text ?? ''} ${m.markdown ?? ''}`.includes(marker))) return room;
    }
    return null;
  });
}

export async function roomByTitle(product: Product, person: string, title: string): Promise<Room> {
  return eventually(`the space "${title}" for ${person}`, async () => {
    const { items } = await product.webex<{ items: Room[] }>(person, 'GET', '/rooms?max=100');
    return items.find((r) => r.title === title) ?? null;
  });
}

export async function messagesIn(product: Product, person: string, roomId: string): Promise<WebexMessage[]> {
  const { items } = await product.webex<{ items: WebexMessage[] }>(person, 'GET', `/messages?roomId=${encodeURIComponent(roomId)}&max=200`);
  return items;
}

export async function agentSays(product: Product, agent: string, roomId: string, text: string): Promise<void> {
  await product.webex(agent, 'POST', '/messages', { roomId, text });
}
