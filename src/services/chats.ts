// The visitor's side of a chat: start it, send messages, read them, close or leave. Each use
// case loads, decides, stores, then announces; deliveries to the space go through the outbox so
// nothing is lost when the messenger is away.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { initialState, newChat, visitorMaySend } from '../domain/chat-state.js';
import { membersAtStart } from '../domain/routing.js';
import { cleanName, spaceTitle, visitorDisplayName } from '../domain/text.js';
import type { Chat, ChatMessage, ChatState, FieldSpec, Topic, VisitorInfo } from '../domain/types.js';
import type { ServerI18n } from '../i18n.js';
import type { Logger } from '../logger.js';
import { AppendRefusedError, type AppendGuard, type ChatStore, type Clock, type GeoLocator, type Json, type MessageStore, type TopicStore } from '../ports.js';
import type { ChatAnnouncer } from './announcer.js';
import { GAVE_UP, type ChatCloser } from './closing.js';
import { OPEN_STATES, topicName, type Delivery, type HoursLookup } from './context.js';
import { ChatError } from './errors.js';
import type { OutboxWorker } from './outbox.js';
import { verifyIdentity, type SignedIdentity } from './identity.js';
import { hashToken, newChatToken, tokenMatches } from './tokens.js';
import type { ChatTranslation } from './translation.js';
import type { UnclaimedAlerts } from './unclaimed.js';

export interface StartChatInput {
  topic: string;
  language?: string | undefined;
  name?: string | undefined;
  email?: string | undefined;
  fields?: Record<string, string> | undefined;
  page?: string | undefined;
  /** What the site says about the visitor, signed (`LiveChat.setUser`). */
  identity?: (SignedIdentity & { name?: string | undefined }) | undefined;
}

export interface VisitorMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface StartedChat {
  chat: Chat;
  token: string;
  messages: ChatMessage[];
}

export interface ChatHooks {
  /** Whether the assistant answers this topic's chats first (the chat then starts in `bot`). */
  assistantOn?(topic: Topic): boolean | Promise<boolean>;
  /** Called after a new chat is stored and its space requested. */
  afterStart?(chat: Chat): Promise<void>;
  /** Called after each new visitor message is stored (the assistant answers in state `bot`). */
  afterVisitorMessage?(chat: Chat, message: ChatMessage): Promise<void>;
}

export interface ChatServiceOptions {
  store: ChatStore & MessageStore & TopicStore;
  outbox: Pick<OutboxWorker, 'appendThenDeliver'>;
  announcer: ChatAnnouncer;
  closer: ChatCloser;
  alerts: UnclaimedAlerts;
  geo: GeoLocator;
  i18n: Pick<ServerI18n, 'resolve'>;
  clock: Clock;
  log: Logger;
  hours: HoursLookup;
  /** After how long without a sign of the visitor the sweep counts them lost. */
  lostVisitorMs: number;
  /** How long a closed chat's token still reads its transcript (timers.transcriptAccess). */
  transcriptAccessMs?: number;
  /** IDENTITY_SECRET: signed identities are checked with it; null: nobody is verified. */
  identitySecret?: string | null;
  /** Machine translation (TRANSLATOR); absent: messages pass untranslated. */
  translation?: Pick<ChatTranslation, 'needed'> | undefined;
  hooks?: ChatHooks;
}

const emailShape = z.email();

/** Validation of the values a topic asks for; `name`/`email` may come as top-level fields. */
export function checkFields(
  topic: Topic,
  input: Pick<StartChatInput, 'name' | 'email' | 'fields'>,
): { values: Record<string, string>; missing: string[]; invalid: string[] } {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.fields ?? {})) {
    const clean = value.trim();
    if (clean) values[key] = clean;
  }
  if (input.name?.trim()) values.name = input.name.trim();
  if (input.email?.trim()) values.email = input.email.trim();
  const missing: string[] = [];
  const invalid: string[] = [];
  const specs = new Map<string, FieldSpec>(topic.fields.map((f) => [f.name, f]));
  for (const spec of topic.fields) {
    const value = values[spec.name];
    if (!value) {
      if (spec.required) missing.push(spec.name);
      continue;
    }
    if (spec.type === 'email' && !emailShape.safeParse(value).success) invalid.push(spec.name);
    if (spec.type === 'tel' && !/^\+?[\d\s().-]{3,30}$/.test(value)) invalid.push(spec.name);
  }
  if (values.email && !specs.has('email') && !emailShape.safeParse(values.email).success) invalid.push('email');
  // Only what the topic asks for (plus name and e-mail) is kept.
  for (const key of Object.keys(values)) {
    if (!specs.has(key) && key !== 'name' && key !== 'email') delete values[key];
  }
  return { values, missing, invalid };
}

/** Compared against when there is no chat: a SHA-256 no token hashes to (64 hex digits). */
const ABSENT_HASH = 'f'.repeat(64);

/** Chats remembered for `postMessageWithToken` (a few hundred bytes to a few KB each); older ones are read again. */
const KNOWN_CHATS = 20_000;

export class ChatService {
  /**
   * Chats as last read or started here, for what a visitor's message needs of its chat that
   * never changes after the start (id, token hash, visitor, language): posting then skips a read
   * of the chat. The state, which does change, is checked under the chat's lock by the append.
   */
  private readonly known = new Map<string, Chat>();

  private readonly hooks: ChatHooks;

  constructor(private readonly options: ChatServiceOptions) {
    this.hooks = options.hooks ?? {};
  }

  /** The topics in the widget's order. */
  async topics(): Promise<Topic[]> {
    return (await this.options.store.listTopics()).sort((a, b) => a.position - b.position);
  }

  /** The chat's state as stored now (null when it is gone). */
  async stateOf(chatId: string): Promise<ChatState | null> {
    return (await this.options.store.getChat(chatId))?.state ?? null;
  }

  async start(input: StartChatInput, meta: VisitorMeta): Promise<StartedChat> {
    const { store, i18n, announcer } = this.options;
    const verifiedEmail = this.verifiedEmail(input.identity);
    const topic = await store.getTopic(input.topic);
    if (!topic) throw new ChatError('unknown_topic', `There is no topic "${input.topic}".`);
    const now = this.options.clock.now();
    const hours = await this.options.hours(topic.id, now);
    if (!hours.open) {
      throw new ChatError('topic_closed', `Topic "${topic.id}" is closed now.`, {
        nextOpening: hours.nextOpening ? hours.nextOpening.toISOString() : null,
      });
    }
    // A verified e-mail is the one the site signed; the name comes with it unless the form has one.
    const fields = checkFields(topic, verifiedEmail ? { ...input, email: verifiedEmail, name: input.name ?? input.identity?.name } : input);
    if (fields.missing.length || fields.invalid.length) {
      throw new ChatError('invalid_fields', describeFields(fields.missing, fields.invalid), {
        fields: [...fields.missing, ...fields.invalid],
        missing: fields.missing,
        invalid: fields.invalid,
      });
    }
    const language = i18n.resolve(input.language);
    const geo = meta.ip ? await this.options.geo.locate(meta.ip).catch(() => null) : null;
    const visitor: VisitorInfo = {
      name: cleanName(fields.values.name ?? null),
      email: fields.values.email ?? null,
      fields: fields.values,
      ip: meta.ip,
      userAgent: meta.userAgent ? meta.userAgent.slice(0, 512) : null,
      page: input.page ?? null,
      geo,
      verified: verifiedEmail !== null,
    };
    const id = randomUUID();
    const token = newChatToken();
    const assistantOn = (await this.hooks.assistantOn?.(topic)) ?? false;
    const state = initialState(assistantOn);
    const chat = await store.createChat(
      newChat({ id, topicId: topic.id, state, language, visitor, tokenHash: hashToken(token) }, now),
      { type: 'created', actor: 'visitor', data: { topic: topic.id, state }, at: now },
    );
    // With the assistant answering, nobody promises an agent "shortly".
    const welcomeKey = state === 'bot' ? 'system.welcomeAssistant' : 'system.welcome';
    const welcome = await announcer.systemMessage(chat, welcomeKey, { topic: topicName(topic.names, language, topic.id) });

    const title = spaceTitle(topicName(topic.names, 'en', topic.id), visitorDisplayName(visitor), chat.shortId);
    const members = membersAtStart(topic, assistantOn);
    await announcer.deliver(chat.id, { kind: 'create_space', title, members });
    await announcer.deliver(chat.id, { kind: 'control_card' });
    if (state !== 'bot') await this.options.alerts.schedule(chat.id, now);
    await this.hooks.afterStart?.(chat);
    this.options.log.info({ chatId: chat.id, topic: topic.id, state }, 'chat started');
    this.remember(chat);
    return { chat, token, messages: [welcome] };
  }

  /**
   * The signed identity's e-mail when IDENTITY_SECRET is set and the signature is good and
   * fresh; null when nothing can be verified. A bad or stale signature refuses the chat.
   */
  private verifiedEmail(identity: StartChatInput['identity']): string | null {
    const secret = this.options.identitySecret;
    if (!secret || !identity) return null;
    const check = verifyIdentity(secret, identity, this.options.clock.now());
    if (check.ok) return check.email;
    const why = { incomplete: 'it needs email and ts', stale: 'it is too old (or from the future)', mismatch: 'it does not match' }[check.reason];
    throw new ChatError('identity_invalid', `The visitor's identity signature was refused: ${why}.`, { reason: check.reason });
  }

  /**
   * The chat the token opens; any mismatch is a 404 so a chat's existence never leaks, not even
   * by timing: the presented token is hashed and compared whether or not the chat exists.
   */
  async authorize(chatId: string, token: string | null): Promise<Chat> {
    const chat = await this.options.store.getChat(chatId);
    const matches = tokenMatches(token ?? '', chat?.tokenHash ?? ABSENT_HASH);
    if (!chat || !token || !matches) {
      throw new ChatError('not_found', 'No such chat.');
    }
    const access = this.options.transcriptAccessMs;
    if (chat.closedAt && access !== undefined && this.options.clock.now().getTime() - chat.closedAt.getTime() > access) {
      throw new ChatError('transcript_expired', 'This chat closed a while ago; its transcript can no longer be read with this link.');
    }
    this.remember(chat);
    return chat;
  }

  private remember(chat: Chat): void {
    this.known.delete(chat.id);
    if (this.known.size >= KNOWN_CHATS) this.known.delete(this.known.keys().next().value!);
    this.known.set(chat.id, chat);
  }

  /**
   * `authorize` then `postMessage`, in one round trip when the chat is known here: the token is
   * checked against the remembered hash, and the Store checks hash and state again as it appends.
   */
  async postMessageWithToken(chatId: string, token: string | null, text: string, clientId: string): Promise<{ seq: number; created: boolean }> {
    const known = token ? this.known.get(chatId) : undefined;
    if (!known || !token) {
      return this.postMessage(await this.authorize(chatId, token), text, clientId);
    }
    // A wrong token reads the chat like an unknown one would: both refusals take the same time.
    if (!tokenMatches(token, known.tokenHash)) return this.postMessage(await this.authorize(chatId, token), text, clientId);
    try {
      return await this.send(known, text, clientId, { tokenHash: known.tokenHash, states: OPEN_STATES });
    } catch (error) {
      if (!(error instanceof AppendRefusedError)) throw error;
      if (error.reason === 'not_found') {
        this.known.delete(chatId); // purged
        throw new ChatError('not_found', 'No such chat.');
      }
      throw new ChatError('chat_closed', 'The chat has ended.');
    }
  }

  async postMessage(chat: Chat, text: string, clientId: string): Promise<{ seq: number; created: boolean }> {
    if (!visitorMaySend(chat.state)) throw new ChatError('chat_closed', 'The chat has ended.');
    return this.send(chat, text, clientId);
  }

  /** With `guard`, `chat` may be older than its state: the append reports the current one. */
  private async send(chat: Chat, text: string, clientId: string, guard?: AppendGuard): Promise<{ seq: number; created: boolean }> {
    const now = this.options.clock.now();
    const { kind, ...payload }: Delivery = {
      kind: 'visitor_message',
      name: visitorDisplayName(chat.visitor),
      verified: chat.visitor.verified === true,
      text,
      // Translated when delivered, so the visitor's request never waits for the translator.
      ...(this.options.translation?.needed(chat.language) ? { translate: { language: chat.language } } : {}),
    };
    // The message and its delivery in one round trip; the worker may start the delivery at once.
    const { message, created, state } = await this.options.outbox.appendThenDeliver(
      { chatId: chat.id, from: 'visitor', text, clientId, at: now },
      kind,
      payload as Json,
      guard,
    );
    if (!created) return { seq: message.seq, created };
    await Promise.all([
      // The visitor spoke: the conversation waits on people now, so inactivity stops counting.
      this.options.store.updateChat(chat.id, { lastVisitorMessageAt: now, lastSeenAt: now, warnedAt: null, leftAt: null, waitingOnVisitorSince: null }),
      this.options.announcer.announceMessage(chat.id, message.seq),
    ]);
    await this.hooks.afterVisitorMessage?.(state && state !== chat.state ? { ...chat, state } : chat, message);
    return { seq: message.seq, created };
  }

  async messagesAfter(chatId: string, after: number, limit = 500): Promise<ChatMessage[]> {
    return this.options.store.listMessages(chatId, after, limit);
  }

  /**
   * The visitor is here (a stream, a poll, a message). Writes only when the stored time is
   * getting old or a leave beacon is pending, so polls do not turn into a write each.
   */
  async touch(chat: Chat): Promise<void> {
    if (chat.state === 'closed') return;
    const now = this.options.clock.now();
    const staleAfter = Math.max(1_000, Math.floor(this.options.lostVisitorMs / 4));
    if (chat.leftAt === null && now.getTime() - chat.lastSeenAt.getTime() < staleAfter) return;
    await this.options.store.updateChat(chat.id, { lastSeenAt: now, leftAt: null });
  }

  /** `gaveUp`: the visitor stopped waiting in the queue to leave a message instead. */
  async closeByVisitor(chat: Chat, gaveUp = false): Promise<Chat> {
    const reason = gaveUp ? GAVE_UP : null;
    const result = await this.options.closer.close(chat, { type: 'close', reason }, { kind: 'visitor' });
    if (result.ok) return result.chat;
    return (await this.options.store.getChat(chat.id)) ?? chat;
  }

  /** `sendBeacon` on page exit: the visitor may be gone; the sweep decides after the grace. */
  async leave(chat: Chat): Promise<void> {
    if (chat.state === 'closed' || chat.leftAt) return;
    await this.options.store.updateChat(chat.id, { leftAt: this.options.clock.now() });
  }
}

function describeFields(missing: string[], invalid: string[]): string {
  const parts: string[] = [];
  if (missing.length) parts.push(`missing required field(s): ${missing.join(', ')}`);
  if (invalid.length) parts.push(`invalid field(s): ${invalid.join(', ')}`);
  return `Please check the form: ${parts.join('; ')}.`;
}
