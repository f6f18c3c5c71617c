import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  assistantEnabled,
  consecutiveFallbacks,
  foldText,
  isHandoffIntent,
  turnLimitReached,
  visitorTurns,
  wantsHuman,
} from '../../../src/domain/handoff.js';

describe('wantsHuman', () => {
  it.each([
    ['agent', 'en'],
    ['Human please!', 'en'],
    ['I want to talk to a real person about my invoice', 'en'],
    ['can you connect me with a representative, my line has been dead since monday', 'en'],
    ['konsultant', 'pl'],
    ['Chcę rozmawiać z człowiekiem', 'pl'],
    ['Proszę połączyć mnie z konsultantem, bo mam problem z fakturą za ostatni miesiąc', 'pl'],
    ['Mitarbeiter bitte', 'de'],
    ['Ich möchte mit einem Menschen sprechen, nicht mit einem Roboter', 'de'],
    ['Je voudrais parler à un conseiller pour mon contrat', 'fr'],
    ['un humain svp', 'fr'],
    ['Quiero hablar con una persona sobre mi factura de este mes', 'es'],
    ['agente', 'es'],
    // English words are understood whatever the chosen language.
    ['human', 'pl'],
    ['agent please', 'pt-BR'],
  ])('%s (%s) asks for a person', (text, language) => {
    expect(wantsHuman(text, language)).toBe(true);
  });

  it.each([
    ['What are your opening hours?', 'en'],
    ['Does cloud calling work for our human resources department as well?', 'en'],
    ['Is there personalized pricing for schools?', 'en'],
    ['Ile kosztuje wdrożenie contact center dla naszej firmy?', 'pl'],
    ['Wie lange dauert die Portierung unserer Rufnummern?', 'de'],
    ['', 'en'],
    ['!!!', 'en'],
  ])('%s (%s) stays with the assistant', (text, language) => {
    expect(wantsHuman(text, language)).toBe(false);
  });

  it("matches the text the widget's \"talk to a person\" button sends, in every language", () => {
    const locales = path.resolve(import.meta.dirname, '../../../locales');
    const checked = readdirSync(locales).flatMap((lng) => {
      const file = path.join(locales, lng, 'widget.json');
      try {
        const text = (JSON.parse(readFileSync(file, 'utf8')) as { chat?: { talkToPersonText?: string } }).chat?.talkToPersonText;
        return text ? [[lng, text, wantsHuman(text, lng)] as const] : [];
      } catch {
        return [];
      }
    });
    expect(checked.length).toBeGreaterThanOrEqual(5);
    expect(checked.filter(([, , matched]) => !matched)).toEqual([]);
  });

  it('does not use the words of a language the visitor does not speak', () => {
    // "persona" is Spanish for person; in an English chat it is a marketing word.
    expect(wantsHuman('persona', 'es')).toBe(true);
    expect(wantsHuman('persona', 'en')).toBe(false);
  });

  it('folds case, punctuation and diacritics (ł and ß too)', () => {
    expect(foldText('Połącz z CZŁOWIEKIEM, proszę!')).toEqual(['polacz', 'z', 'czlowiekiem', 'prosze']);
    expect(foldText('Straße')).toEqual(['strasse']);
  });
});

describe('turns and fallbacks', () => {
  const v = { from: 'visitor' as const };
  const bot = { from: 'bot' as const };
  const miss = { from: 'bot' as const, fallback: true };

  it('counts visitor turns and stops at the limit', () => {
    const history = [bot, v, bot, v, bot, { from: 'system' as const }];
    expect(visitorTurns(history)).toBe(2);
    expect(turnLimitReached(history, 3)).toBe(false);
    expect(turnLimitReached(history, 2)).toBe(true);
    expect(turnLimitReached([], 1)).toBe(false);
  });

  it('counts fallback turns at the end, a turn being all bot messages between visitor messages', () => {
    expect(consecutiveFallbacks([])).toBe(0);
    expect(consecutiveFallbacks([bot, v, miss])).toBe(1);
    expect(consecutiveFallbacks([bot, v, miss, miss, v, miss])).toBe(2);
    expect(consecutiveFallbacks([miss, v, bot, v, miss])).toBe(1);
    expect(consecutiveFallbacks([miss, v, miss, v])).toBe(2);
    expect(consecutiveFallbacks([miss, v, miss, v, bot])).toBe(0);
  });
});

describe('handoff intents and topics', () => {
  it('matches the display name or the action, ignoring case and spaces', () => {
    const list = ['Transfer to agent', 'handoff.agent'];
    expect(isHandoffIntent({ displayName: 'transfer to agent ' }, list)).toBe(true);
    expect(isHandoffIntent({ displayName: 'Pricing', action: 'handoff.agent' }, list)).toBe(true);
    expect(isHandoffIntent({ displayName: 'Pricing', action: 'input.unknown' }, list)).toBe(false);
    expect(isHandoffIntent({ displayName: null, action: '' }, list)).toBe(false);
    expect(isHandoffIntent({ displayName: 'Transfer to agent' }, [])).toBe(false);
  });

  it('follows the topic setting, and the provider when the topic has none', () => {
    expect(assistantEnabled({ assistant: null }, true)).toBe(true);
    expect(assistantEnabled({ assistant: false }, true)).toBe(false);
    expect(assistantEnabled({ assistant: true }, true)).toBe(true);
    expect(assistantEnabled({ assistant: true }, false)).toBe(false);
    expect(assistantEnabled({ assistant: null }, false)).toBe(false);
  });
});
