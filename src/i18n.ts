// Server-side sentences for visitors (system messages, warnings), from `locales/<lng>/server.json`
// through i18next. The config file's `texts` (language → key → text) override single sentences.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n as I18nInstance } from 'i18next';
import { fromRoot } from './paths.js';

export type TranslateFn = (language: string, key: string, vars?: Record<string, unknown>) => string;

export interface ServerI18n {
  t: TranslateFn;
  /** Languages that have a server.json. */
  languages: string[];
  /** The best supported language for a requested code (`pl-PL` → `pl`), else the default. */
  resolve(language: string | null | undefined): string;
}

export const DEFAULT_LOCALES_DIR = fromRoot('locales');

export interface I18nOptions {
  localesDir?: string;
  defaultLanguage?: string;
  /** language → key → sentence, replacing the shipped ones. */
  overrides?: Record<string, Record<string, string>>;
}

/** Nested JSON → a flat key list is not needed: i18next reads nested keys with `.`. */
function setPath(target: Record<string, unknown>, key: string, value: string): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

/** The widget's strings are the browser's business; every other file is a server namespace. */
const BROWSER_NAMESPACES = new Set(['widget']);

/**
 * One i18next instance for every server namespace (`server.json`, `assistant.json`, …). Overrides
 * whose key starts with another namespace's name and a dot (`assistant.greeting`) go to that
 * namespace; the rest to `server`.
 */
export async function createServerI18n(options: I18nOptions = {}): Promise<ServerI18n> {
  const dir = options.localesDir ?? DEFAULT_LOCALES_DIR;
  const fallback = options.defaultLanguage ?? 'en';
  const resources: Record<string, Record<string, Record<string, unknown>>> = {};
  const namespaces = new Set(['server']);
  for (const lng of readdirSync(dir)) {
    const folder = path.join(dir, lng);
    if (!existsSync(path.join(folder, 'server.json'))) continue;
    for (const file of readdirSync(folder)) {
      const ns = path.basename(file, '.json');
      if (!file.endsWith('.json') || BROWSER_NAMESPACES.has(ns)) continue;
      namespaces.add(ns);
      (resources[lng] ??= {})[ns] = JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as Record<string, unknown>;
    }
  }
  for (const [lng, texts] of Object.entries(options.overrides ?? {})) {
    for (const [key, text] of Object.entries(texts)) {
      const [head, ...rest] = key.split('.');
      const ns = head && rest.length > 0 && head !== 'server' && namespaces.has(head) ? head : 'server';
      setPath(((resources[lng] ??= {})[ns] ??= {}), ns === 'server' ? key : rest.join('.'), text);
    }
  }
  const instance: I18nInstance = i18next.createInstance();
  await instance.init({
    resources,
    lng: fallback,
    fallbackLng: resources[fallback] ? fallback : 'en',
    ns: [...namespaces],
    defaultNS: 'server',
    // Sentences go to the widget as plain text (rendered with textContent), never as HTML.
    interpolation: { escapeValue: false },
    initAsync: false,
    showSupportNotice: false,
  } as Parameters<I18nInstance['init']>[0]);
  const languages = Object.keys(resources).sort();
  const resolve = (language: string | null | undefined): string => {
    if (!language) return fallback;
    const lower = language.toLowerCase();
    if (resources[lower]) return lower;
    const base = lower.split(/[-_]/)[0]!;
    return resources[base] ? base : fallback;
  };
  return {
    languages,
    resolve,
    t: (language, key, vars) => instance.t(key, { ...vars, lng: resolve(language) }) as string,
  };
}
