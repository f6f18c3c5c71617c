// The assistant's sentences over a fresh server i18n instance, as the composition root builds them.
import { assistantTexts, type AssistantTexts } from '../../../../src/adapters/ai/texts.js';
import { createServerI18n, type I18nOptions } from '../../../../src/i18n.js';

export async function createAssistantTexts(options: I18nOptions = {}): Promise<AssistantTexts> {
  return assistantTexts(await createServerI18n(options));
}
