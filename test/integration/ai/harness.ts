// The product's pieces as the composition root (src/main.ts) assembles them, plus the assistant:
// a real database, the Webex sandbox over HTTP, the Webex channel, the chat module with the
// BotPhase hooks, and the widget API. Tests talk to it as the widget and read the space as an
// agent would.
import pino from 'pino';
import { createWebexChannel, type WebexChannel } from '../../../src/adapters/channel/webex/channel.js';
import { createAssistant, type AssistantSettings } from '../../../src/adapters/ai/index.js';
import { createAssistantTexts } from '../../unit/ai/support/texts.js';
import { MemoryEventBus } from '../../../src/adapters/bus/memory.js';
import { AgendaScheduler } from '../../../src/adapters/scheduler/agenda.js';
import { PostgresStore } from '../../../src/adapters/store/postgres/postgres-store.js';
import type { Topic } from '../../../src/domain/types.js';
import { createApp, type RouteMount } from '../../../src/http/app.js';
import { listen } from '../../../src/http/server.js';
import { StreamRegistry } from '../../../src/http/streams.js';
import { webhookRoutes } from '../../../src/http/webhooks.js';
import { widgetApi } from '../../../src/http/widget-api.js';
import { createServerI18n } from '../../../src/i18n.js';
import type { AgentChannel } from '../../../src/ports.js';
import { createSandbox, type Sandbox } from '../../../src/sandbox/index.js';
import { createAssistantService } from '../../../src/services/assistant.js';
import type { BotPhase } from '../../../src/services/bot-phase.js';
import { createChatModule, type ChatModule } from '../../../src/services/chat-module.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

export interface AiStack {
  url: string;
  store: PostgresStore;
  sandbox: Sandbox;
  phase: BotPhase;
  module: ChatModule;
  /** Waits until the chat's bot turns are done and everything queued for the space is posted. */
  settle(chatId: string): Promise<void>;
  /** The space's messages, oldest first, as an agent in it sees them. */
  spaceMessages(spaceId: string, asEmail?: string): Promise<{ text: string; markdown?: string; personEmail: string; attachments?: unknown[] }[]>;
  close(): Promise<void>;
}

const MINUTE = 60_000;

export async function startAiStack(options: { assistant: AssistantSettings; topics: Topic[]; turnLimit?: number; timeoutMs?: number }): Promise<AiStack> {
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const db: TestDatabase = await createTestDatabase();
  const store = new PostgresStore(db.pool);
  for (const topic of options.topics) await store.saveTopic(topic, 'test');
  const bus = new MemoryEventBus(log);
  const scheduler = new AgendaScheduler({ pool: db.pool, log, processEvery: 500, drainTimeout: 1_000 });
  const streams = new StreamRegistry();
  const i18n = await createServerI18n();

  const assistant = await createAssistant(options.assistant, log);
  const service = createAssistantService({
    assistant,
    store,
    texts: await createAssistantTexts(),
    log,
    turnLimit: options.turnLimit ?? 8,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const hours = () => ({ open: true, nextOpening: null });
  const module = createChatModule({
    store,
    scheduler,
    bus,
    geo: { locate: async () => null },
    i18n,
    log,
    hours,
    settings: {
      agentDisplay: 'support',
      timers: { inactivityWarn: 10 * MINUTE, inactivityClose: 15 * MINUTE, lostVisitor: 10 * MINUTE, leaveGrace: MINUTE, unclaimedAlert: 3 * MINUTE, retention: 100 * MINUTE, sweepEvery: MINUTE,
        queueUpdate: 10 * MINUTE, queueGiveUp: 20 * MINUTE, spaceCleanup: 50 * MINUTE },
      supervisors: { spaceTitle: 'Supervisors', emails: [] },
    },
    outbox: { sweepMs: 100, leaseMs: 10_000, baseDelayMs: 50, maxDelayMs: 500 },
    assistant: service,
  });
  const phase = module.botPhase!;

  let channel: WebexChannel | null = null;
  let sandbox: Sandbox | null = null;
  const routes: RouteMount[] = [
    widgetApi({ chats: module.chats, notices: module.notices, streams, i18n, hours, now: () => new Date(), allowedOrigins: [], languages: ['en', 'pl', 'de', 'fr', 'es'] }),
    webhookRoutes(() => channel as AgentChannel | null),
    (app) => app.use('/sandbox', (req, res, next) => (sandbox ? sandbox.router(req, res, next) : next())),
  ];
  await scheduler.start();
  const app = createApp({ log, streams, health: () => store.ping(), routes });
  const http = await listen(app, { port: 0, host: '127.0.0.1', streams, log });
  sandbox = await createSandbox({ publicUrl: `${http.url}/sandbox`, dataDir: null, log });
  const bot = sandbox.identities().find((i) => i.type === 'bot')!;
  channel = createWebexChannel({
    apiBase: sandbox.apiBase,
    botToken: bot.token,
    relay: { token: sandbox.tokenFor('relay@example.com') },
    webhookUrl: `${http.url}/webhooks/webex`,
    webhookSecret: 'ai-test-secret',
    dedupe: (key) => store.markProcessed(key),
    logger: log,
  });
  await channel.start(module.handlers);
  await module.start(channel);

  const sandboxApi = sandbox.apiBase;
  const get = async <T>(path: string, email: string): Promise<T> => {
    const res = await fetch(`${sandboxApi}${path}`, { headers: { authorization: `Bearer ${sandbox!.tokenFor(email)}` } });
    if (!res.ok) throw new Error(`sandbox ${path}: ${res.status}`);
    return (await res.json()) as T;
  };

  return {
    url: http.url,
    store,
    sandbox,
    phase,
    module,
    async settle(chatId) {
      for (let i = 0; i < 400; i++) {
        await phase.idle();
        if ((await store.countPendingOutbox(chatId)) === 0) {
          await phase.idle();
          if ((await store.countPendingOutbox(chatId)) === 0) return;
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`chat ${chatId}: deliveries still pending`);
    },
    async spaceMessages(spaceId, asEmail = 'relay@example.com') {
      const { items } = await get<{ items: { text: string; markdown?: string; personEmail: string; attachments?: unknown[] }[] }>(
        `/messages?roomId=${encodeURIComponent(spaceId)}&max=100`,
        asEmail,
      );
      return items.reverse(); // Webex lists newest first
    },
    async close() {
      await phase.stop();
      await module.stop();
      await channel?.stop();
      await scheduler.stop();
      await http.close(1_000);
      await sandbox?.close();
      await bus.close();
      await db.drop();
    },
  };
}

/** The widget's calls. */
export class Visitor {
  chatId = '';
  private token = '';
  private counter = 0;

  constructor(private readonly base: string) {}

  async start(topic: string, language: string): Promise<void> {
    const res = await fetch(`${this.base}/api/v1/chats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic, language, name: 'Ada Visitor' }),
    });
    if (res.status !== 201 && res.status !== 200) throw new Error(`start: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { chatId?: string; id?: string; token: string; chat?: { id: string } };
    this.chatId = body.chatId ?? body.id ?? body.chat!.id;
    this.token = body.token;
  }

  async say(text: string): Promise<void> {
    const res = await fetch(`${this.base}/api/v1/chats/${this.chatId}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify({ text, clientId: `c${++this.counter}` }),
    });
    if (res.status !== 202) throw new Error(`say: ${res.status} ${await res.text()}`);
  }

  async messages(): Promise<{ state: string; messages: { seq: number; from: string; text: string; name?: string; data?: Record<string, unknown> }[] }> {
    const res = await fetch(`${this.base}/api/v1/chats/${this.chatId}/messages?after=0`, { headers: { authorization: `Bearer ${this.token}` } });
    if (!res.ok) throw new Error(`messages: ${res.status}`);
    return (await res.json()) as Awaited<ReturnType<Visitor['messages']>>;
  }
}
