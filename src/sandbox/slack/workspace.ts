// The Slack sandbox's workspace, in memory: users alice…sam and the bot, channels with their
// members and messages, the access rules of the Web API, and Slack's JSON shapes.
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
  /** Archived channels take no messages (Slack answers `is_archived`). */
  archived?: boolean;
}

export type Args = Record<string, unknown>;

const PEOPLE = [
  { email: 'alice@example.com', name: 'alice', realName: 'Alice Anders' },
  { email: 'bob@example.com', name: 'bob', realName: 'Bob Brown' },
  { email: 'carol@example.com', name: 'carol', realName: 'Carol Clark' },
  { email: 'dave@example.com', name: 'dave', realName: 'Dave Davis' },
  { email: 'erin@example.com', name: 'erin', realName: 'Erin Evans' },
  { email: 'sam@example.com', name: 'sam', realName: 'Sam Supervisor' },
];

export const SLACK_SANDBOX_BOT_TOKEN = 'xoxb-sandbox-bot';
export const BOT_ID = 'B0SANDBOT';
export const TEAM_ID = 'T0SANDBOX';

/** A Web API error: answered as `{ ok: false, error: code }`. */
export class ApiError extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

function parseJsonArg(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new ApiError('invalid_blocks');
  }
}

export class SlackWorkspace {
  readonly users: SlackSandboxUser[];
  readonly bot: SlackSandboxUser;
  readonly channels = new Map<string, SlackSandboxChannel>();
  private lastTs = 0;
  private nextChannel = 1;

  /** `posted` hears every new message (the Events API delivers from it). */
  constructor(private readonly posted: (channel: SlackSandboxChannel, message: SlackSandboxMessage) => void) {
    this.bot = { id: 'U0SANDBOT', email: 'livechat-bot@slack.invalid', name: 'livechat', realName: 'Live Chat', token: SLACK_SANDBOX_BOT_TOKEN, isBot: true };
    this.users = [
      this.bot,
      ...PEOPLE.map((p, i) => ({ ...p, id: `U0${String(i + 1).padStart(7, '0')}`, token: `xoxp-sandbox-${p.name}`, isBot: false })),
    ];
  }

  user(email: string): SlackSandboxUser {
    const found = this.users.find((u) => u.email === email.toLowerCase());
    if (!found) throw new Error(`no sandbox user ${email}`);
    return found;
  }

  /** A new channel id, `C…` or `G…` (private) as Slack numbers them. */
  newChannelId(isPrivate: boolean): string {
    return `${isPrivate ? 'G' : 'C'}0${String(this.nextChannel++).padStart(8, '0')}`;
  }

  /** The channel if the caller may use it: `channel_not_found` for private ones they are not in. */
  visible(caller: SlackSandboxUser, id: unknown): SlackSandboxChannel {
    const channel = this.channels.get(String(id ?? ''));
    if (!channel || (channel.isPrivate && !channel.members.has(caller.id))) throw new ApiError('channel_not_found');
    if (!channel.members.has(caller.id)) throw new ApiError('not_in_channel');
    return channel;
  }

  /** `chat.postMessage`: text and/or blocks, optionally in a thread. */
  postMessage(caller: SlackSandboxUser, args: Args): SlackSandboxMessage {
    const channel = this.visible(caller, args.channel);
    if (channel.archived) throw new ApiError('is_archived');
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
    this.posted(channel, message);
    return message;
  }

  /** Slack timestamps: seconds with six decimals, strictly increasing. */
  newTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }
}

export function userJson(u: SlackSandboxUser): Args {
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

export function channelJson(c: SlackSandboxChannel): Args {
  return { id: c.id, name: c.name, is_channel: true, is_private: c.isPrivate, is_group: c.isPrivate, creator: c.creator, is_archived: c.archived === true };
}

export function messageJson(m: SlackSandboxMessage): Args {
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
