// AgentChannel for Slack. One identity, the app's bot user: Slack tells a bot of every message
// in the channels it is in (Events API, `message.groups`), so there is no relay user and no
// mention mode. A chat's space is a private channel the bot creates and invites agents to by
// e-mail. Visitor text is posted by the bot, prefixed with the visitor's name (the services
// write `**Name:** text`); `chat:write.customize` is not needed.
// Message ids are `<channel>:<ts>` (a ts is unique only within its channel).
// Every call goes through SlackClient (one retry policy); deliveries are verified by signature
// and timestamp before anything is parsed.
import pino, { type Logger } from 'pino';
import { z } from 'zod';
import { splitMessage } from '../../../domain/split.js';
import type {
  AgentChannel,
  AgentMessage,
  ChannelHandlers,
  Json,
  Person,
  PostOptions,
  WebhookResult,
} from '../../../ports.js';
import { KeyedQueue } from '../webex/keyed-queue.js';
import { Lru } from '../webex/lru.js';
import { adaptiveCardToBlocks, submittedInputs } from './blocks.js';
import { SLACK_API_BASE, SlackApiError, SlackClient, type SlackRetryPolicy, type SlackUser } from './client.js';
import { markdownToMrkdwn, mentionedUsers, mrkdwnToPlain, stripUserMention } from './mrkdwn.js';
import { verifySlackSignature } from './signature.js';

export interface SlackChannelOptions {
  /** `https://slack.com/api` (default) or the sandbox's. */
  apiBase?: string;
  /** The bot user OAuth token (`xoxb-…`). */
  botToken: string;
  /** The app's signing secret: every delivery is verified with it. */
  signingSecret: string;
  /** Durable "first time seen?" check (Store.markProcessed); in-memory dedupe always runs. */
  dedupe?: (key: string) => Promise<boolean>;
  logger?: Logger;
  policy?: Partial<SlackRetryPolicy>;
  /** The clock the timestamp check uses (tests). */
  now?: () => number;
}

export interface SlackChannel extends AgentChannel {
  /** Resolves when every accepted delivery has been processed (tests, shutdown). */
  whenIdle(): Promise<void>;
  /** The bot user (after `start`). */
  readonly botUserId: string | null;
}

/** Slack splits nothing for us; parts stay well under a section's 3,000 characters. */
const MAX_PART_BYTES = 2_800;

const eventSchema = z
  .object({
    type: z.string(),
    subtype: z.string().optional(),
    channel: z.string().optional(),
    channel_type: z.string().optional(),
    user: z.string().optional(),
    bot_id: z.string().optional(),
    text: z.string().optional(),
    ts: z.string().optional(),
    thread_ts: z.string().optional(),
  })
  .passthrough();

const envelopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url_verification'), challenge: z.string() }).passthrough(),
  z.object({ type: z.literal('event_callback'), event_id: z.string(), event: eventSchema }).passthrough(),
  z.object({ type: z.literal('app_rate_limited') }).passthrough(),
]);

const stateSchema = z.record(z.string(), z.record(z.string(), z.object({}).passthrough()));

const interactionSchema = z
  .object({
    type: z.string(),
    user: z.object({ id: z.string() }).passthrough(),
    channel: z.object({ id: z.string() }).passthrough().optional(),
    container: z
      .object({ message_ts: z.string().optional(), channel_id: z.string().optional() })
      .passthrough()
      .optional(),
    message: z.object({ ts: z.string() }).passthrough().optional(),
    actions: z
      .array(
        z
          .object({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() })
          .passthrough(),
      )
      .optional(),
    state: z.object({ values: stateSchema }).passthrough().optional(),
  })
  .passthrough();

type SlackEvent = z.infer<typeof eventSchema>;

const IGNORED_SUBTYPES = new Set(['message_changed', 'message_deleted', 'bot_message', 'channel_join', 'channel_leave', 'group_join', 'group_leave', 'channel_topic', 'channel_purpose', 'channel_name', 'group_topic', 'group_purpose', 'group_name']);

function header(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

export function messageIdOf(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

/** `<channel>:<ts>` → its parts; null for anything else. */
export function parseMessageId(id: string): { channel: string; ts: string } | null {
  const match = /^([A-Z0-9]+):(\d+\.\d+)$/i.exec(id);
  return match ? { channel: match[1]!, ts: match[2]! } : null;
}

/** A title → a channel name Slack accepts (lowercase, letters, digits, `-`, `_`, at most 80). */
export function channelName(title: string, suffix = ''): string {
  const base =
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '') || 'chat';
  const tail = suffix ? `-${suffix}` : '';
  return `${base.slice(0, 80 - tail.length).replace(/-$/, '')}${tail}`;
}

function toPerson(user: SlackUser): Person {
  const profile = user.profile ?? {};
  return {
    id: user.id,
    email: profile.email ?? '',
    displayName: profile.display_name || profile.real_name || user.real_name || user.name || user.id,
    firstName: profile.first_name || null,
  };
}

function isCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof SlackApiError && codes.includes(error.code);
}

export function createSlackChannel(options: SlackChannelOptions): SlackChannel {
  const logger = options.logger ?? pino({ name: 'slack' });
  const client = new SlackClient({
    baseUrl: options.apiBase ?? SLACK_API_BASE,
    token: options.botToken,
    logger,
    policy: options.policy,
  });
  const now = options.now ?? Date.now;

  let handlers: ChannelHandlers | null = null;
  let botUserId: string | null = null;
  let botId: string | null = null;
  let started = false;

  const seen = new Lru<true>(10_000, 60 * 60 * 1000);
  const people = new Lru<Person>(2_000, 10 * 60 * 1000);
  const byEmail = new Lru<string>(2_000, 10 * 60 * 1000);
  const inbound = new KeyedQueue();
  const pending = new Set<Promise<void>>();

  async function personById(id: string): Promise<Person> {
    const cached = people.get(id);
    if (cached) return cached;
    const { user } = await client.call<{ user: SlackUser }>('users.info', { user: id });
    const person = toPerson(user);
    people.set(id, person);
    if (person.email) byEmail.set(person.email.toLowerCase(), id);
    return person;
  }

  async function userIdByEmail(email: string): Promise<string | null> {
    const key = email.toLowerCase();
    const cached = byEmail.get(key);
    if (cached) return cached;
    try {
      const { user } = await client.call<{ user: SlackUser }>('users.lookupByEmail', { email });
      const person = toPerson(user);
      people.set(user.id, person);
      byEmail.set(key, user.id);
      return user.id;
    } catch (error) {
      if (isCode(error, 'users_not_found')) return null;
      throw error;
    }
  }

  async function memberIds(channel: string): Promise<string[]> {
    return client.paginate<string>('conversations.members', 'members', { channel });
  }

  async function firstTime(key: string): Promise<boolean> {
    return options.dedupe ? options.dedupe(key) : true;
  }

  function track(key: string, channel: string | undefined, work: () => Promise<void>): void {
    // One channel's deliveries are handed over in arrival order; channels proceed in parallel.
    const run = inbound
      .run(channel ?? key, work)
      .catch((error: unknown) => {
        const e = error as Error & Partial<SlackApiError>;
        logger.error({ key, err: e.message, code: e.code }, 'slack delivery failed');
      })
      .finally(() => pending.delete(run));
    pending.add(run);
  }

  async function processMessage(event: SlackEvent): Promise<void> {
    const channel = event.channel!;
    const ts = event.ts!;
    const raw = event.text ?? '';
    const mentioned = botUserId !== null && mentionedUsers(raw).includes(botUserId);
    const mentionsBot = mentioned || event.channel_type === 'im';
    const others = [...new Set(mentionedUsers(raw))].filter((id) => id !== botUserId);
    const names = new Map<string, string>();
    for (const id of others) {
      try {
        names.set(id, (await personById(id)).displayName);
      } catch {
        // An unknown user stays "@someone".
      }
    }
    const cleaned = mentioned && botUserId ? stripUserMention(raw, botUserId) : raw;
    const author = await personById(event.user!);
    const threaded = event.thread_ts !== undefined && event.thread_ts !== ts;
    const message: AgentMessage = {
      spaceId: channel,
      messageId: messageIdOf(channel, ts),
      author,
      text: mrkdwnToPlain(cleaned, { user: (id) => names.get(id) }).trim(),
      parentId: threaded ? messageIdOf(channel, event.thread_ts!) : null,
      mentionsBot,
      at: new Date(Math.round(Number(ts) * 1000)),
    };
    if (!(await firstTime(`slack:message:${message.messageId}`))) return;
    await handlers?.onAgentMessage(message);
  }

  function handleEvent(eventId: string, event: SlackEvent): WebhookResult {
    if (event.type !== 'message' && event.type !== 'app_mention') return { status: 200, body: { ignored: event.type } };
    if (event.subtype && IGNORED_SUBTYPES.has(event.subtype)) return { status: 200, body: { ignored: event.subtype } };
    // The bot's own posts (and other apps') come back as events: dropped before any call.
    if (event.bot_id || !event.user || (botUserId !== null && event.user === botUserId) || (botId && event.bot_id === botId)) {
      return { status: 200, body: { ignored: 'bot' } };
    }
    if (!event.channel || !event.ts) return { status: 200, body: { ignored: 'incomplete' } };
    // A message and its app_mention share channel and ts: handled once.
    const key = `slack:message:${event.channel}:${event.ts}`;
    if (!seen.firstSeen(`event:${eventId}`, true) || !seen.firstSeen(key, true)) {
      return { status: 200, body: { duplicate: true } };
    }
    track(key, event.channel, () => processMessage(event));
    return { status: 200, body: { accepted: true } };
  }

  function handleInteraction(rawBody: Buffer): WebhookResult {
    const form = new URLSearchParams(rawBody.toString('utf8'));
    let payload: z.infer<typeof interactionSchema>;
    try {
      payload = interactionSchema.parse(JSON.parse(form.get('payload') ?? ''));
    } catch {
      return { status: 400, body: { error: 'not a Slack interaction payload' } };
    }
    if (payload.type !== 'block_actions') return { status: 200 };
    const channel = payload.channel?.id ?? payload.container?.channel_id;
    const messageTs = payload.container?.message_ts ?? payload.message?.ts;
    if (!channel || !messageTs) return { status: 200 };
    for (const action of payload.actions ?? []) {
      if (!action.action_id.startsWith('submit:')) continue;
      const inputs = submittedInputs(action.value, payload.state?.values as never);
      if (!inputs) continue;
      const actionTs = action.action_ts ?? `${Date.now() / 1000}`;
      const actionId = `${channel}:${messageTs}:${actionTs}:${payload.user.id}`;
      const key = `slack:action:${actionId}`;
      if (!seen.firstSeen(key, true)) continue;
      track(key, channel, async () => {
        const actor = await personById(payload.user.id);
        if (!(await firstTime(key))) return;
        await handlers?.onCardAction({
          spaceId: channel,
          actionId,
          messageId: messageIdOf(channel, messageTs),
          actor,
          inputs,
          at: new Date(Math.round(Number(actionTs) * 1000) || now()),
        });
      });
    }
    // Slack wants an empty 200 within three seconds; the work goes on behind it.
    return { status: 200 };
  }

  async function postParts(spaceId: string, markdown: string, parentId?: string): Promise<string[]> {
    const parts = splitMessage(markdown, MAX_PART_BYTES);
    if (parts.length === 0) throw new Error('refusing to post an empty message');
    const thread = parentId ? parseMessageId(parentId) : null;
    const posted = await client.postMessages(
      spaceId,
      parts.map((part) => ({
        text: markdownToMrkdwn(part),
        unfurl_links: false,
        unfurl_media: false,
        ...(thread ? { thread_ts: thread.ts } : {}),
      })),
    );
    return posted.map((p) => messageIdOf(p.channel, p.ts));
  }

  async function createUnique(title: string, create: (name: string) => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const suffix = attempt === 0 ? '' : Math.random().toString(36).slice(2, 8);
      try {
        await create(channelName(title, suffix));
        return;
      } catch (error) {
        if (!isCode(error, 'name_taken') || attempt >= 4) throw error;
      }
    }
  }

  const channel: SlackChannel = {
    mode: 'relay',

    get botUserId() {
      return botUserId;
    },

    async start(h: ChannelHandlers): Promise<void> {
      if (started) throw new Error('the Slack channel is already started');
      const me = await client.call<{ user_id: string; bot_id?: string; team?: string }>('auth.test');
      botUserId = me.user_id;
      botId = me.bot_id ?? null;
      handlers = h;
      started = true;
      logger.info({ botUserId, team: me.team }, 'slack channel started');
    },

    async stop(): Promise<void> {
      await channel.whenIdle();
      started = false;
      handlers = null;
    },

    async whenIdle(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },

    async createSpace(title: string): Promise<string> {
      let id = '';
      await createUnique(title, async (name) => {
        const created = await client.call<{ channel: { id: string } }>('conversations.create', { name, is_private: true });
        id = created.channel.id;
      });
      return id;
    },

    async renameSpace(spaceId: string, title: string): Promise<void> {
      await createUnique(title, async (name) => {
        await client.call('conversations.rename', { channel: spaceId, name });
      });
    },

    async addMember(spaceId: string, email: string): Promise<void> {
      const user = await userIdByEmail(email);
      if (!user) throw new SlackApiError('users.lookupByEmail', 'users_not_found', 200);
      try {
        await client.call('conversations.invite', { channel: spaceId, users: user });
      } catch (error) {
        if (isCode(error, 'already_in_channel', 'cant_invite_self')) return;
        throw error;
      }
    },

    async removeMember(spaceId: string, email: string): Promise<void> {
      const user = await userIdByEmail(email);
      if (!user) return;
      try {
        await client.call('conversations.kick', { channel: spaceId, user });
      } catch (error) {
        if (isCode(error, 'not_in_channel', 'user_not_found')) return;
        throw error;
      }
    },

    async listMembers(spaceId: string): Promise<Person[]> {
      const ids = await memberIds(spaceId);
      const members: Person[] = [];
      for (const id of ids) members.push(await personById(id));
      return members;
    },

    async isMember(spaceId: string, email: string): Promise<boolean> {
      const user = await userIdByEmail(email);
      if (!user) return false;
      return (await memberIds(spaceId)).includes(user);
    },

    async findPerson(email: string): Promise<Person | null> {
      const user = await userIdByEmail(email);
      return user ? personById(user) : null;
    },

    postAsVisitor(spaceId: string, markdown: string): Promise<string[]> {
      return postParts(spaceId, markdown);
    },

    postAsBot(spaceId: string, markdown: string, postOptions?: PostOptions): Promise<string[]> {
      return postParts(spaceId, markdown, postOptions?.parentId);
    },

    async postCard(spaceId: string, card: Json, fallbackText: string, postOptions?: PostOptions): Promise<string> {
      const thread = postOptions?.parentId ? parseMessageId(postOptions.parentId) : null;
      const posted = await client.postMessage({
        channel: spaceId,
        // Shown in notifications and where blocks cannot be.
        text: markdownToMrkdwn(splitMessage(fallbackText, MAX_PART_BYTES)[0] ?? 'Card'),
        blocks: adaptiveCardToBlocks(card),
        unfurl_links: false,
        ...(thread ? { thread_ts: thread.ts } : {}),
      });
      return messageIdOf(posted.channel, posted.ts);
    },

    async deleteMessage(messageId: string): Promise<void> {
      const id = parseMessageId(messageId);
      if (!id) throw new Error(`not a Slack message id: ${messageId}`);
      try {
        await client.call('chat.delete', { channel: id.channel, ts: id.ts });
      } catch (error) {
        if (isCode(error, 'message_not_found', 'channel_not_found')) return;
        throw error;
      }
    },

    async handleWebhook(rawBody, headers): Promise<WebhookResult> {
      const check = verifySlackSignature(rawBody, headers, options.signingSecret, now());
      if (!check.ok) {
        return { status: 401, body: { error: check.reason === 'stale' ? 'stale timestamp' : 'invalid signature' } };
      }
      const contentType = header(headers['content-type']).toLowerCase();
      if (contentType.startsWith('application/x-www-form-urlencoded')) {
        if (!started || !handlers) return { status: 503, body: { error: 'not started' } };
        return handleInteraction(rawBody);
      }
      let envelope: z.infer<typeof envelopeSchema>;
      try {
        envelope = envelopeSchema.parse(JSON.parse(rawBody.toString('utf8')));
      } catch {
        return { status: 400, body: { error: 'not a Slack Events API delivery' } };
      }
      if (envelope.type === 'url_verification') return { status: 200, body: { challenge: envelope.challenge } };
      if (envelope.type === 'app_rate_limited') {
        logger.warn('slack stopped delivering events for a while (app_rate_limited)');
        return { status: 200 };
      }
      if (!started || !handlers) return { status: 503, body: { error: 'not started' } };
      return handleEvent(envelope.event_id, envelope.event);
    },
  };
  return channel;
}
