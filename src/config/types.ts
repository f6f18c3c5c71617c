// The typed result of loading the configuration.
import type { HoursSettings } from '../domain/hours.js';
import type { FileConfig, TopicConfig } from './file.js';

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
  /** The interface to listen on: loopback while a sandbox stands in for the messenger. */
  host: string;
  /** SANDBOX_PUBLIC: the in-process sandbox answers other machines too (on purpose). */
  sandboxPublic: boolean;
  /** IDENTITY_SECRET: the key the site signs its visitors' e-mails with; null: nobody is verified. */
  identitySecret: string | null;
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
