// What the chat services share: their settings, the outbox kinds, and small pure helpers.
import type { AgentDisplay } from '../domain/text.js';
import type { RichText } from '../domain/rich-text.js';
import type { ChatState } from '../domain/types.js';

export interface ChatTimers {
  inactivityWarn: number;
  inactivityClose: number;
  lostVisitor: number;
  leaveGrace: number;
  unclaimedAlert: number;
  retention: number;
  /** How long a closed chat's token still reads its transcript (default: until retention). */
  transcriptAccess?: number;
  sweepEvery: number;
  queueUpdate: number;
  queueGiveUp: number;
  spaceCleanup: number;
}

export interface SupervisorSettings {
  spaceTitle: string;
  emails: string[];
}

export interface ChatSettings {
  agentDisplay: AgentDisplay;
  timers: ChatTimers;
  supervisors: SupervisorSettings;
  /** IDENTITY_SECRET: the site's key for signed visitor identities; absent or null: none verified. */
  identitySecret?: string | null;
}

export interface TopicHours {
  open: boolean;
  nextOpening: Date | null;
}

/** Whether a topic is open at a time (the hours domain over the stored hours). */
export type HoursLookup = (topicId: string, at: Date) => TopicHours | Promise<TopicHours>;

export const OPEN_STATES: ChatState[] = ['bot', 'queued', 'active'];

/** Outbox kinds: what the deliverer knows how to do in the agent channel. Plain JSON. */
export type Delivery =
  | { kind: 'create_space'; title: string; members: string[] }
  | { kind: 'add_members'; emails: string[] }
  | { kind: 'remove_members'; emails: string[] }
  | { kind: 'rename_space'; title: string }
  /** `translate`: the deliverer adds the agents' translation of `text` under it. */
  | { kind: 'visitor_message'; name: string | null; verified?: boolean; text: string; translate?: { language: string } }
  | { kind: 'bot_message'; text: RichText; parentId?: string }
  | { kind: 'control_card' }
  | { kind: 'closed_card' }
  /** A while after the close: the chat's agents leave its space. */
  | { kind: 'clear_space' }
  /** At retention, in the space's own lane (the chat may be purged by then). */
  | { kind: 'delete_space'; spaceId: string }
  | { kind: 'unclaimed_alert'; chatId: string; waitedMs: number }
  | { kind: 'supervisors_message'; text: RichText }
  | { kind: 'supervisors_setup' };

export const SUPERVISORS_LANE = 'supervisors';

/** A topic's name in a language, falling back to its base language, English, any, then `fallback`. */
export function topicName(names: Record<string, string> | undefined, language: string, fallback: string): string {
  if (!names) return fallback;
  return names[language] ?? names[language.split('-')[0]!] ?? names.en ?? Object.values(names)[0] ?? fallback;
}
