// The composition root's bookkeeping, apart from its steps.
import { performance } from 'node:perf_hooks';
import type { Logger } from './logger.js';

export type Closer = { name: string; close: () => Promise<void> };

/** The start-up's bookkeeping: how long each step took, and how to release what each opened. */
export class StartUp {
  readonly timings: { step: string; ms: number }[] = [];
  /** Released in reverse order by `closeAll`. */
  readonly closers: Closer[] = [];

  constructor(private readonly log: Logger) {}

  readonly step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await run();
    this.timings.push({ step: name, ms: Math.round(performance.now() - started) });
    return result;
  };

  readonly closeAll = async (): Promise<void> => {
    for (const closer of this.closers.splice(0).reverse()) {
      try {
        await closer.close();
      } catch (error) {
        this.log.error({ err: error, step: closer.name }, 'error while stopping');
      }
    }
  };
}
