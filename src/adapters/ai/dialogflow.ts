// Assistant over a Dialogflow ES agent (the seed's bot). One Dialogflow session per chat, in the
// visitor's language. The client runs in REST mode (`fallback: true`: JSON over HTTPS, no gRPC
// channel to keep open). Handoff: a configured intent or action, Dialogflow's own "live agent
// handoff" flag, or too many fallback intents in a row.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AssistantTimeoutError, consecutiveFallbacks, isHandoffIntent } from '../../domain/handoff.js';
import type { Assistant, AssistantContext, AssistantMessage, AssistantReply } from '../../ports.js';

export const DEFAULT_HANDOFF_INTENTS = ['Transfer to agent'];
export const DEFAULT_FALLBACK_LIMIT = 2;
export const DEFAULT_WELCOME_EVENT = 'WELCOME';

const serviceAccount = z.object({
  client_email: z.string().min(3),
  private_key: z.string().min(32),
  project_id: z.string().optional(),
});
export type ServiceAccount = z.infer<typeof serviceAccount>;

export interface DialogflowSettings {
  projectId: string;
  /** A service-account key: its JSON text, a path to the JSON file, or the parsed object.
   *  null: Google's default lookup (`GOOGLE_APPLICATION_CREDENTIALS`). */
  credentials: string | ServiceAccount | null;
  /** Intent display names or actions that hand over (case-insensitive). */
  handoffIntents: string[];
  /** Fallback intents in a row that hand over. */
  fallbackLimit: number;
  /** The event sent when a chat starts (Dialogflow's welcome intent listens to `WELCOME`). */
  welcomeEvent: string;
  /** Regional agents (`europe-west2`…); null: the global one. */
  location: string | null;
  /** Languages the agent knows; others are sent as the first. null: send the visitor's. */
  languages: string[] | null;
  timeoutMs: number;
}

/** The subset of SessionsClient we use, so the adapter is typed without loading google-gax. */
interface SessionsClientLike {
  detectIntent(
    request: Record<string, unknown>,
    options?: { timeout?: number; retry?: null },
  ): Promise<[DetectIntentResponse, ...unknown[]]>;
  close(): Promise<void>;
}

interface StructValue {
  kind?: string;
  nullValue?: unknown;
  numberValue?: number;
  stringValue?: string;
  boolValue?: boolean;
  structValue?: { fields?: Record<string, StructValue> };
  listValue?: { values?: StructValue[] };
}

interface FulfillmentMessage {
  platform?: string | number | null;
  text?: { text?: string[] | null } | null;
  quickReplies?: { title?: string | null; quickReplies?: string[] | null } | null;
  payload?: { fields?: Record<string, StructValue> } | Record<string, unknown> | null;
}

interface DetectIntentResponse {
  queryResult?: {
    action?: string | null;
    fulfillmentText?: string | null;
    fulfillmentMessages?: FulfillmentMessage[] | null;
    intent?: { displayName?: string | null; isFallback?: boolean | null; liveAgentHandoff?: boolean | null } | null;
  } | null;
}

export function parseCredentials(value: string | ServiceAccount): ServiceAccount {
  let raw: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim().startsWith('{') ? value : readFileSync(value, 'utf8');
    try {
      raw = JSON.parse(text);
    } catch {
      throw new Error('Dialogflow credentials: not valid JSON (give the service-account key JSON or a path to it)');
    }
  }
  const parsed = serviceAccount.safeParse(raw);
  if (!parsed.success) throw new Error('Dialogflow credentials: a service-account key needs client_email and private_key');
  return parsed.data;
}

/** Dialogflow session ids are at most 36 characters of letters, digits, `-` and `_`. */
export function sessionIdFor(chatId: string): string {
  if (/^[A-Za-z0-9_-]{1,36}$/.test(chatId)) return chatId;
  return createHash('sha256').update(chatId).digest('hex').slice(0, 36);
}

/** protobuf Struct (what the REST client decodes `payload` into) → plain JSON. */
export function structToJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const v = value as StructValue & { fields?: Record<string, StructValue> };
  if (v.fields && typeof v.fields === 'object' && !Array.isArray(v.fields)) {
    return Object.fromEntries(Object.entries(v.fields).map(([k, f]) => [k, fromValue(f)]));
  }
  return value;
}

function fromValue(v: StructValue): unknown {
  if (v.structValue) return structToJson(v.structValue);
  if (v.listValue) return (v.listValue.values ?? []).map(fromValue);
  if (v.stringValue !== undefined && (v.kind === undefined || v.kind === 'stringValue')) return v.stringValue;
  if (v.numberValue !== undefined && (v.kind === undefined || v.kind === 'numberValue')) return v.numberValue;
  if (v.boolValue !== undefined && (v.kind === undefined || v.kind === 'boolValue')) return v.boolValue;
  return null;
}

const strings = (list: unknown): string[] =>
  Array.isArray(list) ? list.filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => s.trim()) : [];

/** Quick replies in a custom payload: `{ quickReplies: [...] }` or Dialogflow Messenger chips. */
function payloadQuickReplies(payload: Record<string, unknown>): string[] {
  const found = strings(payload.quickReplies);
  const rich = payload.richContent;
  if (Array.isArray(rich)) {
    for (const group of rich) {
      for (const item of Array.isArray(group) ? group : []) {
        const element = item as { type?: unknown; options?: unknown };
        if (element?.type !== 'chips' || !Array.isArray(element.options)) continue;
        found.push(...strings(element.options.map((o) => (o as { text?: unknown })?.text)));
      }
    }
  }
  return found;
}

const isDefaultPlatform = (p: FulfillmentMessage['platform']): boolean =>
  p === undefined || p === null || p === 0 || p === 'PLATFORM_UNSPECIFIED';

/** Fulfillment messages → widget messages; quick replies join the message before them. */
export function toMessages(result: NonNullable<DetectIntentResponse['queryResult']>): AssistantMessage[] {
  const messages: AssistantMessage[] = [];
  const addQuickReplies = (replies: string[], title: string | null) => {
    if (replies.length === 0) return;
    const last = messages[messages.length - 1];
    if (title || !last) messages.push({ text: title ?? '', quickReplies: replies });
    else last.quickReplies = [...(last.quickReplies ?? []), ...replies];
  };
  for (const m of result.fulfillmentMessages ?? []) {
    if (!isDefaultPlatform(m.platform)) continue;
    for (const text of strings(m.text?.text)) messages.push({ text });
    if (m.quickReplies) addQuickReplies(strings(m.quickReplies.quickReplies), m.quickReplies.title?.trim() || null);
    if (m.payload) {
      const payload = structToJson(m.payload) as Record<string, unknown>;
      if (typeof payload.text === 'string' && payload.text.trim()) messages.push({ text: payload.text.trim() });
      addQuickReplies(payloadQuickReplies(payload), null);
    }
  }
  if (messages.length === 0 && result.fulfillmentText?.trim()) messages.push({ text: result.fulfillmentText.trim() });
  return messages.filter((m) => m.text !== '' || (m.quickReplies?.length ?? 0) > 0);
}

export class DialogflowAssistant implements Assistant {
  readonly name = 'dialogflow';

  constructor(
    private readonly client: SessionsClientLike,
    private readonly settings: DialogflowSettings,
    private readonly log: Logger,
  ) {}

  /** Loads the Dialogflow client (and google-gax) only when this provider is chosen. */
  static async create(settings: DialogflowSettings, log: Logger): Promise<DialogflowAssistant> {
    const { SessionsClient } = (await import('@google-cloud/dialogflow')).default.v2;
    const credentials = settings.credentials ? parseCredentials(settings.credentials) : null;
    const client = new SessionsClient({
      fallback: true,
      projectId: settings.projectId,
      ...(credentials ? { credentials: { client_email: credentials.client_email, private_key: credentials.private_key } } : {}),
      ...(settings.location ? { apiEndpoint: `${settings.location}-dialogflow.googleapis.com` } : {}),
    });
    return new DialogflowAssistant(client as unknown as SessionsClientLike, settings, log);
  }

  private sessionPath(chatId: string): string {
    const { projectId, location } = this.settings;
    const where = location ? `projects/${projectId}/locations/${location}` : `projects/${projectId}`;
    return `${where}/agent/sessions/${sessionIdFor(chatId)}`;
  }

  private languageFor(language: string): string {
    const known = this.settings.languages;
    if (!known || known.length === 0) return language;
    const lower = language.toLowerCase();
    return known.find((l) => l.toLowerCase() === lower) ?? known.find((l) => l.toLowerCase() === lower.split('-')[0]) ?? known[0]!;
  }

  private async detect(ctx: AssistantContext, queryInput: Record<string, unknown>) {
    // Our own deadline: the REST transport does not stop on the client's `timeout` option.
    // No retries behind the service's back either: it hands off on failure.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AssistantTimeoutError('Dialogflow did not answer in time')), this.settings.timeoutMs);
    });
    const call = this.client
      .detectIntent({ session: this.sessionPath(ctx.chatId), queryInput }, { timeout: this.settings.timeoutMs, retry: null })
      .catch((error: unknown) => {
        // gRPC status 4, DEADLINE_EXCEEDED, also in REST mode.
        throw (error as { code?: unknown })?.code === 4 ? new AssistantTimeoutError('Dialogflow did not answer in time') : error;
      });
    try {
      const [response] = await Promise.race([call, deadline]);
      return response.queryResult ?? {};
    } finally {
      clearTimeout(timer);
    }
  }

  async greet(ctx: AssistantContext): Promise<AssistantReply> {
    const languageCode = this.languageFor(ctx.language);
    const result = await this.detect(ctx, { event: { name: this.settings.welcomeEvent, languageCode } });
    // A greeting that matched nothing says nothing: the service then sends its own greeting.
    return { messages: result.intent?.isFallback ? [] : toMessages(result), handoff: null };
  }

  async reply(ctx: AssistantContext & { text: string }): Promise<AssistantReply> {
    const languageCode = this.languageFor(ctx.language);
    const result = await this.detect(ctx, { text: { text: ctx.text.slice(0, 256), languageCode } });
    const intent = result.intent ?? null;
    const messages = toMessages(result);
    if (intent?.liveAgentHandoff || isHandoffIntent({ displayName: intent?.displayName, action: result.action }, this.settings.handoffIntents)) {
      return { messages, handoff: { reason: 'intent', detail: intent?.displayName || result.action || undefined } };
    }
    // No intent at all (an agent without a fallback intent) is a fallback too.
    if (!intent || intent.isFallback) {
      const inARow = consecutiveFallbacks(ctx.history) + 1;
      this.log.debug({ chatId: ctx.chatId, inARow }, 'dialogflow fallback');
      if (inARow >= this.settings.fallbackLimit) {
        // The agent's "sorry, say again" would contradict the handover: the service says its own.
        return { messages: [], handoff: { reason: 'fallbacks', detail: `${inARow} in a row` }, fallback: true };
      }
      return { messages, handoff: null, fallback: true };
    }
    return { messages, handoff: null };
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
