// Rows as PostgreSQL returns them, and their mapping to the domain's types.
import type { Chat, ChatEvent, ChatMessage, ChatState, Sender, Topic, VisitorInfo } from '../../../domain/types.js';
import type { AuditEntry, Json, OutboxItem } from '../../../ports.js';

export interface ChatRow {
  id: string;
  short_id: string;
  topic_id: string;
  state: ChatState;
  language: string;
  visitor: VisitorInfo;
  token_hash: string;
  space_id: string | null;
  owner_email: string | null;
  owner_name: string | null;
  created_at: Date;
  updated_at: Date;
  claimed_at: Date | null;
  closed_at: Date | null;
  close_reason: string | null;
  closed_by: string | null;
  last_seen_at: Date;
  last_visitor_message_at: Date | null;
  left_at: Date | null;
  warned_at: Date | null;
  waiting_on_visitor_since: Date | null;
  queued_at: Date | null;
  queue_notice_at: Date | null;
  queue_offer_at: Date | null;
}

export function toChat(r: ChatRow): Chat {
  return {
    id: r.id,
    shortId: r.short_id,
    topicId: r.topic_id,
    state: r.state,
    language: r.language,
    visitor: r.visitor,
    tokenHash: r.token_hash,
    spaceId: r.space_id,
    ownerEmail: r.owner_email,
    ownerName: r.owner_name,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    claimedAt: r.claimed_at,
    closedAt: r.closed_at,
    closeReason: r.close_reason,
    closedBy: r.closed_by,
    lastSeenAt: r.last_seen_at,
    lastVisitorMessageAt: r.last_visitor_message_at,
    leftAt: r.left_at,
    warnedAt: r.warned_at,
    waitingOnVisitorSince: r.waiting_on_visitor_since,
    queuedAt: r.queued_at,
    queueNoticeAt: r.queue_notice_at,
    queueOfferAt: r.queue_offer_at,
  };
}

/** The chat columns a patch may set, by the domain's field name. */
export const CHAT_PATCH_COLUMNS = {
  state: 'state',
  topicId: 'topic_id',
  language: 'language',
  visitor: 'visitor',
  spaceId: 'space_id',
  ownerEmail: 'owner_email',
  ownerName: 'owner_name',
  claimedAt: 'claimed_at',
  closedAt: 'closed_at',
  closeReason: 'close_reason',
  closedBy: 'closed_by',
  lastSeenAt: 'last_seen_at',
  lastVisitorMessageAt: 'last_visitor_message_at',
  leftAt: 'left_at',
  warnedAt: 'warned_at',
  waitingOnVisitorSince: 'waiting_on_visitor_since',
  queuedAt: 'queued_at',
  queueNoticeAt: 'queue_notice_at',
  queueOfferAt: 'queue_offer_at',
} as const;

export interface MessageRow {
  chat_id: string;
  seq: number;
  sender: Sender;
  text: string;
  author_name: string | null;
  client_id: string | null;
  external_id: string | null;
  data: Record<string, unknown> | null;
  at: Date;
}

export function toMessage(r: MessageRow): ChatMessage {
  return {
    chatId: r.chat_id,
    seq: r.seq,
    from: r.sender,
    text: r.text,
    authorName: r.author_name,
    clientId: r.client_id,
    externalId: r.external_id,
    data: r.data,
    at: r.at,
  };
}

export interface EventRow {
  id: string; // bigint arrives as a string
  chat_id: string;
  type: string;
  actor: string;
  data: Record<string, unknown>;
  at: Date;
}

export function toEvent(r: EventRow): ChatEvent {
  return { id: Number(r.id), chatId: r.chat_id, type: r.type, actor: r.actor, data: r.data, at: r.at };
}

export interface TopicRow {
  id: string;
  names: Topic['names'];
  mode: Topic['mode'];
  assistant: boolean | null;
  add_agents_at: Topic['addAgentsAt'];
  fields: Topic['fields'];
  position: number;
  agents: string[];
}

export function toTopic(r: TopicRow): Topic {
  return {
    id: r.id,
    names: r.names,
    mode: r.mode,
    agents: r.agents,
    assistant: r.assistant,
    addAgentsAt: r.add_agents_at,
    fields: r.fields,
    position: r.position,
  };
}

export interface OutboxRow {
  id: string;
  chat_id: string;
  kind: string;
  payload: Json;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
}

export function toOutboxItem(r: OutboxRow): OutboxItem {
  return {
    id: Number(r.id),
    chatId: r.chat_id,
    kind: r.kind,
    payload: r.payload,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
  };
}

export interface AuditRow {
  actor: string;
  action: string;
  subject: string;
  before: Json;
  after: Json;
  at: Date;
}

export function toAudit(r: AuditRow): Required<AuditEntry> {
  return { actor: r.actor, action: r.action, subject: r.subject, before: r.before, after: r.after, at: r.at };
}
