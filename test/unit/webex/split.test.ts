import { describe, expect, it } from 'vitest';
import { escapeMarkdown } from '../../../src/adapters/channel/webex/escape.js';
import { splitMessage, utf8Length } from '../../../src/adapters/channel/shared/split.js';
import { WEBEX_MAX_MESSAGE_BYTES, webexParts } from '../../../src/adapters/channel/webex/render.js';

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe('utf8Length', () => {
  it.each(['', 'abc', 'zażółć', '€', '👩‍👩‍👧', 'a\ud800b'])('matches TextEncoder for %j', (s) => {
    expect(utf8Length(s)).toBe(bytes(s));
  });
});

describe('splitMessage', () => {
  it('keeps short text whole, and gives nothing for empty text', () => {
    expect(webexParts('hello')).toEqual(['hello']);
    expect(webexParts('')).toEqual([]);
    expect(webexParts('x'.repeat(WEBEX_MAX_MESSAGE_BYTES))).toHaveLength(1);
    expect(webexParts('x'.repeat(WEBEX_MAX_MESSAGE_BYTES + 1))).toHaveLength(2);
  });

  it('measures bytes, not characters: 7439 bytes of Polish letters is fewer characters', () => {
    const text = 'ż'.repeat(4000); // 8000 bytes
    const parts = webexParts(text);
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(WEBEX_MAX_MESSAGE_BYTES);
    expect(parts.join('')).toBe(text);
  });

  it('prefers paragraph breaks, then line breaks, then spaces', () => {
    const para = 'a'.repeat(30);
    expect(splitMessage(`${para}\n\n${para} ${para}`, 70)).toEqual([para, `${para} ${para}`]);
    expect(splitMessage(`${para}\n${para}\n${para}`, 70)).toEqual([`${para}\n${para}`, para]);
    expect(splitMessage('one two three four five six', 16)).toEqual(['one two three', 'four five six']);
  });

  it('never splits a multi-byte character or an emoji sequence', () => {
    const family = '👩‍👩‍👧'; // 18 bytes, one grapheme
    const text = family.repeat(10);
    const parts = splitMessage(text, 40);
    expect(parts.join('')).toBe(text);
    for (const p of parts) {
      expect(bytes(p)).toBeLessThanOrEqual(40);
      expect(p).toBe(family.repeat(p.length / family.length));
    }
  });

  it('cuts only at grapheme boundaries: flags, skin tones, accents, mixed with ASCII', () => {
    const pieces = ['🇵🇱', '🇩🇪', '👍🏽', 'é', 'e\u0301', 'a', ' ', '字', '👩‍👩‍👧'];
    let text = '';
    for (let i = 0; i < 400; i++) text += pieces[(i * 7) % pieces.length];
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const boundaries = new Set([...segmenter.segment(text)].map((s) => s.index));
    // Every piece fits from 19 bytes up (the family emoji is 18), so no fallback is needed.
    for (const size of [19, 20, 23, 29, 40, 101]) {
      const parts = splitMessage(text.replace(/ /g, ''), size);
      let pos = 0;
      const joined = text.replace(/ /g, '');
      const ok = new Set([...segmenter.segment(joined)].map((s) => s.index));
      for (const p of parts) {
        expect(bytes(p)).toBeLessThanOrEqual(size);
        expect(ok.has(pos)).toBe(true);
        pos += p.length;
      }
      expect(parts.join('')).toBe(joined);
    }
    expect(boundaries.size).toBeGreaterThan(100);
  });

  it('falls back to code points for one grapheme larger than a part', () => {
    const flagRun = '👍🏽'.repeat(1) + '\u200d👍🏽'.repeat(5); // a single long grapheme
    const parts = splitMessage(flagRun, 16);
    expect(parts.join('')).toBe(flagRun);
    for (const p of parts) {
      expect(bytes(p)).toBeLessThanOrEqual(16);
      expect(p).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    }
  });

  it('never splits a backslash escape or an entity of escaped text', () => {
    const escaped = escapeMarkdown('*<'.repeat(200)); // \*&lt;\*&lt;…
    for (const size of [17, 18, 19, 20, 21, 23, 29, 31]) {
      const parts = splitMessage(escaped, size);
      expect(parts.join('')).toBe(escaped);
      for (const p of parts) {
        expect(bytes(p)).toBeLessThanOrEqual(size);
        expect(p).toMatch(/^(\\\*|&lt;)+$/);
      }
    }
  });

  it('splits a long real-looking text into parts that all fit and keep every word', () => {
    const words = Array.from({ length: 5000 }, (_, i) => `słowo${i}`);
    const text = words.join(' ');
    const parts = webexParts(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(bytes(p)).toBeLessThanOrEqual(WEBEX_MAX_MESSAGE_BYTES);
    expect(parts.join(' ')).toBe(text);
  });

  it('refuses an absurd limit', () => {
    expect(() => splitMessage('abc', 3)).toThrow(RangeError);
  });
});
