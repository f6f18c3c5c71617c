// A small Slack for development and tests: the Web API methods this product calls (under
// `<base>/api/<method>`, Slack's `{ ok, error }` answers, 429 with Retry-After on demand),
// private channels, users alice…sam and a bot user, and signed deliveries of the Events API
// (`message` and `app_mention` events of channels the bot is in) and of interactivity
// (`block_actions` when someone clicks a button) to the configured request URLs.
// State lives in memory: a restart starts a fresh workspace.
import { createHmac, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';

export interface SlackSandboxUser {
  id: string;
  email: string;
  name: string;
  realName: string;
  token: string;
  isBot: boolean;
}

export interface SlackSandboxMessage {
  channel: string;
  ts: string;
  user: string;
  /** Set on the bot's posts, as Slack does. */
  botId?: string;
  text: string;
  threadTs?: string;
  blocks?: Record<string, unknown>[];
}

export interface SlackSandboxChannel {
  id: string;
  name: string;
  isPrivate: boolean;
  creator: string;
  members: Set<string>;
  messages: SlackSandboxMessage[];
}

export interface SlackDelivery {
  kind: 'event' | 'interaction';
  url: string;
  status: number;
  attempt: number;
}

export interface SlackSandboxOptions {
  /** Where `router` is mounted (e.g. `http://127.0.0.1:3000/sandbox/slack`); set later by `listen`. */
  publicUrl?: string;
  signingSecret?: string;
  /** Where events and interactions go (the app's `/webhooks/slack`); can be set later. */
  requestUrl?: string;
  log?: Logger;
}

const PEOPLE = [
  { email: 'alice@example.com', name: 'alice', realName: 'Alice Anders' },
  { email: 'bob@example.com', name: 'bob', realName: 'Bob Brown' },
  { email: 'carol@example.com', name: 'carol', realName: 'Carol Clark' },
  { email: 'dave@example.com', name: 'dave', realName: 'Dave Davis' },
  { email: 'erin@example.com', name: 'erin', realName: 'Erin Evans' },
  { email: 'sam@example.com', name: 'sam', realName: 'Sam Supervisor' },
];

export const SLACK_SANDBOX_SIGNING_SECRET = 'slack-sandbox-signing-secret';
export const SLACK_SANDBOX_BOT_TOKEN = 'xoxb-sandbox-bot';
const BOT_ID = 'B0SANDBOT';
const TEAM_ID = 'T0SANDBOX';

type Args = Record<string, unknown>;

class ApiError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

function parseJsonArg(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new ApiError('invalid_blocks');
  }
}

export class SlackSandbox {
  readonly router = express.Router();
  readonly signingSecret: string;
  readonly users: SlackSandboxUser[];
  readonly bot: SlackSandboxUser;
  readonly channels = new Map<string, SlackSandboxChannel>();
  /** Every Web API call by method name (including refused ones). */
  readonly calls = new Map<string, number>();
  readonly deliveries: SlackDelivery[] = [];
  requestUrl: string | null;
  private base: string | null;
  private readonly rateLimits: { method: string; times: number; retryAfter: number }[] = [];
  private readonly failures: { method: string; times: number; status: number }[] = [];
  private lastTs = 0;
  private nextChannel = 1;
  private deliveryChain: Promise<void> = Promise.resolve();
  private server: import('node:http').Server | null = null;

  constructor(private readonly options: SlackSandboxOptions = {}) {
    this.signingSecret = options.signingSecret ?? SLACK_SANDBOX_SIGNING_SECRET;
    this.requestUrl = options.requestUrl ?? null;
    this.base = options.publicUrl?.replace(/\/$/, '') ?? null;
    this.bot = { id: 'U0SANDBOT', email: 'livechat-bot@slack.invalid', name: 'livechat', realName: 'Live Chat', token: SLACK_SANDBOX_BOT_TOKEN, isBot: true };
    this.users = [
      this.bot,
      ...PEOPLE.map((p, i) => ({ ...p, id: `U0${String(i + 1).padStart(7, '0')}`, token: `xoxp-sandbox-${p.name}`, isBot: false })),
    ];
    this.router.use(express.urlencoded({ extended: false, limit: '1mb' }), express.json({ limit: '1mb' }));
    this.router.all('/api/:method', (req, res) => this.serve(req, res));
  }

  /** `<publicUrl>/api`: what SLACK_API_URL points at. */
  get apiBase(): string {
    if (!this.base) throw new Error('the Slack sandbox has no public URL yet');
    return `${this.base}/api`;
  }

  /** Serves the sandbox on its own port (tests playing an external Slack). */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const app = express();
    app.use(this.router);
    this.server = await new Promise((resolve) => {
      const server = app.listen(port, host, () => resolve(server));
    });
    const address = this.server!.address() as AddressInfo;
    this.base = `http://${host}:${address.port}`;
    return this.base;
  }

  async close(): Promise<void> {
    await this.whenDelivered();
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  user(email: string): SlackSandboxUser {
    const found = this.users.find((u) => u.email === email.toLowerCase());
    if (!found) throw new Error(`no sandbox user ${email}`);
    return found;
  }

  tokenFor(email: string): string {
    return this.user(email).token;
  }

  memberEmails(channel: string): string[] {
    const found = this.channels.get(channel);
    if (!found) return [];
    return [...found.members].map((id) => this.users.find((u) => u.id === id)!.email).sort();
  }

  // --- knobs

  /** The next `times` calls of `method` (`*`: any) answer 429 with `Retry-After: retryAfter`. */
  rateLimit(method: string, times = 1, retryAfterSeconds = 1): void {
    this.rateLimits.push({ method, times, retryAfter: retryAfterSeconds });
  }

  /** The next `times` calls of `method` (`*`: any) answer with HTTP `status` (e.g. 503). */
  failNext(method: string, status = 503, times = 1): void {
    this.failures.push({ method, times, status });
  }

  /** Resolves once every delivery queued so far has been answered. */
  async whenDelivered(): Promise<void> {
    let chain: Promise<void>;
    do {
      chain = this.deliveryChain;
      await chain;
    } while (chain !== this.deliveryChain);
  }

  // --- people acting (what the Slack client would do for them)

  /** A click on the button labelled `title` of message `ts`, with what the person typed or chose. */
  async click(email: string, channel: string, ts: string, title: string, typed: Record<string, string | string[]> = {}): Promise<number> {
    const user = this.user(email);
    const room = this.channels.get(channel);
    const message = room?.messages.find((m) => m.ts === ts);
    if (!room || !message || !room.members.has(user.id)) throw new Error(`${email} cannot see message ${ts} in ${channel}`);
    const blocks = message.blocks ?? [];
    let button: Record<string, unknown> | undefined;
    let blockId = '';
    for (const block of blocks) {
      if (block.type !== 'actions') continue;
      const found = (block.elements as Record<string, unknown>[]).find(
        (e) => e.type === 'button' && (e.text as { text: string }).text === title,
      );
      if (found) {
        button = found;
        blockId = String(block.block_id ?? '');
        break;
      }
    }
    if (!button) throw new Error(`no button "${title}" on message ${ts}`);
    const values: Record<string, Record<string, unknown>> = {};
    for (const block of blocks) {
      if (block.type !== 'input') continue;
      const element = block.element as Record<string, unknown> & { action_id: string; type: string };
      const given = typed[element.action_id];
      const list = given === undefined ? undefined : Array.isArray(given) ? given : given.split(',').filter(Boolean);
      const options = (element.options as { value: string }[] | undefined) ?? [];
      const pick = (v: string) => {
        const option = options.find((o) => o.value === v);
        if (!option) throw new Error(`no option "${v}" in ${element.action_id}`);
        return option;
      };
      let state: Record<string, unknown>;
      switch (element.type) {
        case 'plain_text_input':
          state = { value: given === undefined ? (element.initial_value ?? null) : String(given) };
          break;
        case 'static_select':
          state = { selected_option: list ? (list[0] ? pick(list[0]) : null) : (element.initial_option ?? null) };
          break;
        default:
          state = { selected_options: list ? list.map(pick) : (element.initial_options ?? []) };
      }
      values[String(block.block_id)] = { [element.action_id]: { type: element.type, ...state } };
    }
    const actionTs = this.newTs();
    const payload = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: TEAM_ID },
      api_app_id: 'A0SANDBOX',
      team: { id: TEAM_ID, domain: 'sandbox' },
      container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
      trigger_id: randomUUID(),
      channel: { id: channel, name: room.name },
      message: { type: 'message', ts, user: message.user, bot_id: message.botId, text: message.text, blocks },
      state: { values },
      response_url: `${this.base ?? ''}/response/${randomUUID()}`,
      actions: [
        {
          action_id: button.action_id,
          block_id: blockId,
          text: button.text,
          value: button.value,
          type: 'button',
          action_ts: actionTs,
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.deliver('interaction', body, 'application/x-www-form-urlencoded');
  }

  /** Posts as a person (their own token would do the same through the API). */
  say(email: string, channel: string, text: string, threadTs?: string): SlackSandboxMessage {
    return this.postMessage(this.user(email), { channel, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
  }

  // --- the Web API

  private async serve(req: Request, res: Response): Promise<void> {
    const method = String(req.params.method);
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const limited = this.take(this.rateLimits, method);
    if (limited) {
      res.status(429).set('retry-after', String(limited.retryAfter)).json({ ok: false, error: 'ratelimited' });
      return;
    }
    const failure = this.take(this.failures, method);
    if (failure) {
      res.status(failure.status).json({ ok: false, error: 'service_unavailable' });
      return;
    }
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? (req.body?.token as string | undefined);
    if (!token) {
      res.json({ ok: false, error: 'not_authed' });
      return;
    }
    const caller = this.users.find((u) => u.token === token);
    if (!caller) {
      res.json({ ok: false, error: 'invalid_auth' });
      return;
    }
    const args: Args = { ...(req.query as Args), ...((req.body as Args | undefined) ?? {}) };
    try {
      res.json({ ok: true, ...this.run(method, caller, args) });
    } catch (error) {
      if (error instanceof ApiError) res.json({ ok: false, error: error.code });
      else {
        this.options.log?.error({ err: error, method }, 'slack sandbox failure');
        res.status(500).json({ ok: false, error: 'internal_error' });
      }
    }
  }

  private take<T extends { method: string; times: number }>(list: T[], method: string): T | null {
    const found = list.find((k) => k.times > 0 && (k.method === method || k.method === '*'));
    if (!found) return null;
    found.times--;
    return found;
  }

  private run(method: string, caller: SlackSandboxUser, args: Args): Args {
    switch (method) {
      case 'auth.test':
        return {
          url: `${this.base ?? ''}/`,
          team: 'Sandbox',
          user: caller.name,
          team_id: TEAM_ID,
          user_id: caller.id,
          ...(caller.isBot ? { bot_id: BOT_ID } : {}),
        };
      case 'users.lookupByEmail': {
        const email = String(args.email ?? '').toLowerCase();
        const found = this.users.find((u) => u.email === email);
        if (!found) throw new ApiError('users_not_found');
        return { user: this.userJson(found) };
      }
      case 'users.info': {
        const found = this.users.find((u) => u.id === args.user);
        if (!found) throw new ApiError('user_not_found');
        return { user: this.userJson(found) };
      }
      case 'conversations.create': {
        const name = String(args.name ?? '');
        if (!/^[a-z0-9_-]{1,80}$/.test(name)) throw new ApiError('invalid_name_specials');
        if ([...this.channels.values()].some((c) => c.name === name)) throw new ApiError('name_taken');
        const isPrivate = args.is_private === true || args.is_private === 'true';
        const id = `${isPrivate ? 'G' : 'C'}0${String(this.nextChannel++).padStart(8, '0')}`;
        const channel: SlackSandboxChannel = { id, name, isPrivate, creator: caller.id, members: new Set([caller.id]), messages: [] };
        this.channels.set(id, channel);
        return { channel: this.channelJson(channel) };
      }
      case 'conversations.rename': {
        const channel = this.visible(caller, args.channel);
        const name = String(args.name ?? '');
        if (!/^[a-z0-9_-]{1,80}$/.test(name)) throw new ApiError('invalid_name_specials');
        if ([...this.channels.values()].some((c) => c.name === name && c !== channel)) throw new ApiError('name_taken');
        channel.name = name;
        return { channel: this.channelJson(channel) };
      }
      case 'conversations.invite': {
        const channel = this.visible(caller, args.channel);
        const ids = String(args.users ?? '').split(',').map((s) => s.trim()).filter(Boolean);
        if (ids.length === 0) throw new ApiError('no_user');
        for (const id of ids) {
          if (!this.users.some((u) => u.id === id)) throw new ApiError('user_not_found');
          if (id === caller.id) throw new ApiError('cant_invite_self');
          if (channel.members.has(id)) throw new ApiError('already_in_channel');
        }
        for (const id of ids) channel.members.add(id);
        return { channel: this.channelJson(channel) };
      }
      case 'conversations.kick': {
        const channel = this.visible(caller, args.channel);
        const id = String(args.user ?? '');
        if (!this.users.some((u) => u.id === id)) throw new ApiError('user_not_found');
        if (id === caller.id) throw new ApiError('cant_kick_self');
        if (!channel.members.has(id)) throw new ApiError('not_in_channel');
        channel.members.delete(id);
        return {};
      }
      case 'conversations.members': {
        const channel = this.visible(caller, args.channel);
        const all = [...channel.members];
        const limit = Math.max(1, Math.min(1000, Number(args.limit ?? 100) || 100));
        const start = Number(String(args.cursor ?? '') ? Buffer.from(String(args.cursor), 'base64url').toString() : 0) || 0;
        const next = start + limit < all.length ? Buffer.from(String(start + limit)).toString('base64url') : '';
        return { members: all.slice(start, start + limit), response_metadata: { next_cursor: next } };
      }
      case 'conversations.history': {
        const channel = this.visible(caller, args.channel);
        return { messages: channel.messages.filter((m) => !m.threadTs || m.threadTs === m.ts).map((m) => this.messageJson(m)).reverse(), has_more: false };
      }
      case 'conversations.replies': {
        const channel = this.visible(caller, args.channel);
        const ts = String(args.ts ?? '');
        if (!channel.messages.some((m) => m.ts === ts)) throw new ApiError('thread_not_found');
        return { messages: channel.messages.filter((m) => m.ts === ts || m.threadTs === ts).map((m) => this.messageJson(m)) };
      }
      case 'chat.postMessage': {
        const message = this.postMessage(caller, args);
        return { channel: message.channel, ts: message.ts, message: this.messageJson(message) };
      }
      case 'chat.delete': {
        const channel = this.visible(caller, args.channel);
        const index = channel.messages.findIndex((m) => m.ts === args.ts);
        if (index < 0) throw new ApiError('message_not_found');
        if (channel.messages[index]!.user !== caller.id) throw new ApiError('cant_delete_message');
        channel.messages.splice(index, 1);
        return { channel: channel.id, ts: args.ts };
      }
      default:
        throw new ApiError('unknown_method');
    }
  }

  private postMessage(caller: SlackSandboxUser, args: Args): SlackSandboxMessage {
    const channel = this.visible(caller, args.channel);
    const text = typeof args.text === 'string' ? args.text : '';
    const blocks = args.blocks === undefined ? undefined : (parseJsonArg(args.blocks) as Record<string, unknown>[]);
    if (blocks !== undefined && (!Array.isArray(blocks) || blocks.length > 50)) throw new ApiError('invalid_blocks');
    if (!text && !blocks?.length) throw new ApiError('no_text');
    if (text.length > 40_000) throw new ApiError('msg_too_long');
    const threadTs = typeof args.thread_ts === 'string' && args.thread_ts ? args.thread_ts : undefined;
    if (threadTs && !channel.messages.some((m) => m.ts === threadTs)) throw new ApiError('thread_not_found');
    const message: SlackSandboxMessage = {
      channel: channel.id,
      ts: this.newTs(),
      user: caller.id,
      ...(caller.isBot ? { botId: BOT_ID } : {}),
      text,
      ...(threadTs ? { threadTs } : {}),
      ...(blocks ? { blocks } : {}),
    };
    channel.messages.push(message);
    if (channel.members.has(this.bot.id)) this.announce(channel, message);
    return message;
  }

  /** The Events API: `message` to the bot's channels, and `app_mention` when it is mentioned. */
  private announce(channel: SlackSandboxChannel, message: SlackSandboxMessage): void {
    const event = {
      ...this.messageJson(message),
      channel: channel.id,
      channel_type: channel.isPrivate ? 'group' : 'channel',
      event_ts: message.ts,
    };
    const envelopes = [{ ...event, type: 'message' }];
    if (!message.botId && message.text.includes(`<@${this.bot.id}>`)) envelopes.push({ ...event, type: 'app_mention' });
    for (const e of envelopes) {
      const body = JSON.stringify({
        token: 'deprecated-verification-token',
        team_id: TEAM_ID,
        api_app_id: 'A0SANDBOX',
        event: e,
        type: 'event_callback',
        event_id: `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
        event_time: Math.floor(Number(message.ts)),
      });
      void this.deliver('event', body, 'application/json');
    }
  }

  /** Signs and posts a delivery, in order; retried up to three times as Slack does. */
  private deliver(kind: SlackDelivery['kind'], body: string, contentType: string): Promise<number> {
    const run = this.deliveryChain.then(async () => {
      const url = this.requestUrl;
      if (!url) return 0;
      for (let attempt = 0; attempt < 4; attempt++) {
        const timestamp = Math.floor(Date.now() / 1000);
        let status = 0;
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: {
              'content-type': contentType,
              'x-slack-request-timestamp': String(timestamp),
              'x-slack-signature': sign(this.signingSecret, timestamp, body),
              ...(attempt > 0 ? { 'x-slack-retry-num': String(attempt), 'x-slack-retry-reason': 'http_error' } : {}),
            },
            body,
            signal: AbortSignal.timeout(3_000),
          });
          status = res.status;
          await res.body?.cancel();
        } catch {
          status = 0;
        }
        this.deliveries.push({ kind, url, status, attempt });
        // Interactions are not retried by Slack; events are, on errors.
        if (kind === 'interaction' || (status >= 200 && status < 300)) return status;
        await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
      }
      return this.deliveries.at(-1)?.status ?? 0;
    });
    this.deliveryChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private visible(caller: SlackSandboxUser, id: unknown): SlackSandboxChannel {
    const channel = this.channels.get(String(id ?? ''));
    if (!channel || (channel.isPrivate && !channel.members.has(caller.id))) throw new ApiError('channel_not_found');
    if (!channel.members.has(caller.id)) throw new ApiError('not_in_channel');
    return channel;
  }

  private newTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  private userJson(u: SlackSandboxUser): Args {
    const [first = u.realName] = u.realName.split(' ');
    return {
      id: u.id,
      team_id: TEAM_ID,
      name: u.name,
      real_name: u.realName,
      is_bot: u.isBot,
      deleted: false,
      profile: { email: u.email, real_name: u.realName, display_name: u.isBot ? u.realName : first, first_name: first },
    };
  }

  private channelJson(c: SlackSandboxChannel): Args {
    return { id: c.id, name: c.name, is_channel: true, is_private: c.isPrivate, is_group: c.isPrivate, creator: c.creator };
  }

  private messageJson(m: SlackSandboxMessage): Args {
    return {
      type: 'message',
      user: m.user,
      ...(m.botId ? { bot_id: m.botId } : {}),
      text: m.text,
      ts: m.ts,
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
      ...(m.blocks ? { blocks: m.blocks } : {}),
    };
  }
}

export { renderMrkdwn, type Rendered } from './render.js';
