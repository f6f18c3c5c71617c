// The Store's capabilities.
import type { Chat, ChatEvent, ChatMessage, ChatState, Topic } from '../domain/types.js';
import type { Json, NewChat, ChatPatch, NewChatEvent, NewMessage, ChatFilter, OutboxItem, NewOutboxItem, LeaseIfHead, AppendGuard, AppendedWithOutbox, NewOfflineMessage, OfflineMessage, SettingVersion, AuditEntry } from './store-records.js';

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
