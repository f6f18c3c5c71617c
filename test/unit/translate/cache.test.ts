// The translation cache: hits by text + source + target, least recently used evicted first,
// failures not kept, concurrent asks sharing one call, long texts never kept.
import { describe, expect, it } from 'vitest';
import { CachedTranslator } from '../../../src/adapters/translate/cache.js';
import { ScriptedTranslator } from './support.js';

const upper = () => new ScriptedTranslator((text, _to, from) => ({ text: text.toUpperCase(), from: from ?? 'pl' }));

describe('CachedTranslator', () => {
  it('answers a repeated text from memory; another target or source is another entry', async () => {
    const inner = upper();
    const cache = new CachedTranslator(inner);
    expect(await cache.translate('dzień dobry', 'en')).toEqual({ text: 'DZIEŃ DOBRY', from: 'pl' });
    expect(await cache.translate('dzień dobry', 'en')).toEqual({ text: 'DZIEŃ DOBRY', from: 'pl' });
    expect(inner.calls).toHaveLength(1);
    await cache.translate('dzień dobry', 'de');
    await cache.translate('dzień dobry', 'en', 'pl');
    expect(inner.calls).toEqual([
      { text: 'dzień dobry', to: 'en', from: undefined },
      { text: 'dzień dobry', to: 'de', from: undefined },
      { text: 'dzień dobry', to: 'en', from: 'pl' },
    ]);
    expect(cache.size).toBe(3);
    expect(cache.misses).toBe(3);
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const inner = upper();
    const cache = new CachedTranslator(inner, { maxEntries: 2 });
    await cache.translate('a', 'en');
    await cache.translate('b', 'en');
    await cache.translate('a', 'en'); // a is now the most recent
    await cache.translate('c', 'en'); // evicts b
    expect(cache.size).toBe(2);
    inner.calls = [];
    await cache.translate('a', 'en');
    await cache.translate('c', 'en');
    expect(inner.calls).toEqual([]);
    await cache.translate('b', 'en');
    expect(inner.calls.map((c) => c.text)).toEqual(['b']);
  });

  it('does not keep failures: the next ask tries again', async () => {
    let fail = true;
    const inner = new ScriptedTranslator((text) => (fail ? new Error('503') : { text: `[${text}]`, from: 'pl' }));
    const cache = new CachedTranslator(inner);
    await expect(cache.translate('tak', 'en')).rejects.toThrow('503');
    fail = false;
    expect(await cache.translate('tak', 'en')).toEqual({ text: '[tak]', from: 'pl' });
    expect(inner.calls).toHaveLength(2);
  });

  it('concurrent asks for the same text share one call', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const inner = new ScriptedTranslator((text) => ({ text, from: 'pl' }));
    const slow = { translate: async (text: string, to: string, from?: string) => (await gate, inner.translate(text, to, from)) };
    const cache = new CachedTranslator(slow);
    const both = Promise.all([cache.translate('hej', 'en'), cache.translate('hej', 'en')]);
    release();
    expect(await both).toEqual([{ text: 'hej', from: 'pl' }, { text: 'hej', from: 'pl' }]);
    expect(inner.calls).toHaveLength(1);
  });

  it('long texts are translated every time and never kept', async () => {
    const inner = upper();
    const cache = new CachedTranslator(inner, { maxTextLength: 10 });
    const long = 'x'.repeat(11);
    await cache.translate(long, 'en');
    await cache.translate(long, 'en');
    expect(inner.calls).toHaveLength(2);
    expect(cache.size).toBe(0);
  });
});
