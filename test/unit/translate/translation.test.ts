// ChatTranslation: when it translates, what agents and visitors see, and that a failing or
// silent translator leaves the original words (with a warning that does not carry them).
import { describe, expect, it } from 'vitest';
import { paragraph } from '../../../src/domain/rich-text.js';
import { ChatTranslation, translationNote } from '../../../src/services/translation.js';
import { capturingLog, ScriptedTranslator } from './support.js';

const DICT: Record<string, Record<string, string>> = {
  en: { 'dzień dobry': 'good morning', 'dwa *ważne* @all <b>': 'two *important* @all <b>' },
  pl: { 'How can I help?': 'W czym mogę pomóc?' },
};

function dictionary() {
  return new ScriptedTranslator((text, to) => {
    const hit = DICT[to]?.[text];
    if (hit) return { text: hit, from: to === 'en' ? 'pl' : 'en' };
    return { text, from: to }; // already in the target language
  });
}

function service(translator = dictionary(), timeoutMs = 5_000) {
  const { log, lines } = capturingLog();
  return { translation: new ChatTranslation({ translator, agentLanguage: 'en', timeoutMs, log }), translator, lines };
}

describe('ChatTranslation', () => {
  it('translates only chats whose language differs from the agents’ (regional variants count as the same)', async () => {
    const { translation, translator } = service();
    expect(translation.needed('pl')).toBe(true);
    expect(translation.needed('en')).toBe(false);
    expect(translation.needed('en-GB')).toBe(false);
    expect(await translation.noteForAgents('en', 'dzień dobry')).toBeNull();
    expect(await translation.forVisitor('en-US', 'How can I help?')).toEqual({ text: 'How can I help?', data: null });
    expect(translator.calls).toEqual([]);
  });

  it('gives agents an italic line with the languages, and the visitor the reply in Polish with the original kept', async () => {
    const { translation, translator } = service();
    expect(await translation.noteForAgents('pl', 'dzień dobry')).toEqual([paragraph('(pl → en) good morning')]);
    expect(await translation.forVisitor('pl', 'How can I help?')).toEqual({
      text: 'W czym mogę pomóc?',
      data: { original: 'How can I help?', from: 'en', to: 'pl' },
    });
    // The source is detected, not assumed from the widget's language.
    expect(translator.calls).toEqual([
      { text: 'dzień dobry', to: 'en', from: undefined },
      { text: 'How can I help?', to: 'pl', from: undefined },
    ]);
  });

  it('keeps the translation literal (the adapter escapes it like the visitor’s own words), a paragraph per part', async () => {
    const { translation } = service();
    expect(await translation.noteForAgents('pl', 'dwa *ważne* @all <b>')).toEqual([paragraph('(pl → en) two *important* @all <b>')]);
    expect(translationNote('pl', 'en', 'line one\n\n# two')).toEqual([paragraph('(pl → en) line one'), paragraph('# two')]);
  });

  it('adds nothing when the words are already in the target language', async () => {
    const { translation } = service();
    // A Polish-widget visitor who writes English: detected as en, so no line.
    expect(await translation.noteForAgents('pl', 'Hello there')).toBeNull();
    expect(await translation.forVisitor('pl', 'Dzień dobry, tu Alicja')).toEqual({ text: 'Dzień dobry, tu Alicja', data: null });
  });

  it('on a translator error uses the original text and logs a warning without the text', async () => {
    const { translation, lines } = service(new ScriptedTranslator(() => new Error('HTTP 500')));
    expect(await translation.noteForAgents('pl', 'dzień dobry', 'chat-1')).toBeNull();
    expect(await translation.forVisitor('pl', 'How can I help?', 'chat-1')).toEqual({ text: 'How can I help?', data: null });
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ msg: 'translation failed: the original text is used', chatId: 'chat-1', to: 'en' });
    expect(JSON.stringify(lines)).not.toContain('dzień dobry');
    expect(JSON.stringify(lines)).not.toContain('How can I help?');
  });

  it('on a translator that never answers, gives up at the deadline and uses the original', async () => {
    const { translation, lines } = service(new ScriptedTranslator(() => 'hang'), 30);
    expect(await translation.forVisitor('pl', 'How can I help?')).toEqual({ text: 'How can I help?', data: null });
    expect(lines.some((l) => l.level === 40 && JSON.stringify(l.err).includes('no translation within 30 ms'))).toBe(true);
  });

  it('an empty translation counts as a failure', async () => {
    const { translation } = service(new ScriptedTranslator(() => ({ text: '  ', from: 'pl' })));
    expect(await translation.noteForAgents('pl', 'dzień dobry')).toBeNull();
    expect(await translation.forVisitor('pl', 'Hi')).toEqual({ text: 'Hi', data: null });
  });
});
