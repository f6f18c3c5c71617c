// Pre-chat fields of a topic, and the server's sentences for visitors.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Topic } from '../../../src/domain/types.js';
import { createServerI18n, DEFAULT_LOCALES_DIR } from '../../../src/i18n.js';
import { checkFields } from '../../../src/services/chats.js';
import { hashToken, newChatToken, tokenMatches } from '../../../src/services/tokens.js';

const billing: Topic = {
  id: 'billing',
  names: { en: 'Billing' },
  mode: 'personal',
  agents: [],
  assistant: null,
  addAgentsAt: 'start',
  position: 0,
  fields: [
    { name: 'name', type: 'text', required: true, label: { en: 'Name' } },
    { name: 'email', type: 'email', required: true, label: { en: 'E-mail' } },
    { name: 'phone', type: 'tel', required: false, label: { en: 'Phone' } },
  ],
};

describe('checkFields', () => {
  it('names what is missing or malformed', () => {
    expect(checkFields(billing, { name: ' ' })).toMatchObject({ missing: ['name', 'email'], invalid: [] });
    expect(checkFields(billing, { name: 'Ann', email: 'nope', fields: { phone: 'call me' } })).toMatchObject({
      missing: [],
      invalid: ['email', 'phone'],
    });
  });

  it('keeps the topic\'s fields plus name and e-mail, trimmed', () => {
    const { values, missing, invalid } = checkFields(billing, {
      name: ' Ann ',
      fields: { email: 'ann@example.org', phone: '+48 123 456 789', other: 'dropped' },
    });
    expect({ missing, invalid }).toEqual({ missing: [], invalid: [] });
    expect(values).toEqual({ name: 'Ann', email: 'ann@example.org', phone: '+48 123 456 789' });
  });
});

describe('chat tokens', () => {
  it('are 256-bit random strings matched only by their hash', () => {
    const token = newChatToken();
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(tokenMatches(token, hashToken(token))).toBe(true);
    expect(tokenMatches(newChatToken(), hashToken(token))).toBe(false);
    expect(tokenMatches(token, 'not-a-hash')).toBe(false);
  });
});

describe('server sentences', () => {
  it('speak the visitor\'s language with its plural rules, and fall back to English', async () => {
    const i18n = await createServerI18n();
    expect(i18n.languages).toEqual(expect.arrayContaining(['en', 'pl']));
    expect(i18n.t('pl', 'system.inactivityWarning', { count: 1 })).toContain('1 minutę');
    expect(i18n.t('pl', 'system.inactivityWarning', { count: 3 })).toContain('3 minuty');
    expect(i18n.t('pl', 'system.inactivityWarning', { count: 5 })).toContain('5 minut.');
    expect(i18n.t('pl-PL', 'system.agentJoined', { name: 'Anna' })).toBe('Anna dołącza do rozmowy');
    expect(i18n.t('xx', 'system.chatEnded')).toBe('Chat ended');
    expect(i18n.resolve('de-AT')).toBe('de');
  });

  it('every language has every sentence English has (plural forms aside)', () => {
    const keysOf = (lng: string): string[] => {
      const flat = (o: Record<string, unknown>, at = ''): string[] =>
        Object.entries(o).flatMap(([k, v]) => (typeof v === 'object' && v ? flat(v as Record<string, unknown>, `${at}${k}.`) : [`${at}${k}`]));
      const json = JSON.parse(readFileSync(path.join(DEFAULT_LOCALES_DIR, lng, 'server.json'), 'utf8')) as Record<string, unknown>;
      return [...new Set(flat(json).map((k) => k.replace(/_(zero|one|two|few|many|other)$/, '')))].sort();
    };
    const english = keysOf('en');
    for (const lng of ['pl', 'de', 'fr', 'es']) expect(keysOf(lng), lng).toEqual(english);
  });

  it('lets the config file override a sentence', async () => {
    const i18n = await createServerI18n({ overrides: { en: { 'system.chatEnded': 'Thanks, bye!' } } });
    expect(i18n.t('en', 'system.chatEnded')).toBe('Thanks, bye!');
  });
});
