// AgentChannel for Slack. One identity, the app's bot user: Slack tells a bot of every message
// in the channels it is in (Events API, `message.groups`), so there is no relay user and no
// mention mode. A chat's space is a private channel the bot creates and invites agents to by
// e-mail. Visitor text is posted by the bot with the visitor's name as a bold prefix;
// `chat:write.customize` is not needed.
// Message ids are `<channel>:<ts>` (a ts is unique only within its channel).
// Every call goes through SlackClient (the shared retry policy); deliveries go through the
// shared inbound pipeline (signature and timestamp, dedupe, per-channel order), then inbound.ts.
import pino, { type Logger } from 'pino';
import {
  ChannelError,
  type AgentChannel,
  type CardSpec,
  type ChannelHandlers,
  type OutgoingMessage,
  type Person,
  type PostOptions,
  type WebhookResult,
} from '../../../ports.js';
import { CardTemplates } from '../shared/card-templates.js';
import { InboundPipeline, type Headers } from '../shared/inbound.js';
import { PeopleCache } from '../shared/people.js';
import type { RetryPolicy } from '../shared/retry.js';
import { adaptiveCardToBlocks } from './blocks.js';
import { SLACK_API_BASE, SlackApiError, SlackClient, isSlackCode, type SlackUser } from './client.js';
import { channelName, messageIdOf, parseMessageId } from './ids.js';
import { SlackInbound } from './inbound.js';
import { renderMessage, renderMrkdwn, slackParts } from './render.js';
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
  policy?: Partial<RetryPolicy>;
  /** The clock the timestamp check uses (tests). */
  now?: () => number;
}

export interface SlackChannel extends AgentChannel {
  /** Resolves when every accepted delivery has been processed (tests, shutdown). */
  whenIdle(): Promise<void>;
  /** The bot user (after `start`). */
  readonly botUserId: string | null;
}

interface Running {
  handlers: ChannelHandlers;
  botUserId: string;
  /** The workspace's id and URL, for links to channels. */
  teamId: string | null;
  teamUrl: string | null;
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

class SlackAgentChannel implements SlackChannel {
  readonly messenger = 'slack' as const;
  readonly mode = 'relay' as const;
  private readonly logger: Logger;
  private readonly client: SlackClient;
  private readonly people = new PeopleCache();
  private readonly pipeline: InboundPipeline;
  private readonly inbound: SlackInbound;
  private readonly cards = new CardTemplates();
  private running: Running | null = null;

  constructor(options: SlackChannelOptions) {
    this.logger = options.logger ?? pino({ name: 'slack' });
    const now = options.now ?? Date.now;
    this.client = new SlackClient({
      baseUrl: options.apiBase ?? SLACK_API_BASE,
      token: options.botToken,
      logger: this.logger,
      policy: options.policy,
    });
    this.pipeline = new InboundPipeline({
      messenger: 'slack',
      logger: this.logger,
      dedupe: options.dedupe,
      details: (error) => (error instanceof SlackApiError ? { code: error.code } : {}),
      verify: (raw, headers) => {
        const check = verifySlackSignature(raw, headers, options.signingSecret, now());
        if (check.ok) return null;
        return { status: 401, body: { error: check.reason === 'stale' ? 'stale timestamp' : 'invalid signature' } };
      },
    });
    this.inbound = new SlackInbound({
      pipeline: this.pipeline,
      logger: this.logger,
      person: (id) => this.personById(id),
      now,
      state: () => this.running,
    });
  }

  get botUserId(): string | null {
    return this.running?.botUserId ?? null;
  }

  async start(handlers: ChannelHandlers): Promise<void> {
    if (this.running) throw new Error('the Slack channel is already started');
    const me = await this.client.call<{ user_id: string; team?: string; team_id?: string; url?: string }>('auth.test');
    this.running = { handlers, botUserId: me.user_id, teamId: me.team_id ?? null, teamUrl: me.url ?? null };
    this.logger.info({ botUserId: me.user_id, team: me.team }, 'slack channel started');
  }

  async stop(): Promise<void> {
    await this.whenIdle();
    this.running = null;
  }

  whenIdle(): Promise<void> {
    return this.pipeline.whenIdle();
  }

  private personById(id: string): Promise<Person> {
    return this.people.get(id, async () => {
      const { user } = await this.client.call<{ user: SlackUser }>('users.info', { user: id });
      return toPerson(user);
    });
  }

  private async userIdByEmail(email: string): Promise<string | null> {
    const known = this.people.idOf(email);
    if (known) return known;
    try {
      const { user } = await this.client.call<{ user: SlackUser }>('users.lookupByEmail', { email });
      this.people.remember(toPerson(user), email);
      return user.id;
    } catch (error) {
      if (isSlackCode(error, 'users_not_found')) return null;
      throw error;
    }
  }

  private memberIds(channel: string): Promise<string[]> {
    return this.client.paginate<string>('conversations.members', 'members', { channel });
  }

  /** Runs `create` with the title's channel name, then with a random suffix while it is taken. */
  private async withUniqueName(title: string, create: (name: string) => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const suffix = attempt === 0 ? '' : Math.random().toString(36).slice(2, 8);
      try {
        await create(channelName(title, suffix));
        return;
      } catch (error) {
        if (!isSlackCode(error, 'name_taken') || attempt >= 4) throw error;
      }
    }
  }

  async createSpace(title: string): Promise<string> {
    let id = '';
    await this.withUniqueName(title, async (name) => {
      const created = await this.client.call<{ channel: { id: string } }>('conversations.create', { name, is_private: true });
      id = created.channel.id;
    });
    return id;
  }

  async renameSpace(spaceId: string, title: string): Promise<void> {
    await this.withUniqueName(title, async (name) => {
      await this.client.call('conversations.rename', { channel: spaceId, name });
    });
  }

  async addMember(spaceId: string, email: string): Promise<void> {
    const user = await this.userIdByEmail(email);
    if (!user) throw new SlackApiError('users.lookupByEmail', 'users_not_found', 200);
    try {
      await this.client.call('conversations.invite', { channel: spaceId, users: user });
    } catch (error) {
      if (!isSlackCode(error, 'already_in_channel', 'cant_invite_self')) throw error;
    }
  }

  async removeMember(spaceId: string, email: string): Promise<void> {
    const user = await this.userIdByEmail(email);
    if (!user) return;
    try {
      await this.client.call('conversations.kick', { channel: spaceId, user });
    } catch (error) {
      if (!isSlackCode(error, 'not_in_channel', 'user_not_found')) throw error;
    }
  }

  async listMembers(spaceId: string): Promise<Person[]> {
    const members: Person[] = [];
    for (const id of await this.memberIds(spaceId)) members.push(await this.personById(id));
    return members;
  }

  async isMember(spaceId: string, email: string): Promise<boolean> {
    const user = await this.userIdByEmail(email);
    return user !== null && (await this.memberIds(spaceId)).includes(user);
  }

  async findPerson(email: string): Promise<Person | null> {
    const user = await this.userIdByEmail(email);
    return user ? this.personById(user) : null;
  }

  /** The channel in the workspace's web client, when the workspace is known. */
  spaceLink(spaceId: string): string | null {
    const running = this.running;
    if (!running?.teamUrl) return null;
    return `${running.teamUrl.replace(/\/+$/, '')}/archives/${encodeURIComponent(spaceId)}`;
  }

  async post(spaceId: string, message: OutgoingMessage): Promise<string[]> {
    const parts = slackParts(renderMessage(message));
    if (parts.length === 0) throw new ChannelError('refusing to post an empty message', false);
    const thread = message.parentId ? parseMessageId(message.parentId) : null;
    const posted = await this.client.postMessages(
      spaceId,
      parts.map((text) => ({ text, unfurl_links: false, unfurl_media: false, ...(thread ? { thread_ts: thread.ts } : {}) })),
    );
    return posted.map((p) => messageIdOf(p.channel, p.ts));
  }

  async postCard(spaceId: string, card: CardSpec, options?: PostOptions): Promise<string> {
    const thread = options?.parentId ? parseMessageId(options.parentId) : null;
    const posted = await this.client.postMessage({
      channel: spaceId,
      // Shown in notifications and where blocks cannot be.
      text: slackParts(renderMrkdwn(card.fallback))[0] ?? 'Card',
      blocks: adaptiveCardToBlocks(this.cards.expand(card.template, card.data)),
      unfurl_links: false,
      ...(thread ? { thread_ts: thread.ts } : {}),
    });
    return messageIdOf(posted.channel, posted.ts);
  }

  async deleteMessage(messageId: string): Promise<void> {
    const id = parseMessageId(messageId);
    if (!id) throw new ChannelError(`not a Slack message id: ${messageId}`, false);
    try {
      await this.client.call('chat.delete', { channel: id.channel, ts: id.ts });
    } catch (error) {
      if (!isSlackCode(error, 'message_not_found', 'channel_not_found')) throw error;
    }
  }

  async deleteSpace(spaceId: string): Promise<void> {
    // Slack keeps channels: an archived one leaves the members' sidebars and takes no messages.
    try {
      await this.client.call('conversations.archive', { channel: spaceId });
    } catch (error) {
      if (!isSlackCode(error, 'already_archived', 'channel_not_found')) throw error;
    }
  }

  handleWebhook(rawBody: Buffer, headers: Headers): Promise<WebhookResult> {
    return this.pipeline.receive(rawBody, headers, (raw, h) => this.inbound.route(raw, h));
  }
}

export function createSlackChannel(options: SlackChannelOptions): SlackChannel {
  return new SlackAgentChannel(options);
}
