// The composition root: config -> database (store) -> bus -> scheduler -> services -> HTTP.
// `startApp` runs the steps in order; each step that holds a resource registers how to release
// it, and `close()` releases them in reverse order (HTTP first: stop accepting, drain; the
// database last). To add a piece, add a step at its place in the list below.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { openDatabase, type Database } from './adapters/db/database.js';
import { openEventBus } from './adapters/bus/index.js';
import { AgendaScheduler, type AgendaSchedulerOptions } from './adapters/scheduler/agenda.js';
import { createApp, type RouteMount } from './http/app.js';
import { listen } from './http/server.js';
import { StreamRegistry } from './http/streams.js';
import { PostgresStore } from './adapters/store/postgres/postgres-store.js';
import type { AgentChannel, EventBus, Scheduler, Store } from './ports.js';
import { join } from 'node:path';
import { HoursService } from './services/hours-service.js';
import { Supervision } from './services/supervision/supervision.js';
import { offlineRouter } from './http/offline.js';
import { widgetAssetsRouter, widgetBuildProblem } from './http/widget-assets.js';
import { SUPERVISORS_LANE } from './services/context.js';
import { createServerI18n } from './i18n.js';
import { MaxmindGeoLocator, geoDbPathsFromSetting } from './adapters/geo/maxmind.js';
import { openAgentChannel, type RetryPolicy } from './adapters/channel/index.js';
import type { Sandbox } from './sandbox/index.js';
import type { SlackSandbox } from './sandbox/slack/index.js';
import { createChatModule, type ChatModule } from './services/chat-module.js';
import type { OutboxOptions } from './services/outbox.js';
import { widgetApi, type WidgetApiOptions } from './http/widget-api.js';
import { webhookRoutes } from './http/webhooks.js';
import { createAssistant } from './adapters/ai/index.js';
import { assistantTexts } from './adapters/ai/texts.js';
import { createAssistantService } from './services/assistant.js';
import { createTranslator } from './adapters/translate/index.js';
import { ChatTranslation } from './services/translation.js';
import { BotPhase } from './services/bot-phase.js';

/** Replacements and extras for tests and benchmarks; production passes none. */
export interface AppOverrides {
  log?: Logger;
  /** An already opened database; the app uses it and leaves closing it to the caller. */
  database?: Database;
  port?: number;
  host?: string;
  /** Extra routes, mounted after the product's own. */
  routes?: RouteMount[];
  scheduler?: Partial<Pick<AgendaSchedulerOptions, 'processEvery' | 'lockLifetime' | 'drainTimeout'>>;
  /** Deadline for in-flight requests at shutdown (default 6 s: the whole stop fits in 10 s). */
  httpDrainMs?: number;
  /** Outbox tuning (tests use short leases and sweeps). */
  outbox?: Pick<OutboxOptions, 'leaseMs' | 'sweepMs' | 'baseDelayMs' | 'maxDelayMs' | 'concurrency'>;
  /** Widget API limits (benchmarks raise them). */
  widgetApi?: Pick<WidgetApiOptions, 'chatsPerMinute' | 'messagesPerMinute' | 'heartbeatMs'>;
  /** The sandbox's own state folder (default `<DATA_DIR>/sandbox`); null keeps it in memory. */
  sandboxDataDir?: string | null;
  /** The Webex client's retry policy (tests shorten the waits). */
  webexPolicy?: Partial<RetryPolicy>;
  /** The Slack client's retry policy (tests shorten the waits). */
  slackPolicy?: Partial<RetryPolicy>;
}

export interface RunningApp {
  /** Where the server answers locally: `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  config: Config;
  log: Logger;
  database: Database;
  store: Store;
  bus: EventBus;
  scheduler: Scheduler;
  streams: StreamRegistry;
  chats: ChatModule;
  /** Opening hours from the database (cached; changes reach every instance through the bus). */
  hours: HoursService;
  /** The supervisors' commands and Edit cards. */
  supervision: Supervision;
  channel: AgentChannel;
  /** The in-process Webex sandbox, when no bot token is configured. */
  sandbox: Sandbox | null;
  /** The in-process Slack sandbox (MESSENGER=slack without SLACK_BOT_TOKEN). */
  slackSandbox: SlackSandbox | null;
  /** How long each start-up step took, in order. */
  timings: { step: string; ms: number }[];
  /** Graceful stop; safe to call more than once. */
  close(): Promise<void>;
}

type Closer = { name: string; close: () => Promise<void> };


export async function startApp(config: Config, overrides: AppOverrides = {}): Promise<RunningApp> {
  const log = overrides.log ?? createLogger({ level: config.logLevel });
  const closers: Closer[] = [];
  const timings: { step: string; ms: number }[] = [];
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    timings.push({ step: name, ms: Math.round(performance.now() - started) });
    return result;
  };

  const closeAll = async () => {
    for (const closer of closers.splice(0).reverse()) {
      try {
        await closer.close();
      } catch (error) {
        log.error({ err: error, step: closer.name }, 'error while stopping');
      }
    }
  };

  try {
    // 1. Database: the server of DATABASE_URL, or an embedded PostgreSQL in DATA_DIR. Migrated.
    const database = await step('database', async () => {
      if (overrides.database) return overrides.database;
      const db = await openDatabase({ url: config.databaseUrl ?? undefined, dataDir: config.dataDir, log });
      closers.push({ name: 'database', close: () => db.close() });
      return db;
    });

    const store: Store = new PostgresStore(database.pool);

    // 2. Event bus: LISTEN/NOTIFY (or Redis pub/sub) so that instances see each other's events.
    const bus = await step('bus', async () => {
      const opened = await openEventBus(config, database, log);
      closers.push({ name: 'bus', close: () => opened.close() });
      return opened;
    });

    // 3. Scheduler: durable timers in the same database. Services define their jobs next.
    const scheduler = new AgendaScheduler({ pool: database.pool, log, drainTimeout: 3_000, ...overrides.scheduler });
    const streams = new StreamRegistry();
    const routes: RouteMount[] = [];

    // 4. Services: each adds its jobs (scheduler.define) and its routes (routes.push) here.
    //    Every sentence a visitor reads comes from one i18next instance over `locales/`.
    const i18n = await createServerI18n({ defaultLanguage: config.defaultLanguage, overrides: config.texts });

    // 4a. The assistant (AI_PROVIDER): answers chats in state `bot` through the chat hooks.
    const botPhase = await step('assistant', async () => {
      const assistant = await createAssistant(config.ai, log);
      const service = createAssistantService({
        assistant,
        store,
        texts: assistantTexts(i18n),
        log,
        turnLimit: config.ai.provider === 'none' ? 0 : config.ai.maxTurns,
      });
      return new BotPhase({ assistant: service, log });
    });

    let hoursService: HoursService | null = null;
    let supervision: Supervision | null = null;
    // 4b. Chats: topics seeded from the config into an empty database; the chat services
    //     (their timers defined now; their channel attached once HTTP is up, step 7).
    const chats = await step('chats', async () => {
      if ((await store.listTopics()).length === 0) {
        for (const topic of config.topics) await store.saveTopic(topic, 'config');
      }
      const geo = new MaxmindGeoLocator({ paths: geoDbPathsFromSetting(config.geoipDb) });
      await geo.open();
      // Opening hours live in the database; the config file seeds an empty one.
      hoursService = new HoursService({ store, bus, log, seed: config.hours });
      await hoursService.start();
      closers.push({ name: 'hours', close: async () => hoursService!.stop() });
      const hours = hoursService.availability;
      supervision = new Supervision({
        store,
        hours: hoursService,
        log: log.child({ component: 'supervision' }),
        supervisors: config.supervisors.emails,
        assistantDefault: config.ai.provider !== 'none',
      });
      const module = createChatModule({
        store,
        scheduler,
        bus,
        geo,
        i18n,
        log,
        hours,
        settings: {
          agentDisplay: config.agentDisplay === 'first-name' ? 'first_name' : 'support',
          timers: config.timers,
          supervisors: config.supervisors,
        },
        ...(overrides.outbox ? { outbox: overrides.outbox } : {}),
        chatHooks: botPhase.hooks,
        ...(await translationOf(config, log)),
        // Spaces without a chat: the supervisors' space.
        deskHooks: { onOtherSpaceMessage: supervision.onMessage, onOtherSpaceAction: supervision.onAction },
      });
      botPhase.attach(module);
      routes.push(
        widgetApi({
          chats: module.chats,
          store,
          notices: module.notices,
          streams,
          i18n,
          hours,
          now: () => new Date(),
          allowedOrigins: [...(config.publicUrl ? [new URL(config.publicUrl).origin] : []), ...config.allowedOrigins],
          languages: config.languages,
          onStreamOpen: module.presence.opened,
          onStreamClose: module.presence.closed,
          ...overrides.widgetApi,
        }),
        webhookRoutes(() => channelRef),
        // The widget's offline form: kept, and posted to the supervisors' space through the outbox.
        (app) =>
          app.use(
            offlineRouter({
              store,
              log,
              enqueue: (markdown) => module.core.deliver(SUPERVISORS_LANE, { kind: 'supervisors_message', markdown }),
            }),
          ),
        // The visitor widget: `/widget.js`, its lazily loaded UI, and the `/demo` page.
        (app) => app.use(widgetAssetsRouter()),
        // The sandboxes are created once the server's address is known (step 7).
        (app) =>
          app.use('/sandbox/slack', (req, res, next) => (slackSandboxRef ? slackSandboxRef.router(req, res, next) : next())),
        (app) => app.use('/sandbox', (req, res, next) => (sandboxRef ? sandboxRef.router(req, res, next) : next())),
      );
      return module;
    });
    let channelRef: AgentChannel | null = null;
    let sandboxRef: Sandbox | null = null;
    let slackSandboxRef: SlackSandbox | null = null;

    // 5. Start the jobs, once every job is defined.
    await step('scheduler', async () => {
      await scheduler.start();
      closers.push({ name: 'scheduler', close: () => scheduler.stop() });
    });

    // 6. HTTP, last: nothing is served before everything above is ready.
    const http = await step('http', async () => {
      const app = createApp({
        log,
        streams,
        trustProxy: config.trustProxy,
        health: () => store.ping(),
        routes: [...routes, ...(overrides.routes ?? [])],
      });
      const server = await listen(app, { port: overrides.port ?? config.port, host: overrides.host, streams, log });
      closers.push({ name: 'http', close: () => server.close(overrides.httpDrainMs ?? 6_000) });
      return server;
    });

    // 7. Agent channel (Webex or Slack, or its sandbox in this process when no bot token is set).
    //    It registers webhooks pointing at this server, so it starts after HTTP; then the chats.
    await step('channel', async () => {
      const opened = await openAgentChannel(config, {
        baseUrl: (config.publicUrl ?? http.url).replace(/\/$/, ''),
        handlers: chats.handlers,
        dedupe: (key) => store.markProcessed(key),
        log,
        sandboxDataDir: overrides.sandboxDataDir === undefined ? join(config.dataDir, 'sandbox') : overrides.sandboxDataDir,
        serveSandbox: (sandboxes) => {
          sandboxRef = sandboxes.sandbox;
          slackSandboxRef = sandboxes.slackSandbox;
        },
        ...(overrides.webexPolicy ? { webexPolicy: overrides.webexPolicy } : {}),
        ...(overrides.slackPolicy ? { slackPolicy: overrides.slackPolicy } : {}),
      });
      channelRef = opened.channel;
      closers.push({ name: 'channel', close: () => opened.close() });
      await chats.start(opened.channel);
      closers.push({ name: 'chats', close: () => chats.stop() });
    });

    // Runs first at close: streams end and /healthz turns 503 while the steps above stop
    // (the in-process sandbox still answers them); then HTTP stops accepting and drains.
    closers.push({ name: 'http-drain', close: async () => http.beginDrain() });

    let closing: Promise<void> | undefined;
    return {
      url: http.url,
      port: http.port,
      config,
      log,
      database,
      store,
      bus,
      scheduler,
      streams,
      chats,
      hours: hoursService!,
      supervision: supervision!,
      channel: channelRef!,
      sandbox: sandboxRef,
      slackSandbox: slackSandboxRef,
      timings,
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/**
 * Stops the app on SIGTERM/SIGINT and exits 0 (1 if stopping failed). A second signal (a second
 * later or more), or a stop taking longer than `deadlineMs`, exits at once with 1.
 */
export function handleSignals(app: Pick<RunningApp, 'close' | 'log'>, deadlineMs = 10_000): void {
  let started = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) {
      // npm and tsx relay the signal the terminal already sent to the whole process group:
      // duplicates arrive within milliseconds. Only a later one means "stop now".
      if (performance.now() - started < 1_000) return;
      app.log.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    started = performance.now();
    app.log.info({ signal }, 'stopping');
    setTimeout(() => {
      app.log.error('stop took too long, exiting');
      process.exit(1);
    }, deadlineMs).unref();
    app.close().then(
      () => {
        app.log.info({ ms: Math.round(performance.now() - started) }, 'stopped');
        // Agenda's lock-keeping timers outlive stop(); nothing else is left to finish.
        process.exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** The CLI: load the config (exit 1 with the reasons if bad), start, log "ready", wait for a signal. */
export async function runCli(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger({ level: config.logLevel });
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection'));

  let app: RunningApp;
  try {
    app = await startApp(config, { log });
  } catch (error) {
    log.fatal({ err: error }, 'start failed');
    process.exit(1);
  }
  handleSignals(app);
  const widgetProblem = widgetBuildProblem();
  if (widgetProblem) log.warn(widgetProblem);
  const base = config.publicUrl ?? `http://localhost:${app.port}`;
  const readyMs = Math.round(performance.now());
  log.info(
    {
      url: base,
      health: `${base}/healthz`,
      demo: `${base}/demo`,
      ...(app.sandbox ? { sandboxConsole: `${base}/sandbox/` } : {}),
      database: app.database.embedded ? `embedded (${config.dataDir}/postgres)` : 'server',
      messenger:
        config.messenger === 'slack'
          ? app.slackSandbox ? 'slack sandbox' : 'slack'
          : app.sandbox ? 'webex sandbox' : 'webex',
      config: config.source,
      steps: app.timings,
      // Since the process started: what a person waits for after typing `npm start`.
      readyMs,
    },
    'ready',
  );
  // A person at a terminal gets the two pages to open in plain words; the JSON line is for machines.
  if (process.stdout.isTTY) {
    process.stderr.write(
      `\nWebex Live Chat is ready in ${(readyMs / 1000).toFixed(1)} s\n` +
        `  visitor demo page   ${base}/demo\n` +
        (app.sandbox ? `  agent console       ${base}/sandbox/  (the Webex sandbox: be alice, bob, … or sam)\n` : '') +
        `  health              ${base}/healthz\n\n`,
    );
  }
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(entry).href) {
  void runCli();
}

/** TRANSLATOR: the chat module's translation between visitors and agents, or nothing when off. */
async function translationOf(config: Config, log: Logger): Promise<{ translation?: ChatTranslation }> {
  const { agentLanguage, timeoutMs, ...settings } = config.translation;
  const translator = await createTranslator(settings, { timeoutMs });
  if (!translator) return {};
  log.info({ translator: settings.provider, agentLanguage }, 'machine translation on');
  return { translation: new ChatTranslation({ translator, agentLanguage, timeoutMs, log: log.child({ component: 'translation' }) }) };
}
