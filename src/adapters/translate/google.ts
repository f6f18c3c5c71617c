// Google Cloud Translation (basic, v2) through @google-cloud/translate. With an API key the
// client calls the REST endpoint with `?key=`; without one it signs requests with the
// service account of GOOGLE_APPLICATION_CREDENTIALS (Application Default Credentials).
import { v2 } from '@google-cloud/translate';
import type { Translator } from '../../ports.js';

export interface GoogleTranslatorSettings {
  /** null: Application Default Credentials. */
  apiKey: string | null;
  /** Another endpoint host (a regional one); null for the default. */
  apiEndpoint?: string | null;
}

interface TranslateResponse {
  data?: { translations?: { translatedText?: string; detectedSourceLanguage?: string }[] };
}

export class GoogleTranslator implements Translator {
  readonly name = 'google';
  private readonly client: v2.Translate;

  constructor(settings: GoogleTranslatorSettings) {
    this.client = new v2.Translate({
      ...(settings.apiKey ? { key: settings.apiKey } : {}),
      ...(settings.apiEndpoint ? { apiEndpoint: settings.apiEndpoint } : {}),
      // Best effort: on failure the chat shows the original words at once instead of retrying.
      autoRetry: false,
    });
  }

  async translate(text: string, to: string, from?: string): Promise<{ text: string; from: string }> {
    // `format: text`: chat words are not HTML (the client would guess html from a `<`).
    const [translated, response] = (await this.client.translate(text, {
      to,
      format: 'text',
      ...(from ? { from } : {}),
    })) as [string, TranslateResponse];
    if (typeof translated !== 'string') throw new Error('Google Translate returned no translation');
    const detected = response?.data?.translations?.[0]?.detectedSourceLanguage;
    return { text: translated, from: normalizeLanguage(detected ?? from ?? 'und') };
  }
}

/** Google answers e.g. `pl`, `zh-CN`, `iw`: lower-case the primary subtag only. */
function normalizeLanguage(code: string): string {
  const [primary = code, ...rest] = code.split('-');
  return [primary.toLowerCase(), ...rest].join('-');
}
