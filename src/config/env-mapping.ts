// From the parsed environment to the typed configuration's sections, each with the rules that
// tie several variables together. Problems are pushed to `issues`, named by the variable.
import path from 'node:path';
import type { Env } from './env.js';
import { TIMER_ENV } from './env.js';
import type { Timers } from './file.js';
import type { AiConfig, Config, TranslationConfig } from './types.js';

export type Issues = { path: string; message: string }[];

/** The file's timers with the TIMER_* variables over them. */
export function timersFrom(fileTimers: Timers, e: Env, issues: Issues): Timers {
  const timers: Timers = { ...fileTimers };
  for (const [name, key] of Object.entries(TIMER_ENV)) {
    const value = e[name as keyof typeof TIMER_ENV];
    if (value !== undefined) timers[key] = value;
  }
  if (timers.inactivityWarn >= timers.inactivityClose) {
    issues.push({ path: 'timers.inactivityWarn', message: 'must be shorter than timers.inactivityClose' });
  }
  return timers;
}

/** Where agents work and how the instances talk: Webex or Slack (or their sandboxes), the event bus. */
export function channelsFrom(e: Env, issues: Issues): Pick<Config, 'webex' | 'messenger' | 'slack' | 'eventBus'> {
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
  return {
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
    eventBus: e.EVENT_BUS ?? (e.REDIS_URL ? 'redis' : 'postgres'),
  };
}

export function aiFrom(e: Env, cwd: string, issues: Issues): AiConfig {
  if (e.AI_PROVIDER === 'dialogflow') {
    if (!e.DIALOGFLOW_PROJECT_ID) issues.push({ path: 'DIALOGFLOW_PROJECT_ID', message: 'required with AI_PROVIDER=dialogflow' });
    return {
      provider: 'dialogflow',
      projectId: e.DIALOGFLOW_PROJECT_ID ?? '',
      credentials: e.DIALOGFLOW_CREDENTIALS,
      handoffIntents: (e.DIALOGFLOW_HANDOFF_INTENTS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
      maxTurns: e.ASSISTANT_MAX_TURNS,
    };
  }
  if (e.AI_PROVIDER === 'openai') {
    if (!e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
      issues.push({ path: 'OPENAI_API_KEY', message: 'required with AI_PROVIDER=openai (or set OPENAI_BASE_URL for a local model)' });
    }
    return {
      provider: 'openai',
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.OPENAI_MODEL ?? 'gpt-4o-mini',
      knowledgeDir: e.ASSISTANT_KNOWLEDGE_DIR ? path.resolve(cwd, e.ASSISTANT_KNOWLEDGE_DIR) : null,
      maxTurns: e.ASSISTANT_MAX_TURNS,
    };
  }
  return { provider: 'none' };
}

export function translationFrom(e: Env, issues: Issues): TranslationConfig {
  const base = { agentLanguage: e.AGENT_LANGUAGE ?? 'en', timeoutMs: e.TRANSLATOR_TIMEOUT ?? 5_000 };
  if (e.TRANSLATOR === 'google') {
    if (!e.GOOGLE_TRANSLATE_API_KEY && !e.GOOGLE_APPLICATION_CREDENTIALS) {
      issues.push({ path: 'GOOGLE_TRANSLATE_API_KEY', message: 'required with TRANSLATOR=google (or set GOOGLE_APPLICATION_CREDENTIALS)' });
    }
    return { provider: 'google', apiKey: e.GOOGLE_TRANSLATE_API_KEY, ...base };
  }
  if (e.TRANSLATOR === 'llm') {
    if (!e.OPENAI_API_KEY && !e.OPENAI_BASE_URL) {
      issues.push({ path: 'OPENAI_API_KEY', message: 'required with TRANSLATOR=llm (or set OPENAI_BASE_URL for a local model)' });
    }
    return {
      provider: 'llm',
      apiKey: e.OPENAI_API_KEY,
      baseUrl: e.OPENAI_BASE_URL,
      model: e.TRANSLATOR_MODEL ?? e.OPENAI_MODEL ?? 'gpt-4o-mini',
      ...base,
    };
  }
  return { provider: 'none', ...base };
}
