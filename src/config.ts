// Configuration: environment variables (infrastructure and every secret) plus an optional JSON
// file (topics, hours, supervisors, texts, timers). One zod schema; a bad value fails fast with a
// message naming each field by its path, e.g. `hours.timezone: unknown time zone "Mars/Olympus"`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  WEEKDAYS,
  validateHours,
  validateTopicHours,
  type Holiday,
  type HoursSettings,
  type SpecialDay,
  type TopicHours,
  type WeeklyRange,
} from './domain/hours.js';

export class ConfigError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

// ---------------------------------------------------------------------------------------------
// Building blocks

/** `1500`, `"1500ms"`, `"30s"`, `"10m"`, `"6h"`, `"183d"` → milliseconds. */
export function parseDuration(value: string | number): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : null;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(value);
  if (!match) return null;
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!;
  return Math.round(Number(match[1]) * factor);
}

const duration = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const ms = parseDuration(value);
  if (ms === null) {
    ctx.addIssue({ code: 'custom', message: `not a duration: ${JSON.stringify(value)} (use e.g. 30s, 10m, 6h, 183d)` });
    return z.NEVER;
  }
  return ms;
});

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const timeZone = z.string().superRefine((zone, ctx) => {
  if (!isTimeZone(zone)) ctx.addIssue({ code: 'custom', message: `unknown time zone "${zone}"` });
});

const language = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, 'a language code such as "en" or "pt-BR"');
const localized = z.record(language, z.string().min(1).max(200));
const email = z.email().transform((value) => value.toLowerCase());

const clock = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time "HH:MM" (00:00 to 24:00)');
/** `end` not after `start` runs past midnight (e.g. 22:00 to 06:00). */
const range = z.strictObject({ start: clock, end: clock });
const ranges = z.array(range);
const isoDate = z.iso.date();
const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a yearly date "MM-DD"');

const weekly = z.partialRecord(z.enum(WEEKDAYS), ranges);
const holidays = z.array(
  z.union([
    z.strictObject({ date: isoDate, name: z.string().optional() }),
    z.strictObject({ yearly: monthDay, name: z.string().optional() }),
    z.strictObject({
      country: z.string().regex(/^[A-Z]{2}$/, 'an ISO country code such as "PL"'),
      region: z.string().optional(),
      name: z.string().optional(),
    }),
  ]),
);
const special = z.array(z.strictObject({ date: isoDate, ranges, name: z.string().optional() }));

const topicHours = z.strictObject({
  timezone: timeZone.optional(),
  /** Replaces the default week. */
  weekly: weekly.optional(),
  /** Added to the default holidays. */
  holidays: holidays.optional(),
  /** Added to the default special days (the topic's wins on the same date). */
  special: special.optional(),
  /** false: the default holidays and special days do not apply to this topic. */
  inheritHolidays: z.boolean().optional(),
});

const ALWAYS = [{ start: '00:00', end: '24:00' }];
const hours = z.strictObject({
  timezone: timeZone.default('UTC'),
  /** Open ranges per weekday; a missing day is closed. Default: open at all hours. */
  weekly: weekly.default(Object.fromEntries(WEEKDAYS.map((day) => [day, ALWAYS]))),
  holidays: holidays.default([]),
  /** Days with their own ranges (an empty list: closed all day). */
  special: special.default([]),
  /** Per-topic differences from the default hours. */
  topics: z.record(z.string(), topicHours).default({}),
});

type FileHolidays = z.output<typeof holidays>;
type FileWeekly = z.output<typeof weekly>;

function toHolidays(list: FileHolidays): Holiday[] {
  return list.map((h): Holiday => {
    const name = h.name ? { name: h.name } : {};
    if ('date' in h) return { kind: 'date', date: h.date, ...name };
    if ('yearly' in h) return { kind: 'yearly', date: h.yearly, ...name };
    return { kind: 'country', country: h.country, ...(h.region ? { region: h.region } : {}), ...name };
  });
}

function toWeekly(week: FileWeekly): WeeklyRange[] {
  return WEEKDAYS.flatMap((day) => (week[day] ?? []).map((r) => ({ day, start: r.start, end: r.end })));
}

function toSpecial(list: z.output<typeof special>): SpecialDay[] {
  return list.map((d) => ({ date: d.date, ranges: d.ranges, ...(d.name ? { name: d.name } : {}) }));
}

/** The file's hours in the shape of the hours domain (src/domain/hours.ts). */
function toHoursSettings(h: z.output<typeof hours>): HoursSettings {
  const topics: Record<string, TopicHours> = {};
  for (const [id, t] of Object.entries(h.topics)) {
    topics[id] = {
      ...(t.timezone ? { timeZone: t.timezone } : {}),
      ...(t.weekly ? { weekly: toWeekly(t.weekly) } : {}),
      ...(t.holidays ? { holidays: toHolidays(t.holidays) } : {}),
      ...(t.special ? { specialDays: toSpecial(t.special) } : {}),
      ...(t.inheritHolidays !== undefined ? { inheritHolidays: t.inheritHolidays } : {}),
    };
  }
  const defaults = {
    timeZone: h.timezone,
    weekly: toWeekly(h.weekly),
    holidays: toHolidays(h.holidays),
    specialDays: toSpecial(h.special),
  };
  return { default: defaults, topics };
}

const field = z.strictObject({
  name: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, 'letters, digits and _ (max 40)'),
  type: z.enum(['text', 'email', 'tel']).default('text'),
  required: z.boolean().default(false),
  label: localized.default({}),
});

const topic = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lower-case letters, digits, - and _ (max 40)'),
  names: localized.refine((names) => Object.keys(names).length > 0, 'at least one name'),
  mode: z.enum(['group', 'personal']),
  agents: z.array(email).default([]),
  assistant: z.boolean().nullable().default(null),
  addAgentsAt: z.enum(['start', 'handoff']).default('start'),
  fields: z.array(field).default([]),
});

const timers = z.strictObject({
  /** No visitor message for this long: warn the visitor. */
  inactivityWarn: duration.default(10 * 60_000),
  /** No visitor message for this long: close the chat. */
  inactivityClose: duration.default(15 * 60_000),
  /** No stream, poll or message for this long: the visitor is gone. */
  lostVisitor: duration.default(60_000),
  /** After a `leave` beacon, wait this long for the visitor to come back. */
  leaveGrace: duration.default(30_000),
  /** A queued chat unclaimed this long alerts the supervisors. */
  unclaimedAlert: duration.default(3 * 60_000),
  /** Closed chats older than this are deleted. */
  retention: duration.default(183 * 86_400_000),
  /** How often the recurring sweep looks for stale chats. */
  sweepEvery: duration.default(10_000),
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
const fileSchema = z.strictObject({
  topics: z
    .array(topic)
    .min(1)
    .refine((list) => new Set(list.map((t) => t.id)).size === list.length, 'topic ids must be unique'),
  hours: hours.prefault({}),
  supervisors: z
    .strictObject({
      spaceTitle: z.string().min(1).max(200).default('Live Chat Supervisors'),
      emails: z.array(email).default([]),
    })
    .default({ spaceTitle: 'Live Chat Supervisors', emails: [] }),
  /** Overrides of the sentences sent to visitors: language → key → text. */
  texts: z.record(language, z.record(z.string(), z.string().max(2000))).default({}),
  timers: timers.prefault({}),
  agentDisplay: z.enum(['support', 'first-name']).default('support'),
  languages: z.array(language).min(1).default(['en', 'pl', 'de', 'fr', 'es']),
  defaultLanguage: language.default('en'),
});

const DEMO_FILE: z.input<typeof fileSchema> = {
  topics: DEMO_TOPICS.map((t) => ({ ...t, agents: [...t.agents] })),
  supervisors: { spaceTitle: 'Live Chat Supervisors', emails: ['sam@example.com'] },
};

// ---------------------------------------------------------------------------------------------
// Environment

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? null : value.trim()));

const optionalUrl = (protocols: string[]) =>
  optionalString.refine(
    (value) => {
      if (value === null) return true;
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `a URL (${protocols.join(' or ')})` },
  );

const integerVar = (fallback: number, min: number, max: number) =>
  optionalString.transform((value, ctx) => {
    if (value === null) return fallback;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `an integer from ${min} to ${max}, not "${value}"` });
      return z.NEVER;
    }
    return n;
  });

const envSchema = z.object({
  PORT: integerVar(3000, 0, 65535),
  PUBLIC_URL: optionalUrl(['http:', 'https:']),
  ALLOWED_ORIGINS: optionalString.transform((value, ctx) => {
    if (value === null) return [];
    const origins = value.split(',').map((o) => o.trim()).filter(Boolean);
    for (const origin of origins) {
      let ok = false;
      try {
        const url = new URL(origin);
        ok = (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin.replace(/\/$/, '');
      } catch {
        ok = false;
      }
      if (!ok) ctx.addIssue({ code: 'custom', message: `not an origin: "${origin}" (e.g. https://www.example.com)` });
    }
    return origins.map((o) => o.replace(/\/$/, ''));
  }),
  TRUST_PROXY: optionalString.transform((value): boolean | number | string => {
    if (value === null || value === 'false' || value === '0') return false;
    if (value === 'true') return true;
    if (/^\d+$/.test(value)) return Number(value);
    return value; // express accepts `loopback`, `10.0.0.0/8, 127.0.0.1`…
  }),
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:']),
  DATA_DIR: optionalString.transform((v) => v ?? './data'),
  REDIS_URL: optionalUrl(['redis:', 'rediss:']),
  EVENT_BUS: z.enum(['postgres', 'redis', 'memory']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CONFIG_FILE: optionalString,
  AGENT_DISPLAY: z.enum(['support', 'first-name']).optional(),

  WEBEX_BOT_TOKEN: optionalString,
  WEBEX_WEBHOOK_SECRET: optionalString,
  WEBEX_RELAY_TOKEN: optionalString,
  WEBEX_RELAY_REFRESH_TOKEN: optionalString,
  WEBEX_CLIENT_ID: optionalString,
  WEBEX_CLIENT_SECRET: optionalString,
  HYDRA_SERVICE_URL: optionalUrl(['http:', 'https:']),
  MESSENGER: z.enum(['webex', 'slack']).default('webex'),
  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_API_URL: optionalUrl(['http:', 'https:']),
  GEOIP_DB: optionalString,

  AI_PROVIDER: z.enum(['none', 'dialogflow', 'openai']).default('none'),
  DIALOGFLOW_PROJECT_ID: optionalString,
  DIALOGFLOW_CREDENTIALS: optionalString,
  DIALOGFLOW_HANDOFF_INTENTS: optionalString,
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalUrl(['http:', 'https:']),
  OPENAI_MODEL: optionalString,
  ASSISTANT_KNOWLEDGE_DIR: optionalString,
  ASSISTANT_MAX_TURNS: integerVar(8, 1, 100),

  TRANSLATOR: z.enum(['none', 'google', 'llm']).default('none'),
  AGENT_LANGUAGE: optionalString.pipe(language.nullable()),
  GOOGLE_TRANSLATE_API_KEY: optionalString,
  GOOGLE_APPLICATION_CREDENTIALS: optionalString,
  TRANSLATOR_MODEL: optionalString,
  TRANSLATOR_TIMEOUT: duration.optional(),

  TIMER_INACTIVITY_WARN: duration.optional(),
  TIMER_INACTIVITY_CLOSE: duration.optional(),
  TIMER_LOST_VISITOR: duration.optional(),
  TIMER_LEAVE_GRACE: duration.optional(),
  TIMER_UNCLAIMED_ALERT: duration.optional(),
  TIMER_SWEEP_EVERY: duration.optional(),
  RETENTION: duration.optional(),
});

const TIMER_ENV = {
  TIMER_INACTIVITY_WARN: 'inactivityWarn',
  TIMER_INACTIVITY_CLOSE: 'inactivityClose',
  TIMER_LOST_VISITOR: 'lostVisitor',
  TIMER_LEAVE_GRACE: 'leaveGrace',
  TIMER_UNCLAIMED_ALERT: 'unclaimedAlert',
  TIMER_SWEEP_EVERY: 'sweepEvery',
  RETENTION: 'retention',
} as const;

// ---------------------------------------------------------------------------------------------
// The typed result

export type FileConfig = z.output<typeof fileSchema>;
export type TopicConfig = z.output<typeof topic>;
export type Timers = z.output<typeof timers>;

export type AiConfig =
  | { provider: 'none' }
  | {
      provider: 'dialogflow';
      projectId: string;
      /** Path to a service-account JSON key, or the JSON itself. */
      credentials: string | null;
      handoffIntents: string[];
      maxTurns: number;
    }
  | {
      provider: 'openai';
      apiKey: string | null;
      baseUrl: string | null;
      model: string;
      knowledgeDir: string | null;
      maxTurns: number;
    };

export type TranslationConfig = {
  /** The agents' language: visitors' words are translated into it, agents' replies out of it. */
  agentLanguage: string;
  /** Deadline of one translation; after it the original text is used. */
  timeoutMs: number;
} & (
  | { provider: 'none' }
  /** apiKey null: the service account of GOOGLE_APPLICATION_CREDENTIALS. */
  | { provider: 'google'; apiKey: string | null }
  /** The OpenAI-compatible endpoint of the assistant (OPENAI_*). */
  | { provider: 'llm'; apiKey: string | null; baseUrl: string | null; model: string }
);

export interface Config extends Omit<FileConfig, 'topics' | 'hours'> {
  topics: (TopicConfig & { position: number })[];
  /** Opening hours in the hours domain's shape (`isOpen`, `nextOpening` take it as is). */
  hours: HoursSettings;
  /** Where the business configuration came from: a file path, or `demo`. */
  source: string;
  port: number;
  publicUrl: string | null;
  /** Extra CORS origins; the server's own origin is always allowed. */
  allowedOrigins: string[];
  trustProxy: boolean | number | string;
  databaseUrl: string | null;
  dataDir: string;
  redisUrl: string | null;
  /** `postgres` (LISTEN/NOTIFY, the default), `redis` (pub/sub, default when REDIS_URL is set), `memory` (one instance). */
  eventBus: 'postgres' | 'redis' | 'memory';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  webex: {
    /** No bot token: the in-process sandbox plays Webex. */
    sandbox: boolean;
    botToken: string | null;
    webhookSecret: string | null;
    relayToken: string | null;
    relayRefreshToken: string | null;
    clientId: string | null;
    clientSecret: string | null;
    /** The Webex API base; null in sandbox mode (the sandbox provides its own). */
    apiUrl: string | null;
  };
  /** Where agents work: Webex (default) or Slack. */
  messenger: 'webex' | 'slack';
  slack: {
    /** No bot token: the in-process Slack sandbox plays Slack. */
    sandbox: boolean;
    botToken: string | null;
    signingSecret: string | null;
    /** The Web API base (default Slack's); null in sandbox mode. */
    apiUrl: string | null;
  };
  geoipDb: string | null;
  ai: AiConfig;
  translation: TranslationConfig;
}

const SECRET_KEY = /token|secret|password|passwd|api[-_]?key|private[-_]?key|credential/i;

function findSecrets(value: unknown, at: string[] = []): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => findSecrets(v, [...at, String(i)]));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) =>
    SECRET_KEY.test(key) ? [[...at, key].join('.')] : findSecrets(v, [...at, key]),
  );
}

function issuesOf(error: z.ZodError, prefix = ''): { path: string; message: string }[] {
  return error.issues.map((issue) => {
    const at = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)';
    if (issue.code === 'unrecognized_keys') {
      return { path: at, message: `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` };
    }
    return { path: at, message: issue.message };
  });
}

function configFileArg(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--config' || arg === '-c') return argv[i + 1] ?? null;
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return null;
}

function readFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([{ path: 'CONFIG_FILE', message: `cannot read ${file}: ${(error as Error).message}` }]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError([{ path: 'CONFIG_FILE', message: `${file} is not valid JSON: ${(error as Error).message}` }]);
  }
}

/** The file name looked for in the working directory when neither CONFIG_FILE nor --config is given. */
export const DEFAULT_CONFIG_FILE = 'livechat.config.json';

/**
 * Reads the environment and the optional config file (`--config <file>`, `CONFIG_FILE`, or
 * `./livechat.config.json` when present; otherwise the demo configuration).
 * Throws a ConfigError naming every bad field.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  argv: readonly string[] = [],
  cwd: string = process.cwd(),
): Config {
  const parsedEnv = envSchema.safeParse(env);
  const issues = parsedEnv.success ? [] : issuesOf(parsedEnv.error);

  const explicit = configFileArg(argv) ?? (env.CONFIG_FILE?.trim() || null);
  const fallback = path.resolve(cwd, DEFAULT_CONFIG_FILE);
  const file = explicit ? path.resolve(cwd, explicit) : existsSync(fallback) ? fallback : null;
  const raw = file ? readFile(file) : DEMO_FILE;

  const secrets = file ? findSecrets(raw) : [];
  for (const at of secrets) {
    issues.push({ path: at, message: 'secrets are read only from environment variables, remove it from the file' });
  }
  const parsedFile = secrets.length ? null : fileSchema.safeParse(raw);
  if (parsedFile && !parsedFile.success) issues.push(...issuesOf(parsedFile.error));

  if (!parsedEnv.success || !parsedFile?.success || issues.length) throw new ConfigError(issues);
  const e = parsedEnv.data;
  const f = parsedFile.data;

  // Cross-field rules.
  const topicIds = new Set(f.topics.map((t) => t.id));
  for (const id of Object.keys(f.hours.topics)) {
    if (!topicIds.has(id)) issues.push({ path: `hours.topics.${id}`, message: `no topic "${id}"` });
  }
  const hoursSettings = toHoursSettings(f.hours);
  const checked = validateHours(hoursSettings.default);
  if (!checked.ok) issues.push(...checked.errors.map((message) => ({ path: 'hours', message })));
  for (const [id, t] of Object.entries(hoursSettings.topics)) {
    const result = validateTopicHours(t);
    if (!result.ok) issues.push(...result.errors.map((message) => ({ path: `hours.topics.${id}`, message })));
  }
  if (!f.languages.includes(f.defaultLanguage)) {
    issues.push({ path: 'defaultLanguage', message: `"${f.defaultLanguage}" is not in languages` });
  }

  const timersOut: Timers = { ...f.timers };
  for (const [name, key] of Object.entries(TIMER_ENV)) {
    const value = e[name as keyof typeof TIMER_ENV];
    if (value !== undefined) timersOut[key] = value;
  }
  if (timersOut.inactivityWarn >= timersOut.inactivityClose) {
    issues.push({ path: 'timers.inactivityWarn', message: 'must be shorter than timers.inactivityClose' });
  }

  const sandbox = e.WEBEX_BOT_TOKEN === null;
  if (!sandbox) {
    if (!e.WEBEX_WEBHOOK_SECRET) {
      issues.push({ path: 'WEBEX_WEBHOOK_SECRET', message: 'required with WEBEX_BOT_TOKEN (webhooks are verified with it)' });
    }
    if (!e.PUBLIC_URL) {
      issues.push({ path: 'PUBLIC_URL', message: 'required with WEBEX_BOT_TOKEN (Webex must reach the webhooks)' });
    }
  }
  if (e.WEBEX_RELAY_REFRESH_TOKEN && !(e.WEBEX_CLIENT_ID && e.WEBEX_CLIENT_SECRET)) {
    issues.push({
      path: 'WEBEX_RELAY_REFRESH_TOKEN',
      message: 'refreshing needs WEBEX_CLIENT_ID and WEBEX_CLIENT_SECRET too',
    });
  }

  if (e.MESSENGER === 'slack' && e.SLACK_BOT_TOKEN && !e.SLACK_SIGNING_SECRET) {
    issues.push({ path: 'SLACK_SIGNING_SECRET', message: 'required with SLACK_BOT_TOKEN (deliveries are verified with it)' });
  }

  if (e.EVENT_BUS === 'redis' && !e.REDIS_URL) {
    issues.push({ path: 'REDIS_URL', message: 'required with EVENT_BUS=redis' });
  }

  let ai: AiConfig = { provider: 'none' };
  if (e.AI_PROVIDER === 'dialogflow') {
    if (!e.DIALOGFLOW_PROJECT_ID) issues.push({ path: 'DIALOGFLOW_PROJECT_ID', message: 'required with AI_PROVIDER=dialogflow' });
    ai = {
      provider: 'dialogflow',
      projectId: e.DIALOGFLOW_PROJECT_ID ?? '',
      credentials: e.DIALOGFLOW_CREDENTIALS,
      handoffIntents: (e.DIALOGFLOW_HANDOFF_INTENTS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      maxTurns: e.ASSISTANT_MAX_TURNS,
    };
  } else if (e.AI_PROVIDER === 'openai') {
    if (!e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
      issues.push({ path: 'OPENAI_API_KEY', message: 'required with AI_PROVIDER=openai (or set OPENAI_BASE_URL for a local model)' });
    }
    ai = {
      provider: 'openai',
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.OPENAI_MODEL ?? 'gpt-4o-mini',
      knowledgeDir: e.ASSISTANT_KNOWLEDGE_DIR ? path.resolve(cwd, e.ASSISTANT_KNOWLEDGE_DIR) : null,
      maxTurns: e.ASSISTANT_MAX_TURNS,
    };
  }

  const translationBase = { agentLanguage: e.AGENT_LANGUAGE ?? 'en', timeoutMs: e.TRANSLATOR_TIMEOUT ?? 5_000 };
  let translation: TranslationConfig = { provider: 'none', ...translationBase };
  if (e.TRANSLATOR === 'google') {
    if (!e.GOOGLE_TRANSLATE_API_KEY && !e.GOOGLE_APPLICATION_CREDENTIALS) {
      issues.push({ path: 'GOOGLE_TRANSLATE_API_KEY', message: 'required with TRANSLATOR=google (or set GOOGLE_APPLICATION_CREDENTIALS)' });
    }
    translation = { provider: 'google', apiKey: e.GOOGLE_TRANSLATE_API_KEY, ...translationBase };
  } else if (e.TRANSLATOR === 'llm') {
    if (!e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
      issues.push({ path: 'OPENAI_API_KEY', message: 'required with TRANSLATOR=llm (or set OPENAI_BASE_URL for a local model)' });
    }
    translation = {
      provider: 'llm',
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.TRANSLATOR_MODEL ?? e.OPENAI_MODEL ?? 'gpt-4o-mini',
      ...translationBase,
    };
  }

  if (issues.length) throw new ConfigError(issues);

  return {
    ...f,
    topics: f.topics.map((t, position) => ({ ...t, position })),
    hours: hoursSettings,
    timers: timersOut,
    agentDisplay: e.AGENT_DISPLAY ?? f.agentDisplay,
    source: file ?? 'demo',
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, '') ?? null,
    allowedOrigins: e.ALLOWED_ORIGINS,
    trustProxy: e.TRUST_PROXY,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    redisUrl: e.REDIS_URL,
    eventBus: e.EVENT_BUS ?? (e.REDIS_URL ? 'redis' : 'postgres'),
    logLevel: e.LOG_LEVEL,
    webex: {
      sandbox,
      botToken: e.WEBEX_BOT_TOKEN,
      webhookSecret: e.WEBEX_WEBHOOK_SECRET,
      relayToken: e.WEBEX_RELAY_TOKEN,
      relayRefreshToken: e.WEBEX_RELAY_REFRESH_TOKEN,
      clientId: e.WEBEX_CLIENT_ID,
      clientSecret: e.WEBEX_CLIENT_SECRET,
      apiUrl: e.HYDRA_SERVICE_URL ?? (sandbox ? null : 'https://webexapis.com/v1'),
    },
    messenger: e.MESSENGER,
    slack: {
      sandbox: e.SLACK_BOT_TOKEN === null,
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      apiUrl: e.SLACK_API_URL ?? (e.SLACK_BOT_TOKEN === null ? null : 'https://slack.com/api'),
    },
    geoipDb: e.GEOIP_DB ? path.resolve(cwd, e.GEOIP_DB) : null,
    ai,
    translation,
  };
}
