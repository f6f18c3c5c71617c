// The widget API (`/api/v1`) as one contract: what the widget may send and what the server
// answers, as zod schemas. The server validates with them (src/http/widget-api.ts,
// src/http/offline.ts); the widget imports their types only (`import type`), so zod never
// reaches its bundle, and takes its limits from the zod-free ./limits.ts.
//   GET  /config?lang=xx                       → ConfigResponse
//   POST /chats                  StartChatBody → 201 StartedChatResponse
//   POST /chats/:id/messages   PostMessageBody → 202 PostedMessageResponse (same clientId: stored once)
//   GET  /chats/:id/messages         PollQuery → PollResponse (long-poll when wait > 0)
//   GET  /chats/:id/events                     SSE: `message` (WireMessage), `state`, `typing`
//   POST /chats/:id/close  {reason?: gave_up}  → CloseResponse
//   POST /chats/:id/leave          LeaveBeacon → 204 (sendBeacon: text/plain)
//   POST /offline                    OfflineBody → 202 OfflineResponse
// Refusals answer ErrorBody (see the README's API section for the statuses).
import { z } from 'zod';
import {
  CHAT_ID_MAX,
  CLIENT_ID_MAX,
  EMAIL_MAX,
  FIELD_COUNT_MAX,
  FIELD_NAME_MAX,
  FIELD_VALUE_MAX,
  LANGUAGE_MAX,
  MESSAGE_MAX,
  NAME_MAX,
  PAGE_MAX,
  SIGNATURE_MAX,
  TOPIC_ID_MAX,
} from './limits.js';

// Lone UTF-16 surrogates cannot be encoded as UTF-8 and PostgreSQL refuses NUL (0x00) in text:
// such strings are bad input (400) here, before anything is stored.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string can be stored and sent as it is: no NUL, no lone surrogate. */
function storable(value: string): boolean {
  return !value.includes('\0') && !LONE_SURROGATE.test(value);
}

/** A string of the contract: refused (400) when it holds NUL or a lone surrogate. */
const str = (): z.ZodString => z.string().refine(storable, 'must not contain NUL characters or broken Unicode');

/** Message sequence numbers are PostgreSQL `integer`s. */
export const SEQ_MAX = 2 ** 31 - 1;

export const languageTag = str()
  .trim()
  .max(LANGUAGE_MAX)
  .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/, 'a language tag such as "en" or "pt-BR"');

const topicId = str().trim().min(1).max(TOPIC_ID_MAX);
const page = str().max(PAGE_MAX);

// ---- requests ---------------------------------------------------------------------------------

export const configQuery = z.object({ lang: languageTag.optional() });

export const chatIdParam = z.object({ id: str().min(1).max(CHAT_ID_MAX) });

/**
 * Who the site says the visitor is (`LiveChat.setUser`), with the site's signature of it.
 * Accepted and typed; checking the signature is not part of this version.
 */
export const identitySchema = z.strictObject({
  name: z.string().max(NAME_MAX).optional(),
  email: z.string().trim().max(EMAIL_MAX).optional(),
  /** When the site signed it, in Unix seconds. */
  ts: z.number().int().nonnegative().optional(),
  signature: z.string().min(1).max(SIGNATURE_MAX),
});

export const startChatBody = z.strictObject({
  topic: topicId,
  language: languageTag.optional(),
  name: str().max(NAME_MAX).optional(),
  email: str().trim().max(EMAIL_MAX).optional(),
  fields: z
    .record(str().max(FIELD_NAME_MAX), str().max(FIELD_VALUE_MAX))
    .refine((f) => Object.keys(f).length <= FIELD_COUNT_MAX, `at most ${FIELD_COUNT_MAX} fields`)
    .optional(),
  page: page.optional(),
  identity: identitySchema.optional(),
});

/** `gave_up`: the visitor took the offer to leave a message instead of waiting in the queue. */
export const closeChatBody = z.strictObject({ reason: z.enum(['gave_up']).optional() });

export const postMessageBody = z.strictObject({
  text: str()
    .max(MESSAGE_MAX)
    .refine((t) => t.trim().length > 0, 'must not be empty'),
  clientId: str().trim().min(1).max(CLIENT_ID_MAX),
});

export const pollQuery = z.object({
  after: z.coerce.number().int().min(0).max(SEQ_MAX).default(0),
  wait: z.coerce.number().min(0).max(60).default(0),
  /** EventSource and sendBeacon cannot set headers: the token may come here instead. */
  token: z.string().optional(),
});

/** The `leave` beacon's text body (`{"token":"…"}`); a bare token is accepted too. */
export const leaveBeacon = z.object({ token: z.string() });

export const offlineBody = z.strictObject({
  topic: topicId,
  name: str().trim().min(1).max(NAME_MAX),
  email: z.email().max(EMAIL_MAX).refine(storable, 'must not contain NUL characters or broken Unicode'),
  message: str().trim().min(1).max(MESSAGE_MAX),
  language: languageTag.optional(),
  page: page.optional(),
});

// ---- answers ----------------------------------------------------------------------------------

export const chatStateSchema = z.enum(['bot', 'queued', 'active', 'closed']);
export const senderSchema = z.enum(['visitor', 'agent', 'bot', 'system']);

/**
 * An agent's formatting as a small safe structure (the server parses the agent's markdown into
 * it; the widget renders it with DOM APIs). Every `text` is literal; `href` is http(s) or mailto
 * only. Line breaks are `\n` inside a span's text.
 */
export const wireSpanSchema = z.object({
  text: z.string(),
  strong: z.literal(true).optional(),
  emphasis: z.literal(true).optional(),
  code: z.literal(true).optional(),
  strike: z.literal(true).optional(),
  href: z.string().optional(),
});

export const wireBlockSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('paragraph'), spans: z.array(wireSpanSchema) }),
  z.object({ kind: z.literal('list'), ordered: z.boolean(), items: z.array(z.array(wireSpanSchema)) }),
  z.object({ kind: z.literal('code'), text: z.string() }),
]);

export const wireMessageSchema = z.object({
  seq: z.number().int(),
  from: senderSchema,
  text: z.string(),
  at: z.string(),
  /** The agent's display name (the topic's name or a first name), never an e-mail. */
  name: z.string().optional(),
  /** An agent's message as formatted (`text` is its plain form); absent for plain messages. */
  rich: z.array(wireBlockSchema).optional(),
  /** The visitor's own idempotency key, on visitor messages. */
  clientId: z.string().optional(),
  /** Extra payload such as `{ quickReplies: [...] }`. */
  data: z.record(z.string(), z.unknown()).optional(),
});

export const fieldSpecSchema = z.object({
  name: z.string(),
  type: z.enum(['text', 'email', 'tel']),
  required: z.boolean(),
  /** Already in the asked language. */
  label: z.string(),
});

export const topicInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  mode: z.enum(['group', 'personal']),
  open: z.boolean(),
  /** ISO time of the next opening when closed; null when open or none is known. */
  nextOpening: z.string().nullable(),
  fields: z.array(fieldSpecSchema),
});

export const configResponse = z.object({
  topics: z.array(topicInfoSchema),
  languages: z.array(z.string()),
  language: z.string(),
  theme: z.record(z.string(), z.string()),
});

export const startedChatResponse = z.object({
  id: z.string(),
  token: z.string(),
  state: chatStateSchema,
  language: z.string(),
  messages: z.array(wireMessageSchema),
});

export const postedMessageResponse = z.object({ seq: z.number().int() });
export const pollResponse = z.object({ messages: z.array(wireMessageSchema), state: chatStateSchema });
export const closeResponse = z.object({ state: chatStateSchema });
const offlineResponse = z.object({ ok: z.literal(true), id: z.number() });

/**
 * Every refusal: a machine-readable `error` code and a sentence. Bad input (400) also names the
 * offending form fields (`fields`) and, when the body's shape is wrong, zod's `issues`; a closed
 * topic (409) gives `nextOpening`.
 */
export const errorBody = z.looseObject({
  error: z.string(),
  message: z.string(),
  fields: z.array(z.string()).optional(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  nextOpening: z.string().nullable().optional(),
});

// ---- types ------------------------------------------------------------------------------------

export type ChatState = z.output<typeof chatStateSchema>;
export type Sender = z.output<typeof senderSchema>;
export type Identity = z.input<typeof identitySchema>;
export type StartChatBody = z.input<typeof startChatBody>;
export type PostMessageBody = z.input<typeof postMessageBody>;
export type OfflineBody = z.input<typeof offlineBody>;
export type WireMessage = z.output<typeof wireMessageSchema>;
export type WireSpan = z.output<typeof wireSpanSchema>;
export type WireBlock = z.output<typeof wireBlockSchema>;
export type FieldSpec = z.output<typeof fieldSpecSchema>;
export type TopicInfo = z.output<typeof topicInfoSchema>;
export type ConfigResponse = z.output<typeof configResponse>;
export type StartedChatResponse = z.output<typeof startedChatResponse>;
export type PostedMessageResponse = z.output<typeof postedMessageResponse>;
export type PollResponse = z.output<typeof pollResponse>;
export type CloseResponse = z.output<typeof closeResponse>;
export type OfflineResponse = z.output<typeof offlineResponse>;
export type ErrorBody = z.output<typeof errorBody>;
