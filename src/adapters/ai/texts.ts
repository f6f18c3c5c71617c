// The assistant's sentences to visitors (greeting, handoff notices) and the handoff reasons
// shown to agents, from `locales/<lng>/assistant.json` through i18next. The config file's
// `texts` may override them with keys `assistant.<key>` (e.g. `assistant.greeting`).
import type { ServerI18n } from '../../i18n.js';

/** (language, key) → sentence; unknown languages fall back to the default one. */
export type AssistantTexts = (language: string, key: string) => string;

/** The `assistant` namespace of the server's texts. */
export function assistantTexts(i18n: ServerI18n): AssistantTexts {
  return (language, key) => i18n.t(language, `assistant:${key}`);
}
