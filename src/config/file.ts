// What the optional JSON file may hold (topics, hours, supervisors, texts, timers; never a
// secret), and the demo configuration used when there is no file.
import { z } from 'zod';
import { hoursSection } from './file-hours.js';
import { duration, email, language, localized } from './values.js';

const field = z.strictObject({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'letters, digits and _ (max 40)'),
  type: z.enum(['text', 'email', 'tel']).default('text'),
  required: z.boolean().default(false),
  label: localized.default({}),
});

export const topic = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, - and _ (max 40)'),
  names: localized.refine((names) => Object.keys(names).length > 0, 'at least one name'),
  mode: z.enum(['group', 'personal']),
  agents: z.array(email).default([]),
  assistant: z.boolean().nullable().default(null),
  addAgentsAt: z.enum(['start', 'handoff']).default('start'),
  fields: z.array(field).default([]),
});

const perWindow = z.number().int().positive().max(1_000_000);

/** Abuse limits. Rate counters live in the database, shared by every instance. */
export const limits = z.strictObject({
  /** New chats per IP per minute. */
  chatsPerMinute: perWindow.default(20),
  /** Visitor messages per chat per minute. */
  messagesPerMinute: perWindow.default(60),
  /** Visitor messages per IP per minute, across all its chats. */
  messagesPerIpPerMinute: perWindow.default(120),
  /** Refused chat requests (unknown chat, wrong token) per IP per minute. */
  refusedPerMinute: perWindow.default(30),
  /** Open event streams per chat, and per IP (on one instance). */
  streamsPerChat: perWindow.default(3),
  streamsPerIp: perWindow.default(30),
});

export const timers = z.strictObject({
  /** The conversation waited on the visitor this long (an agent or the assistant spoke last): warn. */
  inactivityWarn: duration.default(10 * 60_000),
  /** The conversation waited on the visitor this long: close the chat. */
  inactivityClose: duration.default(15 * 60_000),
  /** No stream, poll or message for this long: the visitor is gone. */
  lostVisitor: duration.default(60_000),
  /** After a `leave` beacon, wait this long for the visitor to come back. */
  leaveGrace: duration.default(30_000),
  /** A queued chat unclaimed this long alerts the supervisors. */
  unclaimedAlert: duration.default(3 * 60_000),
  /** Closed chats older than this are deleted. */
  retention: duration.default(183 * 86_400_000),
  /** A closed chat's token still reads its transcript this long; afterwards 410. */
  transcriptAccess: duration.default(86_400_000),
  /** How often the recurring sweep looks for stale chats. */
  sweepEvery: duration.default(10_000),
  /** While a chat waits in the queue, a "still looking for someone" line this often. */
  queueUpdate: duration.default(2 * 60_000),
  /** Queued this long: the widget offers to leave a message instead (or keep waiting). */
  queueGiveUp: duration.default(20 * 60_000),
  /** This long after a chat closes, its agents leave the space (the transcript stays). */
  spaceCleanup: duration.default(7 * 86_400_000),
});

const DEMO_TOPICS = [
  {
    id: 'sales',
    names: { en: 'Sales', pl: 'Sprzedaż', de: 'Vertrieb', fr: 'Ventes', es: 'Ventas' },
    mode: 'group',
    agents: ['alice@example.com', 'bob@example.com'],
  },
  {
    id: 'support',
    names: { en: 'Support', pl: 'Pomoc techniczna', de: 'Support', fr: 'Assistance', es: 'Soporte' },
    mode: 'personal',
    agents: ['carol@example.com', 'dave@example.com'],
  },
] as const;

/** What the optional JSON file may hold. Secrets are not allowed here. */
export const fileSchema = z.strictObject({
  topics: z
    .array(topic)
    .min(1)
    .refine((list) => new Set(list.map((t) => t.id)).size === list.length, 'topic ids must be unique'),
  hours: hoursSection.prefault({}),
  supervisors: z
    .strictObject({
      spaceTitle: z.string().min(1).max(200).default('Live Chat Supervisors'),
      emails: z.array(email).default([]),
    })
    .default({ spaceTitle: 'Live Chat Supervisors', emails: [] }),
  /** Overrides of the sentences sent to visitors: language → key → text. */
  texts: z.record(language, z.record(z.string(), z.string().max(2000))).default({}),
  timers: timers.prefault({}),
  limits: limits.prefault({}),
  agentDisplay: z.enum(['support', 'first-name']).default('support'),
  languages: z.array(language).min(1).default(['en', 'pl', 'de', 'fr', 'es']),
  defaultLanguage: language.default('en'),
});

export const DEMO_FILE: z.input<typeof fileSchema> = {
  topics: DEMO_TOPICS.map((t) => ({ ...t, agents: [...t.agents] })),
  supervisors: { spaceTitle: 'Live Chat Supervisors', emails: ['sam@example.com'] },
};

export type FileConfig = z.output<typeof fileSchema>;
export type TopicConfig = z.output<typeof topic>;
export type Timers = z.output<typeof timers>;
