// Translations are paid per character and slow compared with a chat: the same sentence ("hello",
// "thank you") is asked again and again, so recent results are kept in memory. Only successes
// are kept; concurrent asks for the same text share one call.
import type { Translator } from '../../ports.js';

export interface CacheOptions {
  /** Most translations kept (least recently used go first). */
  maxEntries?: number;
  /** Longer texts are translated every time (a page of text is rarely sent twice). */
  maxTextLength?: number;
}

type Result = { text: string; from: string };

export class CachedTranslator implements Translator {
  private readonly entries = new Map<string, Result>();
  private readonly pending = new Map<string, Promise<Result>>();
  private readonly maxEntries: number;
  private readonly maxTextLength: number;
  /** Calls that reached the wrapped translator (for tests and metrics). */
  misses = 0;

  constructor(
    private readonly inner: Translator,
    options: CacheOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 5_000;
    this.maxTextLength = options.maxTextLength ?? 2_000;
  }

  get size(): number {
    return this.entries.size;
  }

  async translate(text: string, to: string, from?: string): Promise<Result> {
    if (text.length > this.maxTextLength) {
      this.misses++;
      return this.inner.translate(text, to, from);
    }
    const key = `${from ?? '*'}\u0000${to}\u0000${text}`;
    const hit = this.entries.get(key);
    if (hit) {
      // Map order is insertion order: re-inserting marks the entry as just used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const running = this.pending.get(key);
    if (running) return running;
    this.misses++;
    const call = this.inner
      .translate(text, to, from)
      .then((result) => {
        this.remember(key, result);
        return result;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, call);
    return call;
  }

  private remember(key: string, result: Result): void {
    this.entries.set(key, result);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
