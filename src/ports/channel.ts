import type { Json } from './store-records.js';
import type { RichText } from '../domain/rich-text.js';

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
