// Configuration: environment variables (infrastructure and every secret) plus an optional JSON
// file (topics, hours, supervisors, texts, timers). Zod schemas per section (./config/); a bad
// value fails fast with a message naming each field by its path, e.g.
// `hours.timezone: unknown time zone "Mars/Olympus"`. What hours mean is checked by the hours
// domain's one schema (hoursSettingsProblems).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { hoursSettingsProblems, type HoursSettings } from './domain/hours.js';
import { envSchema, type Env } from './config/env.js';
import { aiFrom, channelsFrom, timersFrom, translationFrom, type Issues } from './config/env-mapping.js';
import { exposureFrom } from './config/exposure.js';
import { toHoursSettings } from './config/file-hours.js';
import { DEMO_FILE, fileSchema, type FileConfig } from './config/file.js';
import type { Config } from './config/types.js';

export type { Config } from './config/types.js';

export class ConfigError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
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

/** The environment and the file, each parsed by its schema; every problem so far in `issues`. */
function readSources(
  env: Record<string, string | undefined>,
  argv: readonly string[],
  cwd: string,
): { e: Env; f: FileConfig; file: string | null; issues: Issues } {
  const parsedEnv = envSchema.safeParse(env);
  const issues: Issues = parsedEnv.success ? [] : issuesOf(parsedEnv.error);

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
  return { e: parsedEnv.data, f: parsedFile.data, file, issues };
}

/** The file's hours in the domain's shape, checked by the domain's schema; overrides must name a topic. */
function hoursFrom(f: FileConfig, issues: Issues): HoursSettings {
  const topicIds = new Set(f.topics.map((t) => t.id));
  for (const id of Object.keys(f.hours.topics)) {
    if (!topicIds.has(id)) issues.push({ path: `hours.topics.${id}`, message: `no topic "${id}"` });
  }
  const settings = toHoursSettings(f.hours);
  for (const { at, problem } of hoursSettingsProblems(settings)) {
    issues.push({ path: at === 'default' || at === '' ? 'hours' : `hours.${at}`, message: problem });
  }
  return settings;
}

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
  const { e, f, file, issues } = readSources(env, argv, cwd);
  const hours = hoursFrom(f, issues);
  if (!f.languages.includes(f.defaultLanguage)) {
    issues.push({ path: 'defaultLanguage', message: `"${f.defaultLanguage}" is not in languages` });
  }
  const timers = timersFrom(f.timers, e, issues);
  const channels = channelsFrom(e, issues);
  const exposure = exposureFrom(e, channels, issues);
  const ai = aiFrom(e, cwd, issues);
  const translation = translationFrom(e, issues);
  if (issues.length) throw new ConfigError(issues);

  return {
    ...f,
    topics: f.topics.map((t, position) => ({ ...t, position })),
    hours,
    timers,
    agentDisplay: e.AGENT_DISPLAY ?? f.agentDisplay,
    source: file ?? 'demo',
    port: e.PORT,
    ...exposure,
    identitySecret: e.IDENTITY_SECRET,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, '') ?? null,
    allowedOrigins: e.ALLOWED_ORIGINS,
    trustProxy: e.TRUST_PROXY,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(cwd, e.DATA_DIR),
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    ...channels,
    geoipDb: e.GEOIP_DB ? path.resolve(cwd, e.GEOIP_DB) : null,
    ai,
    translation,
  };
}
