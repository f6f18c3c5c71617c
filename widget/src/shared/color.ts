// The brand colour (data-color or the server's theme) and the text colours that keep WCAG AA
// contrast (4.5:1) on it and on white. Only #rgb / #rrggbb are accepted: anything else could
// smuggle CSS into the custom property.

export const DEFAULT_ACCENT = '#1f5fbf';

function channels(hex: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return null;
  const s = m[1]!.length === 3 ? m[1]!.replace(/./g, (c) => c + c) : m[1]!;
  return [0, 2, 4].map((i) => parseInt(s.slice(i, i + 2), 16)) as [number, number, number];
}

function luminance([r, g, b]: [number, number, number]): number {
  const lin = (c: number) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a: string, b: string): number {
  const ca = channels(a);
  const cb = channels(b);
  if (!ca || !cb) return 1;
  const [hi, lo] = [luminance(ca), luminance(cb)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export interface Palette {
  accent: string;
  onAccent: string;
  /** The accent where it is text on white (links, outlined buttons). */
  accentText: string;
}

function hex(c: [number, number, number]): string {
  return '#' + c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
}

/** The colour mixed towards black until white text on it reaches AA (4.5:1). */
function darkEnough(color: string): string {
  const base = channels(color)!;
  for (let f = 1; f > 0; f -= 0.05) {
    const candidate = hex(base.map((v) => v * f) as [number, number, number]);
    if (contrast(candidate, '#ffffff') >= 4.5) return candidate;
  }
  return '#000000';
}

export function palette(color: string | null | undefined): Palette {
  const accent = color && channels(color) ? color.trim() : DEFAULT_ACCENT;
  const onWhite = contrast(accent, '#ffffff');
  const onBlack = contrast(accent, '#000000');
  const accentText = onWhite >= 4.5 ? accent : darkEnough(accent);
  if (onWhite >= 4.5) return { accent, onAccent: '#ffffff', accentText };
  if (onBlack >= 4.5) return { accent, onAccent: '#000000', accentText };
  // Mid-tones reach AA with neither: use a darker shade of the brand colour behind white text.
  return { accent: accentText, onAccent: '#ffffff', accentText };
}

export function applyPalette(el: HTMLElement, color: string | null | undefined): void {
  const p = palette(color);
  el.style.setProperty('--lc-accent', p.accent);
  el.style.setProperty('--lc-on-accent', p.onAccent);
  el.style.setProperty('--lc-accent-text', p.accentText);
}

export function isColor(value: string | null | undefined): boolean {
  return !!value && channels(value) !== null;
}
