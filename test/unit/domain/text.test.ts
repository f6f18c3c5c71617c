import { describe, expect, it } from 'vitest';
import {
  SPACE_TITLE_MAX,
  agentDisplayName,
  cleanName,
  shortId,
  spaceTitle,
  truncate,
  visitorDisplayName,
} from '../../../src/domain/text.js';

describe('agentDisplayName', () => {
  const anna = { email: 'anna.kowalska@example.com', displayName: 'Anna Kowalska', firstName: 'Anna' };

  it('"support" always shows the support label', () => {
    expect(agentDisplayName(anna, 'support')).toBe('Support');
    expect(agentDisplayName(anna, 'support', 'Obsługa')).toBe('Obsługa');
  });

  it('"first_name" shows the first name, or the first word of the display name', () => {
    expect(agentDisplayName(anna, 'first_name')).toBe('Anna');
    expect(agentDisplayName({ email: 'b@example.com', displayName: 'Bob Smith' }, 'first_name')).toBe('Bob');
  });

  it('never shows an e-mail address', () => {
    const noName = { email: 'carol@example.com', displayName: 'carol@example.com', firstName: null };
    expect(agentDisplayName(noName, 'first_name')).toBe('Support');
    expect(agentDisplayName({ email: 'd@example.com', firstName: 'd@example.com' }, 'first_name', 'Hilfe')).toBe('Hilfe');
    expect(agentDisplayName({ email: 'e@example.com', firstName: '  ' }, 'first_name')).toBe('Support');
  });
});

describe('names', () => {
  it('cleanName trims, collapses, drops control characters and caps length', () => {
    expect(cleanName('  Jan \n\t Kowalski\u0000 ')).toBe('Jan Kowalski');
    expect(cleanName('')).toBeNull();
    expect(cleanName(null)).toBeNull();
    expect(cleanName('\u200b\u200b')).toBeNull();
    expect(cleanName('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('visitorDisplayName', () => {
    expect(visitorDisplayName({ name: ' Ewa ' })).toBe('Ewa');
    expect(visitorDisplayName({ name: null })).toBeNull();
  });

  it('truncate never cuts a surrogate pair', () => {
    expect(truncate('ab😀😀😀', 4)).toBe('ab😀…');
    expect(truncate('short', 10)).toBe('short');
  });
});

describe('shortId', () => {
  it('takes six hex digits from the random end of a UUID', () => {
    expect(shortId('0199a7c2-1f3b-7d4e-9a0b-1c2d3e4F5A6B')).toBe('4f5a6b');
    expect(shortId('0199a7c2-1f3b-7d4e-9a0b-000000ab12cd')).not.toBe(shortId('0199a7c2-1f3b-7d4e-9a0b-000000ab12ce'));
  });

  it('hashes any other id to six hex digits, stably', () => {
    expect(shortId('chat-1')).toMatch(/^[0-9a-f]{6}$/);
    expect(shortId('chat-1')).toBe(shortId('chat-1'));
    expect(shortId('chat-1')).not.toBe(shortId('chat-2'));
  });
});

describe('spaceTitle', () => {
  it('joins topic, visitor and short id', () => {
    expect(spaceTitle('Sales', 'Jan Kowalski', 'a1b2c3')).toBe('Sales · Jan Kowalski · #a1b2c3');
  });

  it('says "Visitor" (or the given label) without a name', () => {
    expect(spaceTitle('Support', null, 'a1b2c3')).toBe('Support · Visitor · #a1b2c3');
    expect(spaceTitle('Support', '  ', 'a1b2c3', 'Gość')).toBe('Support · Gość · #a1b2c3');
  });

  it('stays within the limit and always keeps the short id', () => {
    const title = spaceTitle('T'.repeat(300), 'N'.repeat(300), 'a1b2c3');
    expect(Array.from(title).length).toBeLessThanOrEqual(SPACE_TITLE_MAX);
    expect(title.endsWith(' · #a1b2c3')).toBe(true);
    expect(title).toMatch(/^T+… · N+… · #a1b2c3$/);
    const longName = spaceTitle('Sales', 'N'.repeat(300), 'a1b2c3');
    expect(longName.startsWith('Sales · NNN')).toBe(true);
    expect(Array.from(longName).length).toBe(SPACE_TITLE_MAX);
  });
});
