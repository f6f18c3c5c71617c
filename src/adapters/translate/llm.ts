// Translation by the model of the OpenAI-compatible endpoint the assistant uses (OpenAI, or a
// local server). The model answers one JSON object, `{"from": "<code>", "text": "<translation>"}`,
// so the detected language comes back with the words.
import OpenAI from 'openai';
import type { Translator } from '../../ports.js';
import { languageName } from '../../domain/text.js';

export interface LlmTranslatorSettings {
  apiKey: string | null;
  baseUrl: string | null;
  model: string;
  timeoutMs: number;
}

export function translationPrompt(to: string, from?: string): string {
  return [
    'You translate chat messages between a website visitor and a company\'s support agents.',
    `Translate the user's message ${from ? `from ${languageName(from)} (${from}) ` : ''}into ${languageName(to)} (${to}).`,
    'Keep the meaning, tone, names, numbers, links and line breaks; translate only, never answer or comment.',
    'Reply with one JSON object and nothing else: {"from": "<ISO 639-1 code of the message\'s language>", "text": "<the translation>"}.',
  ].join(' ');
}

/** The model's JSON, also when wrapped in a ```json fence or preceded by words. */
export function parseTranslation(content: string): { text: string; from: string | null } {
  const start = content.indexOf('{');
  const end = content.lastIndexOf('}');
  if (start < 0 || end < start) throw new Error('the model did not answer JSON');
  const parsed = JSON.parse(content.slice(start, end + 1)) as { text?: unknown; from?: unknown };
  if (typeof parsed.text !== 'string' || parsed.text.trim() === '') throw new Error('the model answered no translation');
  const from = typeof parsed.from === 'string' && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/i.test(parsed.from.trim()) ? parsed.from.trim().toLowerCase() : null;
  return { text: parsed.text, from };
}

export class LlmTranslator implements Translator {
  readonly name = 'llm';
  private readonly client: OpenAI;

  constructor(private readonly settings: LlmTranslatorSettings) {
    this.client = new OpenAI({
      // Local servers ignore the key, but the client insists on having one.
      apiKey: settings.apiKey ?? 'not-needed',
      baseURL: settings.baseUrl ?? undefined,
      timeout: settings.timeoutMs,
      // Best effort: on failure the chat shows the original words at once.
      maxRetries: 0,
    });
  }

  async translate(text: string, to: string, from?: string): Promise<{ text: string; from: string }> {
    const completion = await this.client.chat.completions.create({
      model: this.settings.model,
      messages: [
        { role: 'system', content: translationPrompt(to, from) },
        { role: 'user', content: text },
      ],
      temperature: 0,
    });
    const content = completion.choices[0]?.message.content;
    if (!content) throw new Error('the model returned no text');
    const result = parseTranslation(content);
    return { text: result.text, from: result.from ?? from ?? 'und' };
  }
}
