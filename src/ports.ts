// The ports: what the services need from the outside world, in the services' own words.
// Adapters in src/adapters implement them; src/main.ts wires one of each.
import type {
  Chat,
  ChatEvent,
  ChatMessage,
  ChatState,
  GeoLocation,
  Sender,
  Topic,
} from './domain/types.js';
import type { RichText } from './domain/rich-text.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

// ---------------------------------------------------------------------------------------------
// Store

export type NewChat = Omit<Chat, 'createdAt' | 'updatedAt'> & { createdAt?: Date };

export type ChatPatch = Partial<
  Pick<
    Chat,
    | 'state'
    | 'topicId'
    | 'language'
    | 'visitor'
    | 'spaceId'
    | 'ownerEmail'
    | 'ownerName'
    | 'claimedAt'
    | 'closedAt'
    | 'closeReason'
    | 'closedBy'
    | 'lastSeenAt'
    | 'lastVisitorMessageAt'
    | 'leftAt'
    | 'warnedAt'
    | 'waitingOnVisitorSince'
    | 'queuedAt'
    | 'queueNoticeAt'
    | 'queueOfferAt'
  >
>;

export interface NewChatEvent {
  type: string;
  actor: string;
  data?: Record<string, unknown>;
  at?: Date;
}

export interface NewMessage {
  chatId: string;
  from: Sender;
  text: string;
  authorName?: string | null;
  clientId?: string | null;
  externalId?: string | null;
  data?: Record<string, unknown> | null;
  at?: Date;
}

export interface ChatFilter {
  states?: ChatState[];
  topicId?: string;
  /** The six hex digits shown as `#d7dc65` (several chats may share them). */
  shortId?: string;
  createdSince?: Date;
  /** Chats whose lastSeenAt is older than this (the lost-visitor sweep). */
  lastSeenBefore?: Date;
  limit?: number;
}

export interface OutboxItem {
  id: number;
  /** Lane: items of one chat are delivered strictly in id order. */
  chatId: string;
  kind: string;
  payload: Json;
  /** Failed attempts so far: 0 until `retryOutbox` records one (the backoff grows with it). */
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
}

/** appendMessageWithOutbox's guard refused: no such chat for that token, or not in an allowed state. */
export class AppendRefusedError extends Error {
  constructor(
    readonly reason: 'not_found' | 'state',
    readonly state: ChatState | null,
  ) {
    super(reason === 'not_found' ? 'No such chat for this token' : `The chat is ${state}`);
    this.name = 'AppendRefusedError';
  }
}

export interface NewOutboxItem {
  chatId: string;
  kind: string;
  payload: Json;
}

/** `appendMessageWithOutbox`: the item comes back already leased when its lane was empty. */
export interface LeaseIfHead {
  leaseMs: number;
}

/** `appendMessageWithOutbox`: conditions checked under the chat's lock, before anything is written. */
export interface AppendGuard {
  /** The chat must have this token hash; otherwise it counts as not found. */
  tokenHash: string;
  /** The chat must be in one of these states; otherwise `refusedState` says which it is in. */
  states: ChatState[];
}

export interface AppendedWithOutbox {
  message: ChatMessage;
  created: boolean;
  /** The stored delivery; null when the message was a duplicate (nothing enqueued). */
  item: OutboxItem | null;
  /** True when `item` is leased to the caller (asked with `lease` and it heads its lane). */
  leased: boolean;
  /** The chat's state as of the append (reported when the store knows it). */
  state?: ChatState;
}

/** A message left through the widget's offline form (table `offline_messages`). */
export interface NewOfflineMessage {
  topicId: string;
  name: string;
  email: string;
  message: string;
  language: string;
  page: string | null;
  ip: string | null;
  at?: Date;
}

export interface OfflineMessage extends Required<NewOfflineMessage> {
  id: number;
}

export interface SettingVersion {
  version: number;
  actor: string | null;
  at: Date | null;
}

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  before: Json;
  after: Json;
  at?: Date;
}

// The Store is made of capabilities (like Agenda 6's backend): each service asks only for the
// ones it uses; a database adapter provides them all from one pool. Every member is required.

export interface StoreHealth {
  /** Resolves when the database answers. */
  ping(): Promise<void>;
}

export interface ChatStore {
  /** Writes the chat and its first event in one transaction. */
  createChat(chat: NewChat, event: NewChatEvent): Promise<Chat>;
  getChat(id: string): Promise<Chat | null>;
  getChatBySpace(spaceId: string): Promise<Chat | null>;
  /**
   * Applies the patch (and records the event) atomically. With `expectState`, the update
   * happens only if the chat is still in that state; otherwise resolves null (lost race).
   */
  updateChat(
    id: string,
    patch: ChatPatch,
    event?: NewChatEvent,
    expectState?: ChatState | ChatState[],
  ): Promise<Chat | null>;
  listChats(filter: ChatFilter): Promise<Chat[]>;
  listEvents(chatId: string): Promise<ChatEvent[]>;
  /** The events of every chat created at or after `since`, in id order (statistics). */
  listEventsOfChatsSince(since: Date): Promise<ChatEvent[]>;
  /** Deletes closed chats (and their messages and events) closed before the cutoff. */
  purgeClosedBefore(cutoff: Date): Promise<number>;
}

export interface MessageStore {
  /**
   * Appends with the next per-chat sequence number (gap-free, unique under concurrency).
   * A message whose (chatId, clientId) or externalId is already stored is not stored again:
   * the stored one comes back with `created: false`.
   */
  appendMessage(message: NewMessage): Promise<{ message: ChatMessage; created: boolean }>;
  /**
   * `appendMessage` and, only when the message is new, `enqueueOutbox(item)`, atomically in one
   * round trip (both or neither). With `lease`, the item is also leased to the caller when no
   * other item of its lane is stored, so the caller may attempt it at once without a claim;
   * otherwise it waits for `claimOutbox` like any item. With `guard`, checked under the chat's
   * lock: another token hash (or no chat) rejects with AppendRefusedError('not_found'), a state
   * not allowed with AppendRefusedError('state'); nothing is written then.
   */
  appendMessageWithOutbox(
    message: NewMessage,
    item: Omit<NewOutboxItem, 'chatId'>,
    lease?: LeaseIfHead,
    guard?: AppendGuard,
  ): Promise<AppendedWithOutbox>;
  /** Messages with seq > afterSeq, in order. */
  listMessages(chatId: string, afterSeq: number, limit?: number): Promise<ChatMessage[]>;
}

export interface TopicStore {
  listTopics(): Promise<Topic[]>;
  getTopic(id: string): Promise<Topic | null>;
  /** `ifVersion`: store only if the topic is still at that version (false when it moved on). */
  saveTopic(topic: Topic, actor: string, ifVersion?: number): Promise<boolean | void>;
  /** A topic's version (its latest audit entry), with who changed it and when; 0 when never. */
  topicVersion(id: string): Promise<SettingVersion>;
  deleteTopic(id: string, actor: string): Promise<boolean>;
}

export interface SettingsStore {
  getSetting<T extends Json>(key: string): Promise<T | undefined>;
  /** `ifVersion`: store only if the setting is still at that version (false when it moved on). */
  setSetting(key: string, value: Json, actor: string, ifVersion?: number): Promise<boolean | void>;
  /** A setting's version (its latest audit entry), with who changed it and when; 0 when never. */
  settingVersion(key: string): Promise<SettingVersion>;
  listAudit(limit?: number): Promise<Required<AuditEntry>[]>;
}

export interface OutboxStore {
  /** Stores a delivery before it is attempted. */
  enqueueOutbox(item: NewOutboxItem): Promise<OutboxItem>;
  /**
   * Leases due items: at most one per chat (the oldest undelivered), so order holds per chat.
   * A leased item is invisible to other claimers until `leaseMs` passes.
   */
  claimOutbox(now: Date, limit: number, leaseMs: number): Promise<OutboxItem[]>;
  completeOutbox(id: number): Promise<void>;
  retryOutbox(id: number, nextAttemptAt: Date, error: string): Promise<void>;
  countPendingOutbox(chatId?: string): Promise<number>;
}

export interface DedupeStore {
  /** Remembers an external delivery id (webhook); true the first time it is seen. */
  markProcessed(key: string): Promise<boolean>;
  /** Forgets delivery ids first seen before the cutoff (redeliveries stop after a while). */
  purgeProcessedBefore(cutoff: Date): Promise<number>;
}

export interface OfflineMessageStore {
  /** Keeps a message left through the offline form (a topic was closed). */
  saveOfflineMessage(message: NewOfflineMessage): Promise<OfflineMessage>;
  /** The newest offline messages first. */
  listOfflineMessages(limit?: number): Promise<OfflineMessage[]>;
  /** Deletes offline messages left before the cutoff (the transcripts' retention). */
  purgeOfflineMessagesBefore(cutoff: Date): Promise<number>;
}

/** A webhook notification kept before it is answered 200 (table `inbound`). */
export interface NewInboundItem {
  /** Dedupe key: one row per delivered resource, whichever webhook or listing named it. */
  key: string;
  /** Lane: a room's items are handed over one at a time, in `created` order. */
  room: string;
  kind: string;
  payload: Json;
  /** When the messenger says the resource was created (orders the lane). */
  created: Date;
}

export interface InboundItem extends NewInboundItem {
  id: number;
  /** Failed attempts so far (the backoff grows with it). */
  attempts: number;
}

export interface InboundStore {
  /** Stores a notification; false when its key is already stored (done or pending). */
  enqueueInbound(item: NewInboundItem): Promise<boolean>;
  /**
   * Leases due items, at most one per room: the oldest pending by (created, id). A leased item
   * is invisible to other claimers until `leaseMs` passes (then another instance takes it).
   */
  claimInbound(now: Date, limit: number, leaseMs: number): Promise<InboundItem[]>;
  /** Done: kept as the dedupe record and the room's "last seen" marker until purged. */
  completeInbound(id: number): Promise<void>;
  /** Extends a lease while its item is still being processed (a dead instance's lapses). */
  renewInbound(id: number, leaseMs: number): Promise<void>;
  retryInbound(id: number, nextAttemptAt: Date, error: string): Promise<void>;
  countPendingInbound(room?: string): Promise<number>;
  /** How far back the room's messages have been listed (the reconciliation's marker). */
  inboundMark(room: string): Promise<Date | null>;
  /** Moves the marker forward (never back). */
  setInboundMark(room: string, listedTo: Date): Promise<void>;
  /** Forgets items done before the cutoff. */
  purgeInboundBefore(cutoff: Date): Promise<number>;
}

/** One counted hit: the hits in the key's current window and when that window ends. */
export interface RateLimitHit {
  count: number;
  resetAt: Date;
}

/** Fixed-window counters shared by every instance (rate limits). */
export interface RateLimitStore {
  /**
   * Counts one hit on `key`, atomically across instances: in the key's current window, or in a
   * new one of `windowMs` when the last has ended (then the count starts again at 1).
   */
  hit(key: string, windowMs: number): Promise<RateLimitHit>;
  /** Takes one hit back from the key's current window (a request that should not count). */
  unhit(key: string): Promise<void>;
  /** Forgets the key's window. */
  resetHits(key: string): Promise<void>;
  /** Deletes windows that ended before the cutoff. */
  purgeHitsBefore(cutoff: Date): Promise<number>;
}

/** Every capability: what a database adapter provides and the composition root hands out. */
export interface Store
  extends StoreHealth,
    ChatStore,
    MessageStore,
    TopicStore,
    SettingsStore,
    OutboxStore,
    DedupeStore,
    InboundStore,
    OfflineMessageStore,
    RateLimitStore {}

// ---------------------------------------------------------------------------------------------
// Scheduler (durable timers on the database)

export interface Scheduler {
  define<T extends Json>(name: string, handler: (data: T) => Promise<void>): void;
  /** Starts processing; call after every `define`. */
  start(): Promise<void>;
  /** A recurring job, one per name across all instances. */
  every(interval: string | number, name: string, data?: Json): Promise<void>;
  /** A one-off job at `at`; with `key`, replaces the pending job with the same name and key. */
  schedule(at: Date, name: string, data: Json, key?: string): Promise<void>;
  /** Cancels pending jobs of that name (with that key, if given). */
  cancel(name: string, key?: string): Promise<number>;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// EventBus: small notices between instances (who holds a visitor's stream may be another
// instance). Payloads stay small (PostgreSQL NOTIFY caps them at 8000 bytes): send ids and
// sequence numbers, let the receiver read the rest from the Store.

export type Unsubscribe = () => void;

export interface EventBus {
  publish(channel: string, payload: Json): Promise<void>;
  subscribe(channel: string, handler: (payload: Json) => void): Unsubscribe;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// AgentChannel: the messenger where agents work (Webex or Slack). Services speak to it in plain
// words (RichText) and named cards; each adapter renders them in its own dialect (escaping,
// markdown flavour, mentions, splitting at its own size limit). Nothing messenger-specific is
// built outside the adapter.

export interface Person {
  id: string;
  email: string;
  displayName: string;
  firstName: string | null;
}

export interface AgentMessage {
  spaceId: string;
  messageId: string;
  author: Person;
  text: string;
  /**
   * The same words with the agent's formatting, as CommonMark (bold, italics, code, lists, line
   * breaks, links); each adapter maps its messenger's dialect to it (mentions become their
   * labels). Null when the messenger gave plain text only.
   */
  markdown: string | null;
  /** Set when the message is a reply inside a thread: an internal note. */
  parentId: string | null;
  /** The message mentions the bot: a command. */
  mentionsBot: boolean;
  at: Date;
}

export interface CardAction {
  spaceId: string;
  actionId: string;
  /** The card message the action was made on. */
  messageId: string;
  actor: Person;
  inputs: Record<string, unknown>;
  at: Date;
}

export interface ChannelHandlers {
  onAgentMessage(message: AgentMessage): Promise<void>;
  onCardAction(action: CardAction): Promise<void>;
}

/** Who a posted message speaks for; the adapter shows it its own way and picks the identity. */
export type Speaker =
  /** The visitor: posted by the relay identity, the name (null: anonymous) shown as an untrusted prefix. */
  | { kind: 'visitor'; name: string | null; verified: boolean }
  /** The assistant's turns and the product's own lines: posted by the bot identity. */
  | { kind: 'bot' };

export interface OutgoingMessage {
  speaker: Speaker;
  /** Plain words with a little structure; every span is literal text to the adapter. */
  text: RichText;
  /** Lines added under the text, e.g. the agents' translation of a visitor's words. */
  notes?: RichText;
  /** Post as a reply in this thread (an internal note). */
  parentId?: string;
}

/** The card templates in `cards/` (Adaptive Card 1.3, rendered by each adapter). */
export type CardName =
  | 'visitor'
  | 'closed'
  | 'unclaimed-alert'
  | 'supervisor/hours'
  | 'supervisor/problem'
  | 'supervisor/report'
  | 'supervisor/topic';

export interface CardSpec {
  template: CardName;
  /** Plain values for the template; the adapter makes displayed text inert for its markup. */
  data: Record<string, Json>;
  /** What clients that show no cards display instead. */
  fallback: RichText;
}

export interface PostOptions {
  /** Post as a reply in this thread. */
  parentId?: string;
}

export interface WebhookResult {
  status: number;
  body?: Json;
}

/**
 * A messenger call that failed. `retryable`: worth trying again (rate limit, outage, timeout),
 * after `retryAfterMs` when the messenger said so; otherwise permanent (refused, not found).
 */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

export interface AgentChannel {
  /** Which messenger, for logs and the ready line. */
  readonly messenger: 'webex' | 'slack';
  /** `relay`: a user identity relays visitor text and hears all agent messages.
   *  `mention`: degraded, agents must mention the bot to reach the visitor. */
  readonly mode: 'relay' | 'mention';
  start(handlers: ChannelHandlers): Promise<void>;
  stop(): Promise<void>;

  createSpace(title: string): Promise<string>;
  renameSpace(spaceId: string, title: string): Promise<void>;
  /** Resolves when the person is a member afterwards (already being one is success). */
  addMember(spaceId: string, email: string): Promise<void>;
  /** Resolves when the person is not a member afterwards (not being one is success). */
  removeMember(spaceId: string, email: string): Promise<void>;
  listMembers(spaceId: string): Promise<Person[]>;
  isMember(spaceId: string, email: string): Promise<boolean>;
  findPerson(email: string): Promise<Person | null>;
  /** A link that opens the space in the messenger's client, when it has one. */
  spaceLink(spaceId: string): string | null;

  /** Posts the message (split if too long for the messenger); the ids of the posted parts. */
  post(spaceId: string, message: OutgoingMessage): Promise<string[]>;
  /** A card posted by the bot identity. */
  postCard(spaceId: string, card: CardSpec, options?: PostOptions): Promise<string>;
  /** Resolves when the message is gone (already gone is success). */
  deleteMessage(messageId: string): Promise<void>;
  /**
   * Resolves when the space is gone from everyone's list (already gone is success): Webex
   * deletes the room (its creator may), Slack archives the channel.
   */
  deleteSpace(spaceId: string): Promise<void>;

  /** The raw webhook delivery, verified by signature before anything else. */
  handleWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): Promise<WebhookResult>;
}

// ---------------------------------------------------------------------------------------------
// Small edge services

export interface GeoLocator {
  /** null for private, loopback and unknown addresses. */
  locate(ip: string): Promise<GeoLocation | null>;
}

export interface Translator {
  translate(text: string, to: string, from?: string): Promise<{ text: string; from: string }>;
}

export interface Clock {
  now(): Date;
}

// ---------------------------------------------------------------------------------------------
// Assistant: the AI that answers first (Dialogflow ES, an OpenAI-compatible model, or none).

/** Why the assistant hands the chat to people. */
export type HandoffReason =
  | 'intent' // a configured intent or action matched (Dialogflow)
  | 'tool' // the model called `handoff_to_agent`
  | 'fallbacks' // too many "did not understand" answers in a row
  | 'visitor_request' // the visitor asked for a person (words or the widget button)
  | 'error' // the provider failed
  | 'timeout' // the provider did not answer in time
  | 'turn_limit'; // too many bot turns

export interface Handoff {
  reason: HandoffReason;
  /** Free text for agents (intent name, the model's stated reason, error kind). */
  detail?: string;
}

export interface AssistantMessage {
  text: string;
  /** Buttons the widget shows; a click sends the label as the visitor's next message. */
  quickReplies?: string[];
}

export interface AssistantReply {
  messages: AssistantMessage[];
  /** Non-null: stop answering and queue the chat for agents. */
  handoff: Handoff | null;
  /** The provider did not understand (Dialogflow's fallback intent): counted for handoff. */
  fallback?: boolean;
}

export interface AssistantTurn {
  from: Sender;
  text: string;
  /** A bot turn that was a fallback ("I did not understand"). */
  fallback?: boolean;
}

export interface AssistantContext {
  chatId: string;
  /** The visitor's language (`en`, `pl`…). */
  language: string;
  topicId: string;
  /** The chat so far, oldest first, without the new message. */
  history: AssistantTurn[];
  /** Aborted when the caller stops waiting (timeout). */
  signal?: AbortSignal;
}

export interface Assistant {
  /** Provider name for logs and health (`none`, `dialogflow`, `openai`). */
  readonly name: string;
  /** The opening turn when a chat starts. */
  greet(ctx: AssistantContext): Promise<AssistantReply>;
  /** The answer to the visitor's new message `text`. */
  reply(ctx: AssistantContext & { text: string }): Promise<AssistantReply>;
}
