// The Web API methods this product calls, each over the workspace, with Slack's argument
// names and error codes; unknown methods answer `unknown_method`.
import {
  ApiError,
  BOT_ID,
  channelJson,
  messageJson,
  TEAM_ID,
  userJson,
  type Args,
  type SlackSandboxChannel,
  type SlackSandboxUser,
  type SlackWorkspace,
} from './workspace.js';

type Method = (ws: SlackWorkspace, caller: SlackSandboxUser, args: Args, base: string) => Args;

const CHANNEL_NAME = /^[a-z0-9_-]{1,80}$/;

function checkName(ws: SlackWorkspace, name: string, self?: SlackSandboxChannel): void {
  if (!CHANNEL_NAME.test(name)) throw new ApiError('invalid_name_specials');
  if ([...ws.channels.values()].some((c) => c.name === name && c !== self)) throw new ApiError('name_taken');
}

function userById(ws: SlackWorkspace, id: unknown): SlackSandboxUser | undefined {
  return ws.users.find((u) => u.id === id);
}

const METHODS: Record<string, Method> = {
  'auth.test': (_ws, caller, _args, base) => ({
    url: `${base}/`,
    team: 'Sandbox',
    user: caller.name,
    team_id: TEAM_ID,
    user_id: caller.id,
    ...(caller.isBot ? { bot_id: BOT_ID } : {}),
  }),
  'users.lookupByEmail': (ws, _caller, args) => {
    const email = String(args.email ?? '').toLowerCase();
    const found = ws.users.find((u) => u.email === email);
    if (!found) throw new ApiError('users_not_found');
    return { user: userJson(found) };
  },
  'users.info': (ws, _caller, args) => {
    const found = userById(ws, args.user);
    if (!found) throw new ApiError('user_not_found');
    return { user: userJson(found) };
  },
  'conversations.create': (ws, caller, args) => {
    const name = String(args.name ?? '');
    checkName(ws, name);
    const isPrivate = args.is_private === true || args.is_private === 'true';
    const id = ws.newChannelId(isPrivate);
    const channel: SlackSandboxChannel = { id, name, isPrivate, creator: caller.id, members: new Set([caller.id]), messages: [] };
    ws.channels.set(id, channel);
    return { channel: channelJson(channel) };
  },
  'conversations.rename': (ws, caller, args) => {
    const channel = ws.visible(caller, args.channel);
    const name = String(args.name ?? '');
    checkName(ws, name, channel);
    channel.name = name;
    return { channel: channelJson(channel) };
  },
  'conversations.invite': (ws, caller, args) => {
    const channel = ws.visible(caller, args.channel);
    const ids = String(args.users ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length === 0) throw new ApiError('no_user');
    for (const id of ids) {
      if (!userById(ws, id)) throw new ApiError('user_not_found');
      if (id === caller.id) throw new ApiError('cant_invite_self');
      if (channel.members.has(id)) throw new ApiError('already_in_channel');
    }
    for (const id of ids) channel.members.add(id);
    return { channel: channelJson(channel) };
  },
  'conversations.archive': (ws, caller, args) => {
    const channel = ws.visible(caller, args.channel);
    if (channel.archived) throw new ApiError('already_archived');
    channel.archived = true;
    return {};
  },
  'conversations.kick': (ws, caller, args) => {
    const channel = ws.visible(caller, args.channel);
    const id = String(args.user ?? '');
    if (!userById(ws, id)) throw new ApiError('user_not_found');
    if (id === caller.id) throw new ApiError('cant_kick_self');
    if (!channel.members.has(id)) throw new ApiError('not_in_channel');
    channel.members.delete(id);
    return {};
  },
  'conversations.members': (ws, caller, args) => {
    const channel = ws.visible(caller, args.channel);
    const all = [...channel.members];
    const limit = Math.max(1, Math.min(1000, Number(args.limit ?? 100) || 100));
    const start = Number(String(args.cursor ?? '') ? Buffer.from(String(args.cursor), 'base64url').toString() : 0) || 0;
    const next = start + limit < all.length ? Buffer.from(String(start + limit)).toString('base64url') : '';
    return { members: all.slice(start, start + limit), response_metadata: { next_cursor: next } };
  },
  'conversations.history': (ws, caller, args) => {
    const channel = ws.visible(caller, args.channel);
    const topLevel = channel.messages.filter((m) => !m.threadTs || m.threadTs === m.ts);
    return { messages: topLevel.map(messageJson).reverse(), has_more: false };
  },
  'conversations.replies': (ws, caller, args) => {
    const channel = ws.visible(caller, args.channel);
    const ts = String(args.ts ?? '');
    if (!channel.messages.some((m) => m.ts === ts)) throw new ApiError('thread_not_found');
    return { messages: channel.messages.filter((m) => m.ts === ts || m.threadTs === ts).map(messageJson) };
  },
  'chat.postMessage': (ws, caller, args) => {
    const message = ws.postMessage(caller, args);
    return { channel: message.channel, ts: message.ts, message: messageJson(message) };
  },
  'chat.delete': (ws, caller, args) => {
    const channel = ws.visible(caller, args.channel);
    const index = channel.messages.findIndex((m) => m.ts === args.ts);
    if (index < 0) throw new ApiError('message_not_found');
    if (channel.messages[index]!.user !== caller.id) throw new ApiError('cant_delete_message');
    channel.messages.splice(index, 1);
    return { channel: channel.id, ts: args.ts };
  },
};

/** Runs a Web API method for the caller; `base` is the sandbox's public URL (for `auth.test`). */
export function runMethod(ws: SlackWorkspace, method: string, caller: SlackSandboxUser, args: Args, base: string): Args {
  const run = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!run) throw new ApiError('unknown_method');
  return run(ws, caller, args, base);
}
