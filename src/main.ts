// The composition root: config -> database (store) -> bus -> scheduler -> services -> HTTP.
// `startApp` runs the steps in order; each step that holds a resource registers how to release
// it, and `close()` releases them in reverse order (HTTP first: stop accepting, drain; the
// database last). To add a piece, add a step at its place in the list below.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { StartUp, type Closer } from './start-up.js';
import { startServices, productRoutes, type ServiceTuning } from './assemble.js';
import { openEventBus } from './adapters/bus/index.js';
import { openAgentChannel, type InboundQueueTuning, type RetryPolicy } from './adapters/channel/index.js';
import { openDatabase, type Database } from './adapters/db/database.js';
import { AgendaScheduler, type AgendaSchedulerOptions } from './adapters/scheduler/agenda.js';
import { RedisRateLimits } from './adapters/ratelimit/redis.js';
import { PostgresStore } from './adapters/store/postgres/postgres-store.js';
import { createApp, type RouteMount } from './http/app.js';
import { localOnly, warnPublicSandbox } from './http/local-only.js';
import { listen, type HttpServer } from './http/server.js';
import { StreamRegistry } from './http/streams.js';
import { webhookRoutes } from './http/webhooks.js';
import { widgetBuildProblem } from './http/widget-assets.js';
import type { AgentChannel, EventBus, Json, RateLimitStore, Scheduler, Store } from './ports.js';
import { plain } from './domain/rich-text.js';
import { SUPERVISORS_LANE } from './services/context.js';
import type { Sandbox } from './sandbox/index.js';
import type { SlackSandbox } from './sandbox/slack/index.js';
import type { ChatModule } from './services/chat-module.js';
import type { HoursService } from './services/hours-service.js';

/** Replacements and extras for tests and benchmarks; production passes none. */
export interface AppOverrides extends ServiceTuning {
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
  /** The sandbox's own state folder (default `<DATA_DIR>/sandbox`); null keeps it in memory. */
  sandboxDataDir?: string | null;
  /** The Webex client's retry policy (tests shorten the waits). */
  webexPolicy?: Partial<RetryPolicy>;
  /** The Slack client's retry policy (tests shorten the waits). */
  slackPolicy?: Partial<RetryPolicy>;
  /** The embedded database is down for good (the CLI exits non-zero; default: logged only). */
  onDatabaseLost?: () => void;
  /** The inbound queue's timings and the webhook check / reconciliation period (default 30 s). */
  inbound?: InboundQueueTuning & { upkeepMs?: number };
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

/**
 * Steps 1–3. Database: the server of DATABASE_URL, or an embedded PostgreSQL in DATA_DIR,
 * migrated. Event bus: LISTEN/NOTIFY (or Redis pub/sub) so that instances see each other's
 * events. Scheduler: durable timers in the same database (services define their jobs next).
 */
async function openFoundation(config: Config, overrides: AppOverrides, log: Logger, startUp: Pick<StartUp, 'step' | 'closers'>) {
  const { step, closers } = startUp;
  const database = await step('database', async () => {
    if (overrides.database) return overrides.database;
    const db = await openDatabase({
      url: config.databaseUrl ?? undefined,
      dataDir: config.dataDir,
      log,
      ...(overrides.onDatabaseLost ? { onGiveUp: overrides.onDatabaseLost } : {}),
    });
    closers.push({ name: 'database', close: () => db.close() });
    return db;
  });
  const store: Store = new PostgresStore(database.pool);
  const bus = await step('bus', async () => {
    const opened = await openEventBus(config, database, log);
    closers.push({ name: 'bus', close: () => opened.close() });
    return opened;
  });
  const scheduler = new AgendaScheduler({ pool: database.pool, log, drainTimeout: 3_000, ...overrides.scheduler });
  // Rate limits count in the database, or in Redis when the event bus runs there.
  const counters = await step('rate limits', async (): Promise<RateLimitStore> => {
    if (config.eventBus !== 'redis' || !config.redisUrl) return store;
    const redis = new RedisRateLimits(config.redisUrl, log);
    await redis.start();
    closers.push({ name: 'rate limits', close: () => redis.close() });
    return redis;
  });
  return { database, store, bus, scheduler, counters };
}

/** Spaces of chats not closed and active in the last hour: the reconciliation lists these. */
async function activeSpaces(store: Store): Promise<string[]> {
  const since = Date.now() - 60 * 60 * 1000;
  const open = await store.listChats({ states: ['bot', 'queued', 'active'] });
  return open
    .filter((c) => c.spaceId && Math.max(c.updatedAt.getTime(), c.lastSeenAt.getTime(), c.lastVisitorMessageAt?.getTime() ?? 0) >= since)
    .map((c) => c.spaceId!);
}

/** Store-first webhook deliveries, webhook health and reconciliation (telling the supervisors). */
function inboundDeps(store: Store, chats: ChatModule, overrides: AppOverrides) {
  return {
    inbound: { store, ...(overrides.inbound ? { tuning: overrides.inbound } : {}) },
    upkeep: {
      activeSpaces: () => activeSpaces(store),
      notify: async (text: string) => {
        await chats.outbox.enqueue(SUPERVISORS_LANE, 'supervisors_message', { text: plain(text) as unknown as Json });
      },
      ...(overrides.inbound?.upkeepMs ? { periodMs: overrides.inbound.upkeepMs } : {}),
    },
  };
}

/** Step 6: the HTTP server with every route; released with a drain deadline. */
async function serveHttp(
  config: Config,
  overrides: AppOverrides,
  parts: { log: Logger; streams: StreamRegistry; store: Store; routes: RouteMount[] },
  closers: Closer[],
): Promise<HttpServer> {
  const { log, streams, store, routes } = parts;
  const app = createApp({ log, streams, trustProxy: config.trustProxy, health: () => store.ping(), routes: [...routes, ...(overrides.routes ?? [])] });
  const server = await listen(app, { port: overrides.port ?? config.port, host: overrides.host ?? config.host, streams, log });
  closers.push({ name: 'http', close: () => server.close(overrides.httpDrainMs ?? 6_000) });
  return server;
}

/** The in-process sandboxes' consoles and APIs, served once step 7 has created them (to this machine only, unless public). */
function sandboxRoutes(current: () => { sandbox: Sandbox | null; slackSandbox: SlackSandbox | null }, open: boolean): RouteMount[] {
  const guard = localOnly(open);
  return [
    (app) =>
      app.use('/sandbox', (req, res, next) => {
        const { sandbox, slackSandbox } = current();
        if (sandbox || slackSandbox) guard(req, res, next);
        else next();
      }),
    // A router returns nothing: `?? next()` would also pass on every request it handles.
    (app) =>
      app.use('/sandbox/slack', (req, res, next) => {
        const slack = current().slackSandbox;
        if (slack) slack.router(req, res, next);
        else next();
      }),
    (app) =>
      app.use('/sandbox', (req, res, next) => {
        const webex = current().sandbox;
        if (webex) webex.router(req, res, next);
        else next();
      }),
  ];
}

export async function startApp(config: Config, overrides: AppOverrides = {}): Promise<RunningApp> {
  const log = overrides.log ?? createLogger({ level: config.logLevel });
  const { step, closers, closeAll, timings } = new StartUp(log);
  try {
    // 1–3. Database, event bus, scheduler.
    const { database, store, bus, scheduler, counters } = await openFoundation(config, overrides, log, { step, closers });
    const streams = new StreamRegistry();

    // 4. Services: they define their jobs now; the routes they serve are mounted by step 6.
    const services = await step('services', () => startServices(config, { store, bus, scheduler, log, counters }, overrides, closers));
    const { chats, hours } = services;
    const refs: LiveRefs = { channel: null, sandbox: null, slackSandbox: null };
    const routes: RouteMount[] = [
      ...productRoutes(config, services, streams, overrides),
      webhookRoutes(() => refs.channel),
      ...sandboxRoutes(() => refs, config.sandboxPublic),
    ];

    // 5. Start the jobs, once every job is defined.
    await step('scheduler', async () => {
      await scheduler.start();
      closers.push({ name: 'scheduler', close: () => scheduler.stop() });
    });

    // 6. HTTP, last: nothing is served before everything above is ready.
    const http = await step('http', () => serveHttp(config, overrides, { log, streams, store, routes }, closers));

    // 7. Agent channel (Webex or Slack, or its sandbox in this process when no bot token is set).
    //    It registers webhooks pointing at this server, so it starts after HTTP; then the chats.
    await step('channel', () => startChannel(config, overrides, { store, chats, log, baseUrl: config.publicUrl ?? http.url, refs }, closers));

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
      hours,
      channel: refs.channel!,
      sandbox: refs.sandbox,
      slackSandbox: refs.slackSandbox,
      timings,
      close: () => (closing ??= closeAll()),
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** What the routes reach once step 7 has made it: the channel, and the in-process sandboxes. */
interface LiveRefs {
  channel: AgentChannel | null;
  sandbox: Sandbox | null;
  slackSandbox: SlackSandbox | null;
}

/** Step 7: the agent channel opened and started, then the chats started on it. */
async function startChannel(
  config: Config,
  overrides: AppOverrides,
  deps: { store: Store; chats: ChatModule; log: Logger; baseUrl: string; refs: LiveRefs },
  closers: Closer[],
): Promise<void> {
  const { store, chats, log, refs } = deps;
  const opened = await openAgentChannel(config, {
    baseUrl: deps.baseUrl.replace(/\/$/, ''),
    handlers: chats.handlers,
    dedupe: (key) => store.markProcessed(key),
    ...inboundDeps(store, chats, overrides),
    // From here on the webhook route stores deliveries, while the channel still starts.
    created: (channel) => void (refs.channel = channel),
    log,
    sandboxDataDir: overrides.sandboxDataDir === undefined ? join(config.dataDir, 'sandbox') : overrides.sandboxDataDir,
    serveSandbox: (sandboxes) => {
      refs.sandbox = sandboxes.sandbox;
      refs.slackSandbox = sandboxes.slackSandbox;
    },
    ...(overrides.webexPolicy ? { webexPolicy: overrides.webexPolicy } : {}),
    ...(overrides.slackPolicy ? { slackPolicy: overrides.slackPolicy } : {}),
  });
  closers.push({ name: 'channel', close: () => opened.close() });
  if (config.sandboxPublic && (opened.sandbox || opened.slackSandbox)) closers.push(warnPublicSandbox(log));
  await chats.start(opened.channel);
  closers.push({ name: 'chats', close: () => chats.stop() });
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
    app = await startApp(config, {
      log,
      // Up but without its database, the process would only swallow webhooks: exit, and let the
      // process manager start it again.
      onDatabaseLost: () => {
        log.fatal('the embedded database is down for good; exiting with 1 so the process manager restarts the service');
        process.exit(1);
      },
    });
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
