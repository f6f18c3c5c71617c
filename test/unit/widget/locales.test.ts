// Every key of the English widget strings exists in every other language, with the same
// {{placeholders}}, and nothing is left untranslated by accident (an identical long sentence).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const LANGS = ['en', 'pl', 'de', 'fr', 'es'] as const;
type Tree = { [key: string]: string | Tree };

function load(lng: string): Tree {
  return JSON.parse(readFileSync(new URL(`../../../locales/${lng}/widget.json`, import.meta.url), 'utf8')) as Tree;
}

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    if (typeof value === 'string') out.set(prefix + key, value);
    else for (const [k, v] of flatten(value, `${prefix}${key}.`)) out.set(k, v);
  }
  return out;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

const en = flatten(load('en'));

describe('widget locales', () => {
  it('en has the strings the widget needs', () => {
    for (const key of ['launcher.open', 'topics.heading', 'form.errors.required', 'offline.nextOpening', 'chat.talkToPerson']) {
      expect(en.get(key), key).toBeTruthy();
    }
  });

  for (const lng of LANGS.filter((l) => l !== 'en')) {
    it(`${lng} has every key of en, with the same placeholders, and no extra keys`, () => {
      const other = flatten(load(lng));
      const missing = [...en.keys()].filter((k) => !other.get(k)?.trim());
      expect(missing, `missing in ${lng}`).toEqual([]);
      const extra = [...other.keys()].filter((k) => !en.has(k));
      expect(extra, `extra in ${lng}`).toEqual([]);
      for (const [key, text] of en) expect(placeholders(other.get(key)!), `${lng}:${key}`).toEqual(placeholders(text));
      const same = [...en].filter(([k, v]) => v.length > 12 && !v.startsWith('{{') && other.get(k) === v).map(([k]) => k);
      expect(same, `untranslated in ${lng}`).toEqual([]);
    });
  }
});
