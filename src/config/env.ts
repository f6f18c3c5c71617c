// The environment variables: infrastructure and every secret.
import { z } from 'zod';
import { duration, language } from './values.js';

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

export const envSchema = z.object({
  PORT: integerVar(3000, 0, 65535),
  HOST: optionalString,
  SANDBOX_PUBLIC: z.enum(['true', 'false', '']).optional().transform((value) => value === 'true'),
  IDENTITY_SECRET: optionalString,
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
  TIMER_QUEUE_UPDATE: duration.optional(),
  TIMER_QUEUE_GIVE_UP: duration.optional(),
  TIMER_SPACE_CLEANUP: duration.optional(),
  RETENTION: duration.optional(),
  TIMER_TRANSCRIPT_ACCESS: duration.optional(),
});

export const TIMER_ENV = {
  TIMER_INACTIVITY_WARN: 'inactivityWarn',
  TIMER_INACTIVITY_CLOSE: 'inactivityClose',
  TIMER_LOST_VISITOR: 'lostVisitor',
  TIMER_LEAVE_GRACE: 'leaveGrace',
  TIMER_UNCLAIMED_ALERT: 'unclaimedAlert',
  TIMER_SWEEP_EVERY: 'sweepEvery',
  TIMER_QUEUE_UPDATE: 'queueUpdate',
  TIMER_QUEUE_GIVE_UP: 'queueGiveUp',
  TIMER_SPACE_CLEANUP: 'spaceCleanup',
  RETENTION: 'retention',
  TIMER_TRANSCRIPT_ACCESS: 'transcriptAccess',
} as const;

export type Env = z.output<typeof envSchema>;
