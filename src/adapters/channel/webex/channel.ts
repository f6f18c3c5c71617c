// AgentChannel for Webex. Two identities:
// - the bot: cards, card submissions, commands, the assistant's and the product's own lines;
// - the relay user (an Integration or Service App token): visitor text, spaces and memberships,
//   and its own webhook, because a bot is told only of group messages that mention it.
// Without a relay token the channel runs in `mention` mode: the bot does everything and agents
// must mention it to reach the visitor.
// Every Webex call goes through WebexClient (the shared retry policy); deliveries go through the
// shared inbound pipeline (signature, dedupe, per-room order), then inbound.ts.
import pino, { type Logger } from 'pino';
import {
  ChannelError,
  type AgentChannel,
  type CardSpec,
  type ChannelHandlers,
  type OutgoingMessage,
  type InboundStore,
  type Person,
  type PostOptions,
  type WebhookResult,
} from '../../../ports.js';
import { CardTemplates } from '../shared/card-templates.js';
import { InboundPipeline, headerValue, type Headers } from '../shared/inbound.js';
import { InboundQueue, type InboundQueueTuning } from '../shared/inbound-queue.js';
import { KeyedQueue } from '../shared/keyed-queue.js';
import { PeopleCache } from '../shared/people.js';
import type { RetryPolicy } from '../shared/retry.js';
import { WEBEX_API_BASE, WebexApiError, WebexClient, isWebexStatus } from './client.js';
import type { WebexPerson } from './resources.js';
import { spaceLinkOf } from './ids.js';
import { WebexInbound, toPerson } from './inbound.js';
import { renderMarkdown, renderMessage, webexParts } from './render.js';
import { verifyWebhookSignature } from './signature.js';
import { RefreshingToken, type RelayTokens } from './tokens.js';
import { WebexUpkeep } from './upkeep.js';
import { registerWebhooks, removeWebhooks, type WebhookTarget } from './webhooks.js';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

export interface WebexRelayOptions {
  token: string;
  refreshToken?: string | null;
  clientId?: string | null;
  clientSecret?: string | null;
  /** When `token` expires, if known; unknown + refresh credentials: renewed once at start. */
  expiresAt?: Date | null;
  /** The token endpoint; default `<apiBase>/access_token` (Webex's). */
  tokenUrl?: string | null;
  /** Persist renewed tokens here (Webex may rotate the refresh token). */
  onTokens?: (tokens: RelayTokens) => void | Promise<void>;
}

export interface WebexChannelOptions {
  /** `https://webexapis.com/v1` (default) or the sandbox's apiBase. */
  apiBase?: string;
  botToken: string;
  /** The relay user; without it the channel runs in degraded `mention` mode. */
  relay?: WebexRelayOptions | null;
  /** Public URL of our `POST /webhooks/webex` route. */
  webhookUrl: string;
  /** Shared secret for every webhook we register (HMAC-SHA1 signatures). */
  webhookSecret: string;
  /** Prefix of the names of the webhooks we register (default `webex-live-chat`). */
  webhookName?: string;
  /**
   * Leave our webhooks in place on stop (default), for other instances behind the same bot.
   * A single-instance setup (the in-process sandbox) may let stop remove them.
   */
  keepWebhooksOnStop?: boolean;
  /** Durable "first time seen?" check (Store.markProcessed); in-memory dedupe always runs. */
  dedupe?: (key: string) => Promise<boolean>;
  /** Store-first: deliveries are stored here before the 200, then handed over by a worker.
   *  Without it they are processed from memory (a crash between the 200 and the fetch loses them). */
  inbound?: (InboundQueueTuning & { store: InboundStore }) | null;
  /** Webhook health and reconciliation (with `inbound`). */
  upkeep?: {
    /** The spaces of recently active chats. */
    activeSpaces(): Promise<string[]>;
    /** Told when a webhook had to be reactivated. */
    notify?(text: string): Promise<void>;
    /** How often; default 30 s. */
    periodMs?: number;
  } | null;
  logger?: Logger;
  policy?: Partial<RetryPolicy>;
}

export interface WebexChannel extends AgentChannel {
  /** Resolves when every accepted webhook delivery has been processed (tests, shutdown). */
  whenIdle(): Promise<void>;
  /** One webhook check and reconciliation pass now (tests; the schedule runs them anyway). */
  reconcileNow(): Promise<void>;
  /** The resolved identities (after `start`). */
  readonly identities: { bot: Person | null; relay: Person | null };
}

interface Running {
  handlers: ChannelHandlers;
  bot: WebexPerson;
  relay: WebexPerson | null;
}

function relayTokenOf(options: WebexChannelOptions, baseUrl: string, logger: Logger): RefreshingToken | null {
  const relay = options.relay;
  if (!relay) return null;
  return new RefreshingToken({
    baseUrl,
    accessToken: relay.token,
    refreshToken: relay.refreshToken ?? null,
    clientId: relay.clientId ?? null,
    clientSecret: relay.clientSecret ?? null,
    expiresAt: relay.expiresAt ?? null,
    tokenUrl: relay.tokenUrl ?? null,
    onTokens: relay.onTokens,
    logger,
  });
}

/** What the failure log says about a failed delivery besides its message. */
function failureDetails(error: unknown): Record<string, unknown> {
  return error instanceof WebexApiError ? { status: error.status, trackingId: error.trackingId } : {};
}

class WebexAgentChannel implements WebexChannel {
  readonly messenger = 'webex' as const;
  readonly mode: 'relay' | 'mention';
  private readonly logger: Logger;
  private readonly bot: WebexClient;
  private readonly relay: WebexClient | null;
  private readonly relayToken: RefreshingToken | null;
  /** Creates spaces, manages members, posts visitor text: the relay, or the bot when degraded. */
  private readonly manager: WebexClient;
  private readonly target: WebhookTarget;
  private readonly pipeline: InboundPipeline;
  private readonly inbound: WebexInbound;
  private readonly queue: InboundQueue | null;
  private readonly upkeep: WebexUpkeep | null;
  private readonly cards = new CardTemplates();
  private running: Running | null = null;

  constructor(private readonly options: WebexChannelOptions) {
    const baseUrl = (options.apiBase ?? WEBEX_API_BASE).replace(/\/+$/, '');
    this.logger = options.logger ?? pino({ name: 'webex' });
    this.mode = options.relay ? 'relay' : 'mention';
    // One queue for both identities: a visitor's text and the bot's card in one room keep order.
    const roomQueue = new KeyedQueue();
    const client = (token: string | RefreshingToken) =>
      new WebexClient({ baseUrl, token, roomQueue, logger: this.logger, policy: options.policy });
    this.bot = client(options.botToken);
    this.relayToken = relayTokenOf(options, baseUrl, this.logger);
    this.relay = this.relayToken ? client(this.relayToken) : null;
    this.manager = this.relay ?? this.bot;
    this.target = { url: options.webhookUrl, secret: options.webhookSecret, name: options.webhookName ?? 'webex-live-chat' };
    this.pipeline = new InboundPipeline({
      messenger: 'webex',
      logger: this.logger,
      dedupe: options.dedupe,
      details: failureDetails,
      verify: (raw, headers) =>
        verifyWebhookSignature(raw, headerValue(headers['x-spark-signature']) || undefined, options.webhookSecret)
          ? null
          : { status: 401, body: { error: 'invalid signature' } },
    });
    this.queue = options.inbound
      ? new InboundQueue({ ...options.inbound, messenger: 'webex', logger: this.logger, details: failureDetails })
      : null;
    this.upkeep = this.upkeepOf(options);
    this.inbound = new WebexInbound({
      mode: this.mode,
      bot: this.bot,
      relay: this.relay,
      webhookName: this.target.name,
      pipeline: this.pipeline,
      queue: this.queue,
      people: new PeopleCache(),
      logger: this.logger,
      state: () => this.running,
    });
  }

  private upkeepOf(options: WebexChannelOptions): WebexUpkeep | null {
    if (!this.queue || !options.upkeep) return null;
    return new WebexUpkeep({
      queue: this.queue,
      reader: this.relay,
      hookOwners: this.relay ? [this.bot, this.relay] : [this.bot],
      webhookName: this.target.name,
      activeSpaces: options.upkeep.activeSpaces,
      ...(options.upkeep.notify ? { notify: options.upkeep.notify } : {}),
      periodMs: options.upkeep.periodMs ?? 30_000,
      logger: this.logger,
      identities: () => [this.running?.bot ?? null, this.running?.relay ?? null],
    });
  }

  get identities() {
    return {
      bot: this.running ? toPerson(this.running.bot) : null,
      relay: this.running?.relay ? toPerson(this.running.relay) : null,
    };
  }

  async start(handlers: ChannelHandlers): Promise<void> {
    if (this.running) throw new Error('the Webex channel is already started');
    if (this.mode === 'mention') {
      this.logger.warn(
        'WEBEX_RELAY_TOKEN is not set: degraded mention mode. Agents must @mention the bot for ' +
          'their messages to reach the visitor; visitor text is posted by the bot.',
      );
    }
    if (this.relayToken) await this.relayToken.start();
    const relay = this.relay ? await this.relay.me() : null;
    const bot = await this.bot.me();
    await registerWebhooks(this.bot, this.relay, this.target);
    this.running = { handlers, bot, relay };
    // Deliveries stored before now (by an earlier process, or while this one started) go first.
    this.queue?.start((item) => this.inbound.processItem(item));
    this.upkeep?.start();
    this.logger.info({ mode: this.mode, bot: bot.emails[0], relay: relay?.emails[0] }, 'webex channel started');
  }

  async stop(): Promise<void> {
    this.relayToken?.stop();
    await this.upkeep?.stop();
    await this.queue?.stop();
    await this.whenIdle();
    if (this.running && this.options.keepWebhooksOnStop === false) {
      await removeWebhooks(this.bot, this.relay, this.target);
    }
    this.running = null;
  }

  async whenIdle(): Promise<void> {
    await this.pipeline.whenIdle();
    await this.queue?.whenIdle();
  }

  reconcileNow(): Promise<void> {
    return this.upkeep?.pass() ?? Promise.resolve();
  }

  async createSpace(title: string): Promise<string> {
    const room = await this.manager.createRoom(title);
    const bot = this.running?.bot;
    if (this.relay && bot) await this.relay.createMembership(room.id, { personId: bot.id });
    return room.id;
  }

  async renameSpace(spaceId: string, title: string): Promise<void> {
    await this.manager.updateRoom(spaceId, { title });
  }

  async addMember(spaceId: string, email: string): Promise<void> {
    try {
      await this.manager.createMembership(spaceId, { personEmail: email });
    } catch (error) {
      if (!isWebexStatus(error, 409)) throw error; // 409: already a member
    }
  }

  async removeMember(spaceId: string, email: string): Promise<void> {
    const memberships = await this.manager.listMemberships({ roomId: spaceId, personEmail: email });
    for (const membership of memberships) {
      try {
        await this.manager.deleteMembership(membership.id);
      } catch (error) {
        if (!isWebexStatus(error, 404)) throw error; // already gone
      }
    }
  }

  async listMembers(spaceId: string): Promise<Person[]> {
    const memberships = await this.manager.listMemberships({ roomId: spaceId });
    return memberships.map((m) => ({
      id: m.personId,
      email: m.personEmail,
      displayName: m.personDisplayName ?? m.personEmail,
      firstName: null,
    }));
  }

  async isMember(spaceId: string, email: string): Promise<boolean> {
    const memberships = await this.manager.listMemberships({ roomId: spaceId, personEmail: email });
    return memberships.some((m) => m.personEmail.toLowerCase() === email.toLowerCase());
  }

  async findPerson(email: string): Promise<Person | null> {
    const found = await this.manager.findPeopleByEmail(email);
    const person = found.find((p) => p.emails.some((e) => e.toLowerCase() === email.toLowerCase())) ?? found[0];
    return person ? toPerson(person) : null;
  }

  spaceLink(spaceId: string): string | null {
    return spaceLinkOf(spaceId);
  }

  /** A visitor's words are posted by the relay (the bot when degraded); the rest by the bot. */
  async post(spaceId: string, message: OutgoingMessage): Promise<string[]> {
    const parts = webexParts(renderMessage(message));
    if (parts.length === 0) throw new ChannelError('refusing to post an empty message', false);
    const client = message.speaker.kind === 'visitor' ? this.manager : this.bot;
    const parentId = message.parentId;
    const created = await client.createMessages(
      spaceId,
      parts.map((markdown) => ({ markdown, ...(parentId ? { parentId } : {}) })),
    );
    return created.map((m) => m.id);
  }

  async postCard(spaceId: string, card: CardSpec, options?: PostOptions): Promise<string> {
    const message = await this.bot.createMessage({
      roomId: spaceId,
      // The fallback is what clients without cards show; it must fit one message.
      markdown: webexParts(renderMarkdown(card.fallback))[0] ?? 'Card',
      attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: this.cards.expand(card.template, card.data) }],
      ...(options?.parentId ? { parentId: options.parentId } : {}),
    });
    return message.id;
  }

  async deleteMessage(messageId: string): Promise<void> {
    // Only the author deletes its message: the bot's cards and texts, or the relay's posts.
    for (const client of this.relay ? [this.bot, this.relay] : [this.bot]) {
      try {
        await client.deleteMessage(messageId);
        return;
      } catch (error) {
        if (isWebexStatus(error, 404)) return; // already gone
        if (!isWebexStatus(error, 403) || client !== this.bot || !this.relay) throw error;
      }
    }
  }

  async deleteSpace(spaceId: string): Promise<void> {
    // The creator deletes a group room: the manager identity created it (createSpace).
    try {
      await this.manager.deleteRoom(spaceId);
    } catch (error) {
      if (!isWebexStatus(error, 404)) throw error; // already gone
    }
  }

  handleWebhook(rawBody: Buffer, headers: Headers): Promise<WebhookResult> {
    return this.pipeline.receive(rawBody, headers, (raw, h) => this.inbound.route(raw, h));
  }
}

export function createWebexChannel(options: WebexChannelOptions): WebexChannel {
  return new WebexAgentChannel(options);
}
