// Plain data shared by the domain, the services and the ports. No I/O, no framework types.

export type ChatState = 'bot' | 'queued' | 'active' | 'closed';
export type Sender = 'visitor' | 'agent' | 'bot' | 'system';
export type RoutingMode = 'group' | 'personal';
export type AddAgentsAt = 'start' | 'handoff';

/** A language code such as `en` or `pl`; texts keyed by it. */
export type Localized = Record<string, string>;

export interface FieldSpec {
  name: string;
  type: 'text' | 'email' | 'tel';
  required: boolean;
  label: Localized;
}

export interface Topic {
  id: string;
  names: Localized;
  mode: RoutingMode;
  /** Agents' e-mail addresses (the identity Webex and Slack both understand). */
  agents: string[];
  /** null: follow the global assistant setting. */
  assistant: boolean | null;
  addAgentsAt: AddAgentsAt;
  fields: FieldSpec[];
  position: number;
}

export interface GeoLocation {
  countryCode: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
}

export interface VisitorInfo {
  name: string | null;
  email: string | null;
  fields: Record<string, string>;
  ip: string | null;
  userAgent: string | null;
  page: string | null;
  geo: GeoLocation | null;
  /** The site signed the e-mail (IDENTITY_SECRET); absent or false: everything is as typed. */
  verified?: boolean;
}

export interface Chat {
  id: string;
  /** Short, human-friendly id shown in space titles (`#a1b2c3`). */
  shortId: string;
  topicId: string;
  state: ChatState;
  language: string;
  visitor: VisitorInfo;
  tokenHash: string;
  spaceId: string | null;
  /** The agent who owns the chat (e-mail), once claimed. */
  ownerEmail: string | null;
  ownerName: string | null;
  createdAt: Date;
  updatedAt: Date;
  claimedAt: Date | null;
  closedAt: Date | null;
  closeReason: string | null;
  closedBy: string | null;
  /** Last stream, poll or message from the visitor: the heartbeat. */
  lastSeenAt: Date;
  lastVisitorMessageAt: Date | null;
  /** Set by the `leave` beacon; cleared when the visitor comes back. */
  leftAt: Date | null;
  /** When the inactivity warning was sent (cleared by visitor activity). */
  warnedAt: Date | null;
  /**
   * Since when the conversation waits on the visitor (an agent or the assistant spoke last, or
   * nothing was said since a claim): the inactivity timer runs from here; null while the visitor
   * spoke last or waits in the queue. Optional for chats built before the field existed.
   */
  waitingOnVisitorSince?: Date | null;
  /** When the chat last entered the queue (start, handoff, transfer to a topic). */
  queuedAt?: Date | null;
  /** The last "still looking for someone" line to the visitor in this queue stay. */
  queueNoticeAt?: Date | null;
  /** When the visitor was offered to leave a message instead of waiting (this queue stay). */
  queueOfferAt?: Date | null;
}

export interface ChatMessage {
  chatId: string;
  /** Per-chat sequence, gap-free from 1: the SSE event id. */
  seq: number;
  from: Sender;
  text: string;
  authorName: string | null;
  /** Idempotency key from the widget (`clientId`). */
  clientId: string | null;
  /** Id in the agent channel (Webex message id) for dedupe and threading. */
  externalId: string | null;
  /** Extra payload such as quick replies: `{ quickReplies: [...] }`. */
  data: Record<string, unknown> | null;
  at: Date;
}

export interface ChatEvent {
  id: number;
  chatId: string;
  /** e.g. `created`, `queued`, `claimed`, `escalated`, `transferred`, `closed`, `visitor_left`. */
  type: string;
  /** Who did it: an e-mail, `visitor`, `system`, `bot`. */
  actor: string;
  data: Record<string, unknown>;
  at: Date;
}
