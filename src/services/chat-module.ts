// Assembles the chat services over the ports; the composition root calls this once. Each
// service gets only the ports it uses. What speaks to the agent channel (the desk, the
// deliverer, supervision) is built by `start(channel)`, once the channel exists.
// Order at start-up: createChatModule (defines the jobs) → scheduler.start() → the channel,
// started with `module.handlers` → module.start(channel). At shutdown: module.stop() before
// the scheduler and pool.
import type { AgentChannel, ChannelHandlers, Clock, EventBus, GeoLocator, Scheduler, Store } from '../ports.js';
import type { ServerI18n } from '../i18n.js';
import type { Logger } from '../logger.js';
import { ChatAnnouncer } from './announcer.js';
import type { AssistantService } from './assistant.js';
import { BotPhase } from './bot-phase.js';
import { ChatService } from './chats.js';
import { ChatCloser } from './closing.js';
import type { ChatSettings, HoursLookup } from './context.js';
import { Deliverer } from './deliveries.js';
import { Desk } from './desk.js';
import type { HoursService } from './hours-service.js';
import { ChatNotices } from './notices.js';
import { OfflineService } from './offline.js';
import { OutboxWorker, type OutboxOptions } from './outbox.js';
import { Presence } from './presence.js';
import { Supervision, type SupervisionOptions } from './supervision/supervision.js';
import { SpaceCleanup } from './space-cleanup.js';
import { ChatTimersService } from './timers.js';
import type { ChatTranslation } from './translation.js';
import { UnclaimedAlerts } from './unclaimed.js';

export interface ChatModuleOptions {
  store: Store;
  scheduler: Scheduler;
  bus: EventBus;
  geo: GeoLocator;
  i18n: ServerI18n;
  log: Logger;
  clock?: Clock;
  settings: ChatSettings;
  hours: HoursLookup;
  outbox?: Omit<OutboxOptions, 'store' | 'log' | 'clock'>;
  /** The assistant (AI_PROVIDER): it answers first in the topics it is on for. */
  assistant?: AssistantService;
  /** Machine translation (TRANSLATOR); absent: messages pass untranslated. */
  translation?: ChatTranslation | undefined;
  /** The supervisors' commands in their space (needs the stored opening hours). */
  supervision?: { hours: HoursService; assistantDefault: boolean };
}

/** The pieces that speak to the agent channel, built by `start(channel)`. */
export interface ConnectedPieces {
  desk: Desk;
  deliverer: Deliverer;
  supervision: Supervision | null;
}

export interface ChatModule {
  chats: ChatService;
  offline: OfflineService;
  timers: ChatTimersService;
  outbox: OutboxWorker;
  notices: ChatNotices;
  presence: Presence;
  /** Null when no assistant was given. */
  botPhase: BotPhase | null;
  /** For the channel's start; what arrives before `start(channel)` has built the desk waits for it. */
  handlers: ChannelHandlers;
  /** Builds the channel's pieces, then starts the outbox, presence and recurring timers. */
  start(channel: AgentChannel): Promise<ConnectedPieces>;
  /** Takes no new bot turns, then stops timers, presence and the outbox. */
  stop(): Promise<void>;
}

/** What the services without a channel share: the acts every use case ends with. */
function coreServices(options: ChatModuleOptions, clock: Clock) {
  const { store, scheduler, bus, i18n, log, settings } = options;
  const notices = new ChatNotices(bus);
  const outbox = new OutboxWorker({ store, log, clock, ...options.outbox });
  const announcer = new ChatAnnouncer({ store, outbox, notices, i18n, log });
  const alerts = new UnclaimedAlerts({
    scheduler,
    afterMs: settings.timers.unclaimedAlert,
    enabled: settings.supervisors.emails.length > 0,
    log,
  });
  const spaces = new SpaceCleanup({
    scheduler,
    store,
    announcer,
    cleanupMs: settings.timers.spaceCleanup,
    retentionMs: settings.timers.retention,
    log,
  });
  const supervisorsTold = settings.supervisors.emails.length > 0;
  const closer = new ChatCloser({ store, announcer, alerts, spaces, supervisorsTold, clock, log });
  return { notices, outbox, announcer, alerts, closer, spaces };
}

export function createChatModule(options: ChatModuleOptions): ChatModule {
  const { store, scheduler, i18n, log, settings, translation } = options;
  const clock = options.clock ?? { now: () => new Date() };
  const { notices, outbox, announcer, alerts, closer, spaces } = coreServices(options, clock);
  const botPhase = options.assistant ? new BotPhase({ assistant: options.assistant, store, announcer, alerts, clock, log }) : null;
  const chats = new ChatService({
    store,
    outbox,
    announcer,
    closer,
    alerts,
    geo: options.geo,
    i18n,
    clock,
    log,
    hours: options.hours,
    lostVisitorMs: settings.timers.lostVisitor,
    transcriptAccessMs: settings.timers.transcriptAccess,
    identitySecret: settings.identitySecret ?? null,
    translation,
    ...(botPhase ? { hooks: botPhase.hooks } : {}),
  });
  const timers = new ChatTimersService({ store, scheduler, announcer, closer, clock, log, settings });
  const presence = new Presence({ store, clock, log, lostVisitorMs: settings.timers.lostVisitor });
  const offline = new OfflineService({ store, announcer, log });
  timers.define();
  spaces.define();

  let connected: ConnectedPieces | null = null;
  let markConnected: (pieces: ConnectedPieces) => void = () => {};
  const ready = new Promise<ConnectedPieces>((resolve) => (markConnected = resolve));

  const connect = (channel: AgentChannel): ConnectedPieces => {
    // The desk hands the supervisors' space to supervision, which acts on chats through the desk.
    let desk: Desk | null = null;
    const deskActions: SupervisionOptions['desk'] = { close: (...a) => desk!.close(...a), transfer: (...a) => desk!.transfer(...a) };
    const supervision = options.supervision ? supervisionOf(options, options.supervision, { channel, announcer, clock, desk: deskActions }) : null;
    const deskHooks = supervision ? { onOtherSpaceMessage: supervision.onMessage, onOtherSpaceAction: supervision.onAction } : {};
    desk = new Desk({ store, channel, announcer, closer, alerts, clock, i18n, log, settings, translation, hooks: deskHooks });
    return {
      desk,
      deliverer: new Deliverer({ store, channel, supervisors: settings.supervisors, log, translation }),
      supervision,
    };
  };

  return {
    chats,
    offline,
    timers,
    outbox,
    notices,
    presence,
    botPhase,
    handlers: {
      onAgentMessage: async (message) => (await ready).desk.onAgentMessage(message),
      onCardAction: async (action) => (await ready).desk.onCardAction(action),
    },
    async start(channel) {
      if (connected) throw new Error('the chat module is already started');
      connected = connect(channel);
      markConnected(connected);
      outbox.start(connected.deliverer.deliver);
      presence.start();
      await timers.scheduleRecurring();
      return connected;
    },
    async stop() {
      await botPhase?.stop();
      timers.stop();
      presence.stop();
      await outbox.stop();
    },
  };
}

function supervisionOf(
  options: ChatModuleOptions,
  { hours, assistantDefault }: NonNullable<ChatModuleOptions['supervision']>,
  pieces: Pick<SupervisionOptions, 'channel' | 'announcer' | 'clock' | 'desk'>,
): Supervision {
  const { store, settings, log } = options;
  const supervisors = settings.supervisors.emails;
  return new Supervision({ ...pieces, store, hours, log: log.child({ component: 'supervision' }), supervisors, assistantDefault });
}
