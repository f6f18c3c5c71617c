// The Store's records: what goes in and comes out of the database, in the services' words.
import type { Chat, ChatMessage, ChatState, Sender } from '../domain/types.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

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
