// Picks the translator named by `TRANSLATOR` (config.translation) and wraps it in the cache.
import type { Translator } from '../../ports.js';
import { CachedTranslator, type CacheOptions } from './cache.js';
import { GoogleTranslator } from './google.js';
import { LlmTranslator } from './llm.js';

export type TranslatorSettings =
  | { provider: 'none' }
  | { provider: 'google'; apiKey: string | null; apiEndpoint?: string | null }
  | { provider: 'llm'; apiKey: string | null; baseUrl: string | null; model: string };

export { CachedTranslator, GoogleTranslator, LlmTranslator };

/** null when translation is off. `timeoutMs` bounds one provider call. */
export function createTranslator(settings: TranslatorSettings, options: { timeoutMs: number; cache?: CacheOptions }): Translator | null {
  switch (settings.provider) {
    case 'none':
      return null;
    case 'google':
      return new CachedTranslator(new GoogleTranslator(settings), options.cache);
    case 'llm':
      return new CachedTranslator(new LlmTranslator({ ...settings, timeoutMs: options.timeoutMs }), options.cache);
  }
}
