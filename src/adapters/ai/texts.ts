// The assistant's sentences to visitors (greeting, handoff notices) and the handoff reasons
// shown to agents, from `locales/<lng>/assistant.json` through i18next. The config file's
// `texts` may override them with keys `assistant.<key>` (e.g. `assistant.greeting`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next from 'i18next';

/** (language, key) → sentence; unknown languages fall back to the default one. */
export type AssistantTexts = (language: string, key: string) => string;

export const DEFAULT_LOCALES_DIR = fileURLToPath(new URL('../../../locales', import.meta.url));
const NAMESPACE = 'assistant';

export interface AssistantTextOptions {
  localesDir?: string;
  defaultLanguage?: string;
  /** language → key → sentence; only `assistant.*` keys are taken. */
  overrides?: Record<string, Record<string, string>>;
}

function setPath(target: Record<string, unknown>, key: string, value: string): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

export async function createAssistantTexts(options: AssistantTextOptions = {}): Promise<AssistantTexts> {
  const dir = options.localesDir ?? DEFAULT_LOCALES_DIR;
  const resources: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const lng of readdirSync(dir)) {
    const file = path.join(dir, lng, `${NAMESPACE}.json`);
    if (existsSync(file)) resources[lng] = { [NAMESPACE]: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> };
  }
  for (const [lng, texts] of Object.entries(options.overrides ?? {})) {
    for (const [key, text] of Object.entries(texts)) {
      if (!key.startsWith(`${NAMESPACE}.`)) continue;
      setPath(((resources[lng] ??= { [NAMESPACE]: {} })[NAMESPACE] ??= {}), key.slice(NAMESPACE.length + 1), text);
    }
  }
  const fallback = options.defaultLanguage && resources[options.defaultLanguage] ? options.defaultLanguage : 'en';
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    lng: fallback,
    fallbackLng: fallback,
    ns: [NAMESPACE],
    defaultNS: NAMESPACE,
    // Plain text for the widget (textContent) and escaped by whoever posts it to the space.
    interpolation: { escapeValue: false },
    initAsync: false,
    showSupportNotice: false,
  } as Parameters<typeof instance.init>[0]);
  const resolve = (language: string): string => {
    const lower = language.toLowerCase();
    if (resources[lower]) return lower;
    const base = lower.split(/[-_]/)[0]!;
    return resources[base] ? base : fallback;
  };
  return (language, key) => instance.t(key, { lng: resolve(language) }) as string;
}
