import { describe, expect, it } from 'vitest';
import { contrast, DEFAULT_ACCENT, isColor, palette } from '../../../widget/src/shared/color.js';

describe('brand colour palette', () => {
  it('keeps AA contrast for text on the accent, whatever the accent', () => {
    for (const c of ['#1f5fbf', '#ffeb3b', '#000', '#fff', '#e91e63', '#4caf50', '#777777']) {
      const p = palette(c);
      expect(contrast(p.accent, p.onAccent), c).toBeGreaterThanOrEqual(4.5);
      expect(contrast(p.accentText, '#ffffff'), c).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('accepts only hex colours (no CSS smuggled into a custom property)', () => {
    expect(isColor('#abc')).toBe(true);
    expect(isColor('#a1b2c3')).toBe(true);
    expect(isColor('red; background: url(x)')).toBe(false);
    expect(isColor('#12345')).toBe(false);
    expect(palette('red; x').accent).toBe(DEFAULT_ACCENT);
    expect(palette(undefined).accent).toBe(DEFAULT_ACCENT);
  });
});
