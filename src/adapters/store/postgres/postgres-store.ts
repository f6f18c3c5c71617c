// The Store port over PostgreSQL with plain SQL: every capability from one pool, each in its own
// module (chats, messages, topics and settings, outbox, offline messages and dedupe). The schema
// is in src/adapters/db/migrations.ts.
import type pg from 'pg';
import type { Chat, ChatEvent, ChatMessage, ChatState, Topic } from '../../../domain/types.js';
import type {
  AppendGuard,
  AppendedWithOutbox,
  AuditEntry,
  ChatFilter,
  ChatPatch,
  InboundItem,
  Json,
  SettingVersion,
  LeaseIfHead,
  NewChat,
  NewChatEvent,
  NewInboundItem,
  NewMessage,
  NewOfflineMessage,
  NewOutboxItem,
  OfflineMessage,
  OutboxItem,
  RateLimitHit,
  Store,
} from '../../../ports.js';
import { PgChats } from './chats.js';
import { PgInbound } from './inbound.js';
import { PgMessages } from './messages.js';
import { PgDedupe, PgOfflineMessages } from './offline.js';
import { PgOutbox } from './outbox.js';
import { PgRateLimits } from './rate-limits.js';
import { PgSettings, PgTopics } from './topics-settings.js';

export interface PostgresStoreOptions {
  /** Closed chats deleted per statement by purgeClosedBefore. Default 500. */
  purgeBatch?: number;
}

export class PostgresStore implements Store {
  private readonly chats: PgChats;
  private readonly messages: PgMessages;
  private readonly topics: PgTopics;
  private readonly settings: PgSettings;
  private readonly outbox: PgOutbox;
  private readonly dedupe: PgDedupe;
  private readonly offline: PgOfflineMessages;
  private readonly inbound: PgInbound;
  private readonly rateLimits: PgRateLimits;

  constructor(
    private readonly pool: pg.Pool,
    options: PostgresStoreOptions = {},
  ) {
    this.chats = new PgChats(pool, options.purgeBatch ?? 500);
    this.messages = new PgMessages(pool);
    this.topics = new PgTopics(pool);
    this.settings = new PgSettings(pool);
    this.outbox = new PgOutbox(pool);
    this.dedupe = new PgDedupe(pool);
    this.offline = new PgOfflineMessages(pool);
    this.inbound = new PgInbound(pool);
    this.rateLimits = new PgRateLimits(pool);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  // ChatStore
  createChat(chat: NewChat, event: NewChatEvent): Promise<Chat> {
    return this.chats.createChat(chat, event);
  }
  getChat(id: string): Promise<Chat | null> {
    return this.chats.getChat(id);
  }
  getChatBySpace(spaceId: string): Promise<Chat | null> {
    return this.chats.getChatBySpace(spaceId);
  }
  updateChat(id: string, patch: ChatPatch, event?: NewChatEvent, expectState?: ChatState | ChatState[]): Promise<Chat | null> {
    return this.chats.updateChat(id, patch, event, expectState);
  }
  listChats(filter: ChatFilter): Promise<Chat[]> {
    return this.chats.listChats(filter);
  }
  listEvents(chatId: string): Promise<ChatEvent[]> {
    return this.chats.listEvents(chatId);
  }
  listEventsOfChatsSince(since: Date): Promise<ChatEvent[]> {
    return this.chats.listEventsOfChatsSince(since);
  }
  purgeClosedBefore(cutoff: Date): Promise<number> {
    return this.chats.purgeClosedBefore(cutoff);
  }

  // MessageStore
  appendMessage(message: NewMessage): Promise<{ message: ChatMessage; created: boolean }> {
    return this.messages.appendMessage(message);
  }
  appendMessageWithOutbox(
    message: NewMessage,
    item: Omit<NewOutboxItem, 'chatId'>,
    lease?: LeaseIfHead,
    guard?: AppendGuard,
  ): Promise<AppendedWithOutbox> {
    return this.messages.appendMessageWithOutbox(message, item, lease, guard);
  }
  listMessages(chatId: string, afterSeq: number, limit?: number): Promise<ChatMessage[]> {
    return this.messages.listMessages(chatId, afterSeq, limit);
  }

  // TopicStore
  listTopics(): Promise<Topic[]> {
    return this.topics.listTopics();
  }
  getTopic(id: string): Promise<Topic | null> {
    return this.topics.getTopic(id);
  }
  saveTopic(topic: Topic, actor: string, ifVersion?: number): Promise<boolean> {
    return this.topics.saveTopic(topic, actor, ifVersion);
  }
  topicVersion(id: string): Promise<SettingVersion> {
    return this.topics.topicVersion(id);
  }
  deleteTopic(id: string, actor: string): Promise<boolean> {
    return this.topics.deleteTopic(id, actor);
  }

  // SettingsStore
  getSetting<T extends Json>(key: string): Promise<T | undefined> {
    return this.settings.getSetting<T>(key);
  }
  setSetting(key: string, value: Json, actor: string, ifVersion?: number): Promise<boolean> {
    return this.settings.setSetting(key, value, actor, ifVersion);
  }
  settingVersion(key: string): Promise<SettingVersion> {
    return this.settings.settingVersion(key);
  }
  listAudit(limit?: number): Promise<Required<AuditEntry>[]> {
    return this.settings.listAudit(limit);
  }

  // OutboxStore
  enqueueOutbox(item: NewOutboxItem): Promise<OutboxItem> {
    return this.outbox.enqueueOutbox(item);
  }
  claimOutbox(now: Date, limit: number, leaseMs: number): Promise<OutboxItem[]> {
    return this.outbox.claimOutbox(now, limit, leaseMs);
  }
  completeOutbox(id: number): Promise<void> {
    return this.outbox.completeOutbox(id);
  }
  retryOutbox(id: number, nextAttemptAt: Date, error: string): Promise<void> {
    return this.outbox.retryOutbox(id, nextAttemptAt, error);
  }
  countPendingOutbox(chatId?: string): Promise<number> {
    return this.outbox.countPendingOutbox(chatId);
  }

  // InboundStore
  enqueueInbound(item: NewInboundItem): Promise<boolean> {
    return this.inbound.enqueueInbound(item);
  }
  claimInbound(now: Date, limit: number, leaseMs: number): Promise<InboundItem[]> {
    return this.inbound.claimInbound(now, limit, leaseMs);
  }
  completeInbound(id: number): Promise<void> {
    return this.inbound.completeInbound(id);
  }
  renewInbound(id: number, leaseMs: number): Promise<void> {
    return this.inbound.renewInbound(id, leaseMs);
  }
  retryInbound(id: number, nextAttemptAt: Date, error: string): Promise<void> {
    return this.inbound.retryInbound(id, nextAttemptAt, error);
  }
  countPendingInbound(room?: string): Promise<number> {
    return this.inbound.countPendingInbound(room);
  }
  inboundMark(room: string): Promise<Date | null> {
    return this.inbound.inboundMark(room);
  }
  setInboundMark(room: string, listedTo: Date): Promise<void> {
    return this.inbound.setInboundMark(room, listedTo);
  }
  purgeInboundBefore(cutoff: Date): Promise<number> {
    return this.inbound.purgeInboundBefore(cutoff);
  }

  // DedupeStore
  markProcessed(key: string): Promise<boolean> {
    return this.dedupe.markProcessed(key);
  }
  purgeProcessedBefore(cutoff: Date): Promise<number> {
    return this.dedupe.purgeProcessedBefore(cutoff);
  }

  // OfflineMessageStore
  saveOfflineMessage(message: NewOfflineMessage): Promise<OfflineMessage> {
    return this.offline.saveOfflineMessage(message);
  }
  listOfflineMessages(limit?: number): Promise<OfflineMessage[]> {
    return this.offline.listOfflineMessages(limit);
  }
  purgeOfflineMessagesBefore(cutoff: Date): Promise<number> {
    return this.offline.purgeOfflineMessagesBefore(cutoff);
  }

  // RateLimitStore
  hit(key: string, windowMs: number): Promise<RateLimitHit> {
    return this.rateLimits.hit(key, windowMs);
  }
  unhit(key: string): Promise<void> {
    return this.rateLimits.unhit(key);
  }
  resetHits(key: string): Promise<void> {
    return this.rateLimits.resetHits(key);
  }
  purgeHitsBefore(cutoff: Date): Promise<number> {
    return this.rateLimits.purgeHitsBefore(cutoff);
  }
}
