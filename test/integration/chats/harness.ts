// The product as the chat tests see it: startApp on a fresh test database with the in-process
// sandbox, a visitor talking to the widget API over HTTP, and agents acting through the
// sandbox's Webex REST API with their own tokens.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config.js';
import { startApp, type AppOverrides, type RunningApp } from '../../../src/main.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

export const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** Topics of the tests: the demo's two, an identified one and one that is never open. */
export const TEST_CONFIG = {
  topics: [
    { id: 'sales', names: { en: 'Sales', pl: 'Sprzedaż' }, mode: 'group', agents: ['alice@example.com', 'bob@example.com'] },
    { id: 'support', names: { en: 'Support', pl: 'Pomoc' }, mode: 'personal', agents: ['carol@example.com', 'dave@example.com'] },
    {
      id: 'billing',
      names: { en: 'Billing' },
      mode: 'personal',
      agents: ['dave@example.com'],
      fields: [
        { name: 'name', type: 'text', required: true, label: { en: 'Name' } },
        { name: 'email', type: 'email', required: true, label: { en: 'E-mail' } },
      ],
    },
    { id: 'night', names: { en: 'Night desk' }, mode: 'group', agents: ['bob@example.com'] },
  ],
  hours: {
    timezone: 'UTC',
    // Open at all hours, except the night desk, which has no opening in its week.
    topics: { night: { weekly: {} } },
  },
  supervisors: { spaceTitle: 'Live Chat Supervisors', emails: ['sam@example.com'] },
};

export interface Product {
  app: RunningApp;
  db: TestDatabase;
  dataDir: string;
  /** Starts another instance on the same database and sandbox data (a restart). */
  restart(env?: Record<string, string>): Promise<RunningApp>;
  /**
   * Starts a second instance beside the first, on the same database, talking to the first
   * one's sandbox as if it were Webex (tokens from the sandbox, its own public URL).
   */
  another(): Promise<RunningApp>;
  close(): Promise<void>;
}

const FAST: AppOverrides = {
  port: 0,
  host: '127.0.0.1',
  outbox: { sweepMs: 100, leaseMs: 5_000, baseDelayMs: 100, maxDelayMs: 1_000 },
  scheduler: { processEvery: 100, lockLifetime: 5_000, drainTimeout: 1_000 },
  widgetApi: { chatsPerMinute: 1_000, messagesPerMinute: 1_000, messagesPerIpPerMinute: 10_000, refusedPerMinute: 10_000, heartbeatMs: 1_000 },
  httpDrainMs: 500,
  webexPolicy: { baseDelayMs: 20, maxDelayMs: 200, maxRetries: 2, timeoutMs: 5_000 },
};

/** `limits`: widget API limits over the tests' generous ones (for every instance started). */
export async function startProduct(env: Record<string, string> = {}, limits: AppOverrides['widgetApi'] = {}): Promise<Product> {
  const tuned: AppOverrides = { ...FAST, widgetApi: { ...FAST.widgetApi, ...limits } };
  const db = await createTestDatabase({ poolMax: 20 });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'chats-test-'));
  const configFile = path.join(dataDir, 'livechat.config.json');
  writeFileSync(configFile, JSON.stringify(TEST_CONFIG));
  // The bot framework's Webex SDK reads its API base once per process: a restarted instance
  // keeps the port (as a restarted server would), so the in-process sandbox's URL stays.
  let port = 0;
  // Every instance shares the test's database (closed by the test, not by the app).
  const database = { pool: db.pool, url: db.url, embedded: false, close: async () => {} };
  const configWith = (extra: Record<string, string>) =>
    loadConfig(
      {
        LOG_LEVEL: 'silent',
        DATA_DIR: dataDir,
        CONFIG_FILE: configFile,
        EVENT_BUS: 'postgres',
        TIMER_SWEEP_EVERY: '200ms',
        ...env,
        ...extra,
      },
      [],
      dataDir,
    );
  const boot = async (extra: Record<string, string>) => {
    const app = await startApp(configWith(extra), {
      ...tuned,
      port,
      log,
      database,
      sandboxDataDir: path.join(dataDir, 'sandbox'),
    });
    port = app.port;
    return app;
  };
  const apps: RunningApp[] = [];
  const first = await boot({});
  apps.push(first);
  return {
    app: first,
    db,
    dataDir,
    async restart(extra = {}) {
      const next = await boot(extra);
      apps.push(next);
      return next;
    },
    async another() {
      const sandbox = first.sandbox!;
      const free = createServer();
      await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
      const freePort = (free.address() as AddressInfo).port;
      await new Promise<void>((resolve) => free.close(() => resolve()));
      const bot = sandbox.identities().find((i) => i.type === 'bot')!;
      const config = configWith({
        PORT: String(freePort),
        PUBLIC_URL: `http://127.0.0.1:${freePort}`,
        WEBEX_BOT_TOKEN: bot.token,
        WEBEX_RELAY_TOKEN: sandbox.tokenFor('relay@example.com'),
        WEBEX_WEBHOOK_SECRET: 'sandbox-webhook-secret',
        HYDRA_SERVICE_URL: sandbox.apiBase,
      });
      const next = await startApp(config, { ...tuned, port: freePort, log, database });
      apps.push(next);
      return next;
    },
    async close() {
      for (const a of apps.reverse()) await a.close().catch(() => {});
      await db.drop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Waiting without timed assertions: poll until true (the test's own timeout is the bound).

export async function eventually<T>(check: () => Promise<T | null | undefined | false> | T | null | undefined | false, everyMs = 25): Promise<T> {
  // Give up before the test's own timeout, with a stack that names the wait that never ended.
  const failure = new Error('a condition never came true within 25 s');
  const deadline = Date.now() + 25_000;
  for (;;) {
    const value = await check();
    if (value) return value as T;
    if (Date.now() > deadline) throw failure;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

// ---------------------------------------------------------------------------------------------
// The visitor

export interface WireMessage {
  seq: number;
  from: string;
  text: string;
  at: string;
  name?: string;
  data?: Record<string, unknown>;
}

export class Visitor {
  id = '';
  token = '';

  constructor(readonly base: string) {}

  static async start(base: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Visitor> {
    const v = new Visitor(base);
    const res = await fetch(`${base}/api/v1/chats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) throw new Error(`start failed: ${res.status} ${await res.text()}`);
    const json = (await res.json()) as { id: string; token: string };
    v.id = json.id;
    v.token = json.token;
    return v;
  }

  /** Same chat and token, another base URL (another instance). */
  on(base: string): Visitor {
    const v = new Visitor(base);
    v.id = this.id;
    v.token = this.token;
    return v;
  }

  private auth(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` };
  }

  async send(text: string, clientId = `c-${Math.random().toString(36).slice(2)}`): Promise<Response> {
    return fetch(`${this.base}/api/v1/chats/${this.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.auth() },
      body: JSON.stringify({ text, clientId }),
    });
  }

  async messages(after = 0, wait = 0): Promise<{ messages: WireMessage[]; state: string }> {
    const res = await fetch(`${this.base}/api/v1/chats/${this.id}/messages?after=${after}&wait=${wait}`, { headers: this.auth() });
    if (res.status !== 200) throw new Error(`messages: ${res.status}`);
    return (await res.json()) as { messages: WireMessage[]; state: string };
  }

  /** Waits until a message matching `match` is in the transcript. */
  async waitFor(match: (m: WireMessage) => boolean): Promise<WireMessage> {
    return eventually(async () => (await this.messages()).messages.find(match));
  }

  async state(): Promise<string> {
    return (await this.messages()).state;
  }

  close(): Promise<Response> {
    return fetch(`${this.base}/api/v1/chats/${this.id}/close`, { method: 'POST', headers: this.auth() });
  }

  leave(): Promise<Response> {
    return fetch(`${this.base}/api/v1/chats/${this.id}/leave`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({ token: this.token }),
    });
  }

  events(lastEventId?: number): EventStream {
    return new EventStream(`${this.base}/api/v1/chats/${this.id}/events`, this.token, lastEventId);
  }
}

export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

/** A minimal SSE reader over fetch (the widget uses EventSource; the wire format is the same). */
export class EventStream {
  readonly events: SseEvent[] = [];
  readonly status: Promise<number>;
  private readonly controller = new AbortController();
  private waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  readonly done: Promise<void>;

  constructor(url: string, token: string, lastEventId?: number) {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
    if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId);
    const response = fetch(url, { headers, signal: this.controller.signal });
    this.status = response.then((r) => r.status);
    this.done = response.then(async (r) => {
      if (!r.body) return;
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of r.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            this.parse(block);
          }
        }
      } catch {
        // aborted
      }
    }, () => undefined);
  }

  private parse(block: string): void {
    let id: string | null = null;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length === 0) return;
    const e = { id, event, data: data.join('\n') };
    this.events.push(e);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(e)) return true;
      w.resolve(e);
      return false;
    });
  }

  messages(): WireMessage[] {
    return this.events.filter((e) => e.event === 'message').map((e) => JSON.parse(e.data) as WireMessage);
  }

  next(match: (e: SseEvent) => boolean): Promise<SseEvent> {
    const found = this.events.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  nextMessage(match: (m: WireMessage) => boolean): Promise<WireMessage> {
    return this.next((e) => e.event === 'message' && match(JSON.parse(e.data) as WireMessage)).then(
      (e) => JSON.parse(e.data) as WireMessage,
    );
  }

  close(): void {
    this.controller.abort();
  }
}

// ---------------------------------------------------------------------------------------------
// Agents, through the sandbox's Webex API with their own tokens

export interface WebexMessage {
  id: string;
  roomId: string;
  personEmail: string;
  text?: string;
  markdown?: string;
  parentId?: string;
  attachments?: { contentType: string; content: { body?: unknown[]; actions?: { title: string; data?: Record<string, unknown>; card?: { actions?: { data?: Record<string, unknown> }[] } }[] } }[];
  created: string;
}

export class Agent {
  constructor(
    readonly app: RunningApp,
    readonly email: string,
  ) {}

  private get api(): string {
    return this.app.sandbox!.apiBase;
  }

  private token(): string {
    return this.app.sandbox!.tokenFor(this.email);
  }

  async call<T>(method: string, pathAndQuery: string, body?: unknown): Promise<{ status: number; json: T }> {
    const res = await fetch(`${this.api}${pathAndQuery}`, {
      method,
      headers: { authorization: `Bearer ${this.token()}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : null) as T };
  }

  async say(roomId: string, text: string, parentId?: string): Promise<WebexMessage> {
    const { status, json } = await this.call<WebexMessage>('POST', '/messages', { roomId, text, ...(parentId ? { parentId } : {}) });
    if (status !== 200) throw new Error(`${this.email} cannot post: ${status} ${JSON.stringify(json)}`);
    return json;
  }

  /** Messages of the room, oldest first (Webex lists newest first). */
  async messages(roomId: string): Promise<WebexMessage[]> {
    const { status, json } = await this.call<{ items: WebexMessage[] }>('GET', `/messages?roomId=${encodeURIComponent(roomId)}&max=1000`);
    if (status !== 200) throw new Error(`${this.email} cannot read ${roomId}: ${status}`);
    return [...json.items].reverse();
  }

  /** Like messages(), but an empty list while the agent is not (yet) a member. */
  async messagesIfMember(roomId: string): Promise<WebexMessage[]> {
    const { status, json } = await this.call<{ items: WebexMessage[] }>('GET', `/messages?roomId=${encodeURIComponent(roomId)}&max=1000`);
    if (status === 404 || status === 403) return [];
    if (status !== 200) throw new Error(`${this.email} cannot read ${roomId}: ${status}`);
    return [...json.items].reverse();
  }

  async submit(messageId: string, inputs: Record<string, unknown>): Promise<number> {
    const { status } = await this.call('POST', '/attachment/actions', { type: 'submit', messageId, inputs });
    return status;
  }
}

/** Members' e-mails of a room, read as the relay identity (a member of every chat space). */
export async function members(app: RunningApp, roomId: string): Promise<string[]> {
  const relay = new Agent(app, 'relay@example.com');
  const { json } = await relay.call<{ items: { personEmail: string }[] }>('GET', `/memberships?roomId=${encodeURIComponent(roomId)}`);
  return json.items.map((m) => m.personEmail).sort();
}

export async function spaceOf(app: RunningApp, chatId: string): Promise<string> {
  return eventually(async () => (await app.store.getChat(chatId))?.spaceId);
}

/**
 * The newest control card (the one with a Claim or Close action) in the room. `replacing`: a card
 * that is being replaced; only a card posted after it counts (it may still be listed a moment).
 */
export async function latestCard(agent: Agent, roomId: string, withClaim = false, replacing?: string): Promise<WebexMessage> {
  return eventually(async () => {
    const listed = await agent.messagesIfMember(roomId);
    const after = replacing ? listed.findIndex((m) => m.id === replacing) + 1 : 0;
    const cards = listed.slice(after).filter((m) =>
      m.attachments?.some((a) =>
        a.content.actions?.some((act) => (withClaim ? act.title === 'Claim' : act.title === 'Close')),
      ),
    );
    return cards.at(-1);
  });
}

/** Waits for a line in the room whose text matches. */
export async function waitForText(agent: Agent, roomId: string, pattern: RegExp): Promise<WebexMessage> {
  return eventually(async () => (await agent.messagesIfMember(roomId)).find((m) => pattern.test(m.markdown ?? m.text ?? '')));
}
