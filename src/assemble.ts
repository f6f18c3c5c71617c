// Step 4 of the composition root: the services assembled over the adapters they need (the
// assistant's provider, the translator, the geo database), and the routes they serve.
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import { createAssistant } from './adapters/ai/index.js';
import { assistantTexts } from './adapters/ai/texts.js';
import { MaxmindGeoLocator, geoDbPathsFromSetting } from './adapters/geo/maxmind.js';
import { createTranslator } from './adapters/translate/index.js';
import type { RouteMount } from './http/app.js';
import { offlineRouter } from './http/offline.js';
import type { StreamRegistry } from './http/streams.js';
import { widgetApi, type WidgetApiOptions } from './http/widget-api.js';
import { widgetAssetsRouter } from './http/widget-assets.js';
import { createServerI18n, type ServerI18n } from './i18n.js';
import type { EventBus, RateLimitStore, Scheduler, Store } from './ports.js';
import { createAssistantService } from './services/assistant.js';
import { createChatModule, type ChatModule } from './services/chat-module.js';
import { HoursService } from './services/hours-service.js';
import type { OutboxOptions } from './services/outbox.js';
import { ChatTranslation } from './services/translation.js';

/** Test and benchmark tuning of the services (part of AppOverrides). */
export interface ServiceTuning {
  /** Outbox tuning (tests use short leases and sweeps). */
  outbox?: Pick<OutboxOptions, 'leaseMs' | 'sweepMs' | 'baseDelayMs' | 'maxDelayMs' | 'concurrency'>;
  /** Widget API limits (benchmarks raise them). */
  widgetApi?: Pick<
    WidgetApiOptions,
    'chatsPerMinute' | 'messagesPerMinute' | 'messagesPerIpPerMinute' | 'refusedPerMinute' | 'streamsPerChat' | 'streamsPerIp' | 'heartbeatMs'
  >;
}

/** What the services are built on (opened by steps 1–3). */
export interface ServicePorts {
  store: Store;
  bus: EventBus;
  scheduler: Scheduler;
  log: Logger;
  /** Where rate limits count (default: the store). */
  counters?: RateLimitStore;
}

/** The services the routes and the channel need. */
export interface StartedServices {
  chats: ChatModule;
  hours: HoursService;
  i18n: ServerI18n;
  /** The rate limits' counters (in the database: shared by every instance). */
  counters: RateLimitStore;
}

/**
 * Step 4: topics seeded into an empty database, the opening hours, the assistant, translation,
 * and the chat services (their jobs defined now; their channel attached at step 7).
 */
export async function startServices(
  config: Config,
  ports: ServicePorts,
  overrides: ServiceTuning,
  closers: { name: string; close: () => Promise<void> }[],
): Promise<StartedServices> {
  const { store, log } = ports;
  // Every sentence a visitor reads comes from one i18next instance over `locales/`.
  const i18n = await createServerI18n({ defaultLanguage: config.defaultLanguage, overrides: config.texts });
  if ((await store.listTopics()).length === 0) {
    for (const topic of config.topics) await store.saveTopic(topic, 'config');
  }
  const geo = new MaxmindGeoLocator({ paths: geoDbPathsFromSetting(config.geoipDb) });
  await geo.open();
  // Opening hours live in the database; the config file seeds an empty one.
  const hours = new HoursService({ store, bus: ports.bus, log, seed: config.hours });
  await hours.start();
  closers.push({ name: 'hours', close: async () => hours.stop() });
  // The assistant (AI_PROVIDER) answers chats in state `bot`.
  const assistant = createAssistantService({
    assistant: await createAssistant(config.ai, log),
    store,
    texts: assistantTexts(i18n),
    log,
    turnLimit: config.ai.provider === 'none' ? 0 : config.ai.maxTurns,
  });
  const chats = createChatModule({
    ...ports,
    geo,
    i18n,
    hours: hours.availability,
    settings: {
      agentDisplay: config.agentDisplay === 'first-name' ? 'first_name' : 'support',
      timers: config.timers,
      supervisors: config.supervisors,
      identitySecret: config.identitySecret,
    },
    ...(overrides.outbox ? { outbox: overrides.outbox } : {}),
    assistant,
    translation: await translationOf(config, log),
    supervision: { hours, assistantDefault: config.ai.provider !== 'none' },
  });
  return { chats, hours, i18n, counters: ports.counters ?? store };
}

/** The product's routes: the widget API, the offline form, and the widget's files. */
export function productRoutes(config: Config, services: StartedServices, streams: StreamRegistry, overrides: ServiceTuning): RouteMount[] {
  const { chats, hours, i18n, counters } = services;
  return [
    widgetApi({
      chats: chats.chats,
      notices: chats.notices,
      streams,
      i18n,
      hours: hours.availability,
      now: () => new Date(),
      allowedOrigins: [...(config.publicUrl ? [new URL(config.publicUrl).origin] : []), ...config.allowedOrigins],
      languages: config.languages,
      onStreamOpen: chats.presence.opened,
      onStreamClose: chats.presence.closed,
      ...config.limits,
      counters,
      ...overrides.widgetApi,
    }),
    // The widget's offline form: kept, and posted to the supervisors' space through the outbox.
    (app) => app.use(offlineRouter({ offline: chats.offline, counters })),
    // The visitor widget: `/widget.js`, its lazily loaded UI, and the `/demo` page.
    (app) => app.use(widgetAssetsRouter()),
  ];
}

/** TRANSLATOR: the translation between visitors and agents, or undefined when off. */
async function translationOf(config: Config, log: Logger): Promise<ChatTranslation | undefined> {
  const { agentLanguage, timeoutMs, ...settings } = config.translation;
  const translator = await createTranslator(settings, { timeoutMs });
  if (!translator) return undefined;
  log.info({ translator: settings.provider, agentLanguage }, 'machine translation on');
  return new ChatTranslation({ translator, agentLanguage, timeoutMs, log: log.child({ component: 'translation' }) });
}
