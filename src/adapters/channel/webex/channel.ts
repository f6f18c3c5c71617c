// AgentChannel for Webex. Two identities:
// - the bot (webex-node-bot-framework in webhook mode): cards, card submissions, commands, bot text;
// - the relay user (an Integration or Service App token): visitor text, spaces and memberships,
//   and its own webhook, because a bot is told only of group messages that mention it.
// Without a relay token the channel runs in `mention` mode: the bot does everything and agents
// must mention it to reach the visitor.
// Every Webex call goes through WebexClient (one retry policy); the framework's objects never
// leave this folder.
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import { splitMessage } from '../../../domain/split.js';
import { stripBotMention } from '../../../domain/escape.js';
import type {
  AgentChannel,
  AgentMessage,
  CardAction,
  ChannelHandlers,
  Json,
  Person,
  PostOptions,
  WebhookResult,
} from '../../../ports.js';
import {
  WEBEX_API_BASE,
  WebexApiError,
  WebexClient,
  type RetryPolicy,
  type WebexMessage,
  type WebexPerson,
  type WebexWebhook,
} from './client.js';
import { startFramework, stopFramework, type BotFramework } from './framework.js';
import { KeyedQueue } from './keyed-queue.js';
import { Lru } from './lru.js';
import { verifyWebhookSignature } from './signature.js';
import { RefreshingToken, type RelayTokens } from './tokens.js';

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
  /** Prefix of the names of the webhooks we register ourselves (default `webex-live-chat`). */
  webhookName?: string;
  /**
   * true (default): the bot's webhooks are registered by webex-node-bot-framework (its firehose
   * and attachmentActions webhooks, replaced at each start, kept on stop). false: by our client,
   * under our own names, also kept on stop.
   */
  framework?: boolean;
  /**
   * Leave the bot's framework webhooks in place on stop (default), for other instances behind
   * the same bot. A single-instance setup (the in-process sandbox) may let stop remove them.
   */
  keepWebhooksOnStop?: boolean;
  /** Durable "first time seen?" check (Store.markProcessed); in-memory dedupe always runs. */
  dedupe?: (key: string) => Promise<boolean>;
  logger?: Logger;
  policy?: Partial<RetryPolicy>;
}

export interface WebexChannel extends AgentChannel {
  /** Resolves when every accepted webhook delivery has been processed (tests, shutdown). */
  whenIdle(): Promise<void>;
  /** The resolved identities (after `start`). */
  readonly identities: { bot: Person | null; relay: Person | null };
}

// Webhook envelope: ids and metadata only, never message text.
const envelopeSchema = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  resource: z.string(),
  event: z.string(),
  createdBy: z.string().optional(),
  actorId: z.string().optional(),
  data: z
    .object({
      id: z.string(),
      roomId: z.string().optional(),
      personId: z.string().optional(),
      personEmail: z.string().optional(),
      messageId: z.string().optional(),
    })
    .passthrough(),
});
type Envelope = z.infer<typeof envelopeSchema>;

function toPerson(p: WebexPerson): Person {
  return {
    id: p.id,
    email: p.emails[0] ?? '',
    displayName: p.displayName,
    firstName: p.firstName ?? null,
  };
}

function isStatus(error: unknown, ...statuses: number[]): boolean {
  return error instanceof WebexApiError && statuses.includes(error.status);
}

export function createWebexChannel(options: WebexChannelOptions): WebexChannel {
  const apiBase = (options.apiBase ?? WEBEX_API_BASE).replace(/\/+$/, '');
  const logger = options.logger ?? pino({ name: 'webex' });
  const webhookName = options.webhookName ?? 'webex-live-chat';
  const useFramework = options.framework ?? true;
  const mode: 'relay' | 'mention' = options.relay ? 'relay' : 'mention';

  // One queue for both identities: a visitor's text and the bot's card in one room keep order.
  const roomQueue = new KeyedQueue();
  const bot = new WebexClient({ baseUrl: apiBase, token: options.botToken, roomQueue, logger, policy: options.policy });
  const relayToken = options.relay
    ? new RefreshingToken({
        baseUrl: apiBase,
        accessToken: options.relay.token,
        refreshToken: options.relay.refreshToken ?? null,
        clientId: options.relay.clientId ?? null,
        clientSecret: options.relay.clientSecret ?? null,
        expiresAt: options.relay.expiresAt ?? null,
        tokenUrl: options.relay.tokenUrl ?? null,
        onTokens: options.relay.onTokens,
        logger,
      })
    : null;
  const relay = relayToken
    ? new WebexClient({ baseUrl: apiBase, token: relayToken, roomQueue, logger, policy: options.policy })
    : null;
  /** Creates spaces, manages members, posts visitor text: the relay, or the bot when degraded. */
  const manager = relay ?? bot;

  let handlers: ChannelHandlers | null = null;
  let framework: BotFramework | null = null;
  let botPerson: WebexPerson | null = null;
  let relayPerson: WebexPerson | null = null;
  let started = false;

  const seen = new Lru<true>(10_000, 60 * 60 * 1000);
  const people = new Lru<Person>(2_000, 10 * 60 * 1000);
  const inbound = new KeyedQueue();
  const pending = new Set<Promise<void>>();

  async function personById(client: WebexClient, id: string, fallbackEmail?: string): Promise<Person> {
    const cached = people.get(id);
    if (cached) return cached;
    try {
      const person = toPerson(await client.getPerson(id));
      people.set(id, person);
      return person;
    } catch (error) {
      if (!fallbackEmail || !isStatus(error, 403, 404)) throw error;
      return { id, email: fallbackEmail, displayName: fallbackEmail, firstName: null };
    }
  }

  /** Creates or repairs one of our webhooks: same name → same target, secret and status. */
  async function ensureWebhook(
    client: WebexClient,
    existing: WebexWebhook[],
    spec: { name: string; resource: string; event: string },
  ): Promise<WebexWebhook> {
    const matches = existing.filter(
      (w) => w.name === spec.name && w.resource === spec.resource && w.event === spec.event,
    );
    const [keep, ...extra] = matches;
    for (const duplicate of extra) await client.deleteWebhook(duplicate.id);
    if (!keep) {
      return client.createWebhook({ ...spec, targetUrl: options.webhookUrl, secret: options.webhookSecret });
    }
    // Webex does not always echo the secret back, so it is re-set whenever the hook is reused.
    return client.updateWebhook(keep.id, {
      name: spec.name,
      targetUrl: options.webhookUrl,
      secret: options.webhookSecret,
      status: 'active',
    });
  }

  function ownIdentity(personId: string | undefined, personEmail: string | undefined): boolean {
    const ids = [botPerson?.id, relayPerson?.id].filter(Boolean);
    const emails = [...(botPerson?.emails ?? []), ...(relayPerson?.emails ?? [])].map((e) => e.toLowerCase());
    return (
      (personId !== undefined && ids.includes(personId)) ||
      (personEmail !== undefined && emails.includes(personEmail.toLowerCase()))
    );
  }

  /** Whose webhook delivered this: the relay's (it can read every message) or the bot's. */
  function deliveredToRelay(envelope: Envelope): boolean {
    if (!relay || !relayPerson) return false;
    if (envelope.createdBy) return envelope.createdBy === relayPerson.id;
    return envelope.name === `${webhookName}:relay`;
  }

  function mapMessage(message: WebexMessage, author: Person): AgentMessage | null {
    const botId = botPerson?.id;
    const mentioned = botId !== undefined && (message.mentionedPeople ?? []).includes(botId);
    // In a 1:1 space with the bot every message is addressed to it.
    const mentionsBot = mentioned || message.roomType === 'direct';
    if (mode === 'mention' && !mentionsBot) return null;
    let text = message.text ?? '';
    if (mentioned && botPerson) {
      const names = [botPerson.displayName, botPerson.nickName, botPerson.firstName].filter(
        (n): n is string => typeof n === 'string' && n.length > 0,
      );
      // html carries the label the mention was shown with; its plain text is what `text` holds.
      const label = /<spark-mention[^>]*data-object-id="([^"]+)"[^>]*>(.*?)<\/spark-mention>/i.exec(
        message.html ?? '',
      );
      if (label?.[1] === botId && label[2]) names.push(label[2].replace(/<[^>]+>/g, ''));
      // Only the line holding the mention is cleaned (stripBotMention also collapses whitespace),
      // so a multi-line message keeps its line breaks.
      const lines = text.split('\n');
      const lower = names.map((n) => n.toLowerCase());
      const at = Math.max(0, lines.findIndex((line) => lower.some((n) => line.toLowerCase().includes(n))));
      lines[at] = stripBotMention(lines[at] ?? '', { names, personId: botId });
      text = (lines[at] === '' && at === 0 ? lines.slice(1) : lines).join('\n').trim();
    }
    return {
      spaceId: message.roomId,
      messageId: message.id,
      author,
      text,
      parentId: message.parentId ?? null,
      mentionsBot,
      at: new Date(message.created),
    };
  }

  async function firstTime(key: string): Promise<boolean> {
    return options.dedupe ? options.dedupe(key) : true;
  }

  async function processMessage(envelope: Envelope): Promise<void> {
    const key = `webex:message:${envelope.data.id}`;
    const client = deliveredToRelay(envelope) && relay ? relay : bot;
    let message: WebexMessage;
    try {
      message = await client.getMessage(envelope.data.id);
    } catch (error) {
      seen.delete(key); // a redelivery may succeed
      if (isStatus(error, 403, 404)) {
        logger.debug({ messageId: envelope.data.id }, 'webex message gone or not visible; skipped');
        return;
      }
      throw error;
    }
    if (ownIdentity(message.personId, message.personEmail)) return;
    const author = await personById(client, message.personId, message.personEmail);
    const mapped = mapMessage(message, author);
    if (!mapped) return;
    if (!(await firstTime(key))) return;
    await handlers?.onAgentMessage(mapped);
  }

  async function processAction(envelope: Envelope): Promise<void> {
    const key = `webex:action:${envelope.data.id}`;
    let action;
    try {
      action = await bot.getAttachmentAction(envelope.data.id);
    } catch (error) {
      seen.delete(key);
      if (isStatus(error, 403, 404)) {
        logger.debug({ actionId: envelope.data.id }, 'webex card action not visible to the bot; skipped');
        return;
      }
      throw error;
    }
    const actor = await personById(bot, action.personId);
    if (!(await firstTime(key))) return;
    const mapped: CardAction = {
      spaceId: action.roomId,
      actionId: action.id,
      messageId: action.messageId,
      actor,
      inputs: action.inputs ?? {},
      at: new Date(action.created),
    };
    await handlers?.onCardAction(mapped);
  }

  function track(key: string, roomId: string | undefined, work: () => Promise<void>): void {
    // One room's deliveries are handed over in arrival order; rooms proceed in parallel.
    const run = inbound
      .run(roomId ?? key, work)
      .catch((error: unknown) => {
        const e = error as Error & Partial<WebexApiError>;
        logger.error(
          { key, err: e.message, status: e.status, trackingId: e.trackingId },
          'webex webhook delivery failed',
        );
      })
      .finally(() => pending.delete(run));
    pending.add(run);
  }

  async function postParts(client: WebexClient, spaceId: string, markdown: string, parentId?: string) {
    const parts = splitMessage(markdown);
    if (parts.length === 0) throw new Error('refusing to post an empty message');
    const created = await client.createMessages(
      spaceId,
      parts.map((part) => ({ markdown: part, ...(parentId ? { parentId } : {}) })),
    );
    return created.map((m) => m.id);
  }

  const channel: WebexChannel = {
    mode,

    get identities() {
      return {
        bot: botPerson ? toPerson(botPerson) : null,
        relay: relayPerson ? toPerson(relayPerson) : null,
      };
    },

    async start(h: ChannelHandlers): Promise<void> {
      if (started) throw new Error('the Webex channel is already started');
      handlers = h;
      if (mode === 'mention') {
        logger.warn(
          'WEBEX_RELAY_TOKEN is not set: degraded mention mode. Agents must @mention the bot for ' +
            'their messages to reach the visitor; visitor text is posted by the bot.',
        );
      }
      if (relayToken) await relayToken.start();
      if (relay) relayPerson = await relay.me();

      if (useFramework) {
        framework = await startFramework({
          apiBase,
          token: options.botToken,
          webhookUrl: options.webhookUrl,
          webhookSecret: options.webhookSecret,
          logger,
        });
        botPerson = framework.person as WebexPerson;
      } else {
        botPerson = await bot.me();
        const hooks = await bot.listWebhooks();
        await ensureWebhook(bot, hooks, { name: `${webhookName}:bot:messages`, resource: 'messages', event: 'created' });
        await ensureWebhook(bot, hooks, {
          name: `${webhookName}:bot:actions`,
          resource: 'attachmentActions',
          event: 'created',
        });
      }
      if (relay) {
        const hooks = await relay.listWebhooks();
        await ensureWebhook(relay, hooks, { name: `${webhookName}:relay`, resource: 'messages', event: 'created' });
      }
      started = true;
      logger.info({ mode, bot: botPerson.emails[0], relay: relayPerson?.emails[0] }, 'webex channel started');
    },

    async stop(): Promise<void> {
      relayToken?.stop();
      await channel.whenIdle();
      if (framework) {
        if (options.keepWebhooksOnStop === false) await framework.stop();
        else await stopFramework(framework);
        framework = null;
      }
      started = false;
      handlers = null;
    },

    async whenIdle(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },

    async createSpace(title: string): Promise<string> {
      const room = await manager.createRoom(title);
      if (relay && botPerson) await relay.createMembership(room.id, { personId: botPerson.id });
      return room.id;
    },

    async renameSpace(spaceId: string, title: string): Promise<void> {
      await manager.updateRoom(spaceId, { title });
    },

    async addMember(spaceId: string, email: string): Promise<void> {
      try {
        await manager.createMembership(spaceId, { personEmail: email });
      } catch (error) {
        if (isStatus(error, 409)) return; // already a member
        throw error;
      }
    },

    async removeMember(spaceId: string, email: string): Promise<void> {
      const memberships = await manager.listMemberships({ roomId: spaceId, personEmail: email });
      for (const membership of memberships) {
        try {
          await manager.deleteMembership(membership.id);
        } catch (error) {
          if (!isStatus(error, 404)) throw error;
        }
      }
    },

    async listMembers(spaceId: string): Promise<Person[]> {
      const memberships = await manager.listMemberships({ roomId: spaceId });
      return memberships.map((m) => ({
        id: m.personId,
        email: m.personEmail,
        displayName: m.personDisplayName ?? m.personEmail,
        firstName: null,
      }));
    },

    async isMember(spaceId: string, email: string): Promise<boolean> {
      const memberships = await manager.listMemberships({ roomId: spaceId, personEmail: email });
      return memberships.some((m) => m.personEmail.toLowerCase() === email.toLowerCase());
    },

    async findPerson(email: string): Promise<Person | null> {
      const found = await manager.findPeopleByEmail(email);
      const person = found.find((p) => p.emails.some((e) => e.toLowerCase() === email.toLowerCase())) ?? found[0];
      return person ? toPerson(person) : null;
    },

    postAsVisitor(spaceId: string, markdown: string): Promise<string[]> {
      return postParts(manager, spaceId, markdown);
    },

    postAsBot(spaceId: string, markdown: string, postOptions?: PostOptions): Promise<string[]> {
      return postParts(bot, spaceId, markdown, postOptions?.parentId);
    },

    async postCard(spaceId: string, card: Json, fallbackText: string, postOptions?: PostOptions): Promise<string> {
      const message = await bot.createMessage({
        roomId: spaceId,
        // The fallback is what clients without cards show; it must fit one message.
        markdown: splitMessage(fallbackText)[0] ?? 'Card',
        attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card }],
        ...(postOptions?.parentId ? { parentId: postOptions.parentId } : {}),
      });
      return message.id;
    },

    async deleteMessage(messageId: string): Promise<void> {
      // Only the author deletes its message: the bot's cards and texts, or the relay's posts.
      for (const client of relay ? [bot, relay] : [bot]) {
        try {
          await client.deleteMessage(messageId);
          return;
        } catch (error) {
          if (isStatus(error, 404)) return; // already gone
          if (!isStatus(error, 403) || client !== bot || !relay) throw error;
        }
      }
    },

    async handleWebhook(rawBody, headers): Promise<WebhookResult> {
      if (!verifyWebhookSignature(rawBody, headers['x-spark-signature'], options.webhookSecret)) {
        return { status: 401, body: { error: 'invalid signature' } };
      }
      let envelope: Envelope;
      try {
        envelope = envelopeSchema.parse(JSON.parse(rawBody.toString('utf8')));
      } catch {
        return { status: 400, body: { error: 'not a Webex webhook delivery' } };
      }
      if (!started || !handlers) return { status: 503, body: { error: 'not started' } };
      const { resource, event, data } = envelope;
      let key: string;
      let work: () => Promise<void>;
      if (resource === 'messages' && event === 'created') {
        // Our own posts come back through the webhooks: dropped before any fetch.
        if (ownIdentity(data.personId, data.personEmail)) return { status: 200, body: { ignored: 'own' } };
        key = `webex:message:${data.id}`;
        work = () => processMessage(envelope);
      } else if (resource === 'attachmentActions' && event === 'created') {
        key = `webex:action:${data.id}`;
        work = () => processAction(envelope);
      } else {
        return { status: 200, body: { ignored: `${resource}:${event}` } };
      }
      if (!seen.firstSeen(key, true)) return { status: 200, body: { duplicate: true } };
      track(key, data.roomId, work);
      return { status: 200, body: { accepted: true } };
    },
  };
  return channel;
}
