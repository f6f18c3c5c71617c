// Assembles the chat services over the ports; the composition root calls this once.
// Order at start-up: createChatModule (defines the jobs) → scheduler.start() → channel.start
// (module.handlers) → module.start(). At shutdown: module.stop() before the scheduler and pool.
import type { ServerI18n } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { AgentChannel, ChannelHandlers, Clock, EventBus, GeoLocator, Scheduler, Store } from '../ports.js';
import { CardBuilder } from './cards.js';
import { ChatService, type ChatHooks } from './chats.js';
import { ChatCore, type ChatSettings, type TopicHours } from './context.js';
import { Deliverer } from './deliveries.js';
import { Desk, type DeskHooks } from './desk.js';
import { ChatNotices } from './notices.js';
import { OutboxWorker, type OutboxOptions } from './outbox.js';
import { Presence } from './presence.js';
import { ChatTimersService } from './timers.js';
import type { ChatTranslation } from './translation.js';

export interface ChatModuleOptions {
  store: Store;
  /** May be given later, to `start` (the Webex channel needs the HTTP server up first). */
  channel?: AgentChannel;
  scheduler: Scheduler;
  bus: EventBus;
  geo: GeoLocator;
  i18n: ServerI18n;
  log: Logger;
  clock?: Clock;
  settings: ChatSettings;
  hours(topicId: string, at: Date): TopicHours | Promise<TopicHours>;
  cardsDir?: string;
  outbox?: Pick<OutboxOptions, 'concurrency' | 'leaseMs' | 'sweepMs' | 'baseDelayMs' | 'maxDelayMs'>;
  chatHooks?: ChatHooks;
  deskHooks?: DeskHooks;
  /** Machine translation (TRANSLATOR); absent: messages pass untranslated. */
  translation?: ChatTranslation;
}

export interface ChatModule {
  core: ChatCore;
  chats: ChatService;
  desk: Desk;
  timers: ChatTimersService;
  outbox: OutboxWorker;
  deliverer: Deliverer;
  notices: ChatNotices;
  presence: Presence;
  /** For `channel.start(handlers)`. */
  handlers: ChannelHandlers;
  /** Starts the outbox, presence and recurring timers; `channel` if not given before. */
  start(channel?: AgentChannel): Promise<void>;
  stop(): Promise<void>;
}

/** Stands in until the channel is attached; nothing calls it before `start`. */
const unattached = new Proxy({} as AgentChannel, {
  get(_target, property) {
    throw new Error(`agent channel used before it was attached (${String(property)})`);
  },
});

export function createChatModule(options: ChatModuleOptions): ChatModule {
  const clock = options.clock ?? { now: () => new Date() };
  const notices = new ChatNotices(options.bus);
  let deliverer: Deliverer | null = null;
  const outbox = new OutboxWorker({
    store: options.store,
    log: options.log,
    clock,
    deliver: (item) => deliverer!.deliver(item),
    ...options.outbox,
  });
  const core = new ChatCore({
    store: options.store,
    channel: options.channel ?? unattached,
    scheduler: options.scheduler,
    geo: options.geo,
    clock,
    i18n: options.i18n,
    log: options.log,
    notices,
    outbox,
    cards: new CardBuilder(options.cardsDir),
    settings: options.settings,
    hours: options.hours,
    translation: options.translation,
  });
  deliverer = new Deliverer(core);
  const chats = new ChatService(core, options.chatHooks);
  const desk = new Desk(core, chats, options.deskHooks);
  const timers = new ChatTimersService(core);
  const presence = new Presence(core);
  timers.define();

  return {
    core,
    chats,
    desk,
    timers,
    outbox,
    deliverer,
    notices,
    presence,
    handlers: {
      onAgentMessage: (message) => desk.onAgentMessage(message),
      onCardAction: (action) => desk.onCardAction(action),
    },
    async start(channel?: AgentChannel) {
      if (channel) core.deps.channel = channel;
      if (core.deps.channel === unattached) throw new Error('the chat module needs an agent channel to start');
      outbox.start();
      presence.start();
      await timers.scheduleRecurring();
    },
    async stop() {
      timers.stop();
      presence.stop();
      await outbox.stop();
    },
  };
}
