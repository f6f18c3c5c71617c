// Machine translation between a visitor and the agents: agents see the visitor's
// words with a translation into their language under them; visitors read the agents' replies in
// theirs, the original kept in the message's data. Translation is best effort: a slow or failing
// translator never holds a message back or loses it, the original words are used instead.
import { paragraph, type RichText } from '../domain/rich-text.js';
import type { Logger } from '../logger.js';
import type { Translator } from '../ports.js';

export interface ChatTranslationOptions {
  translator: Translator;
  /** The agents' language (AGENT_LANGUAGE). */
  agentLanguage: string;
  /** Deadline of one translation; after it the original is used. */
  timeoutMs: number;
  log: Logger;
}

/** What a translated agent reply keeps beside the visitor's text. */
export interface TranslationData {
  original: string;
  from: string;
  to: string;
}

function primary(language: string): string {
  return language.split('-')[0]!.toLowerCase();
}

export class ChatTranslation {
  constructor(private readonly options: ChatTranslationOptions) {}

  get agentLanguage(): string {
    return this.options.agentLanguage;
  }

  /** Whether a chat in this language is translated (it differs from the agents'). */
  needed(chatLanguage: string): boolean {
    return primary(chatLanguage) !== primary(this.options.agentLanguage);
  }

  /**
   * The note shown under a visitor's message in the space, `(pl → en) good morning` (the
   * channel shows notes in italics); null when not needed, when the words are already in the agents' language, or when the
   * translator failed.
   */
  async noteForAgents(chatLanguage: string, text: string, chatId?: string): Promise<RichText | null> {
    if (!this.needed(chatLanguage) || !text.trim()) return null;
    const to = this.options.agentLanguage;
    // No source given: the visitor may write in another language than the widget's.
    const result = await this.attempt(text, to, undefined, chatId);
    if (!result || primary(result.from) === primary(to) || result.text.trim() === text.trim()) return null;
    return translationNote(result.from, to, result.text);
  }

  /** An agent's reply in the visitor's language; `data` keeps the original (null: untranslated). */
  async forVisitor(chatLanguage: string, text: string, chatId?: string): Promise<{ text: string; data: TranslationData | null }> {
    if (!this.needed(chatLanguage) || !text.trim()) return { text, data: null };
    const result = await this.attempt(text, chatLanguage, undefined, chatId);
    if (!result || primary(result.from) === primary(chatLanguage)) return { text, data: null };
    return { text: result.text, data: { original: text, from: result.from, to: chatLanguage } };
  }

  private async attempt(text: string, to: string, from: string | undefined, chatId?: string): Promise<{ text: string; from: string } | null> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no translation within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    });
    try {
      const result = await Promise.race([this.options.translator.translate(text, to, from), deadline]);
      return result.text.trim() ? result : null;
    } catch (error) {
      // The text itself stays out of the log (it is the visitor's or the agent's words).
      this.options.log.warn({ err: error, chatId, to }, 'translation failed: the original text is used');
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** `(pl → en) text`, one paragraph per blank-line-separated part of the text. */
export function translationNote(from: string, to: string, text: string): RichText {
  const parts = text
    .trim()
    .split(/\n\s*\n/)
    .map((part) => part.trim())
    .filter(Boolean);
  return parts.map((part, i) => paragraph(i === 0 ? `(${from} → ${to}) ${part}` : part));
}
