// Picks the translator named by `TRANSLATOR` (config.translation) and wraps it in the cache.
import type { Translator } from '../../ports.js';
import { CachedTranslator, type CacheOptions } from './cache.js';

export type TranslatorSettings =
  | { provider: 'none' }
  | { provider: 'google'; apiKey: string | null; apiEndpoint?: string | null }
  | { provider: 'llm'; apiKey: string | null; baseUrl: string | null; model: string };

export { CachedTranslator };

/**
 * null when translation is off. `timeoutMs` bounds one provider call. A provider's client library
 * is loaded only when it is chosen: together they add about a second to every start.
 */
export async function createTranslator(
  settings: TranslatorSettings,
  options: { timeoutMs: number; cache?: CacheOptions },
): Promise<Translator | null> {
  switch (settings.provider) {
    case 'none':
      return null;
    case 'google': {
      const { GoogleTranslator } = await import('./google.js');
      return new CachedTranslator(new GoogleTranslator(settings), options.cache);
    }
    case 'llm': {
      const { LlmTranslator } = await import('./llm.js');
      return new CachedTranslator(new LlmTranslator({ ...settings, timeoutMs: options.timeoutMs }), options.cache);
    }
  }
}
