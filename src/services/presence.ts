// The heartbeat of visitors whose stream this instance holds: their lastSeenAt is refreshed a
// few times per lost-visitor period, so the sweep (on any instance) sees them as present.
// Polls and messages touch the chat themselves.
import type { Logger } from '../logger.js';
import type { ChatStore, Clock } from '../ports.js';
import { OPEN_STATES } from './context.js';

export interface PresenceOptions {
  store: Pick<ChatStore, 'updateChat'>;
  clock: Clock;
  log: Logger;
  /** After how long without a sign of the visitor the sweep counts them lost. */
  lostVisitorMs: number;
}

export class Presence {
  private readonly open = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing = false;

  constructor(private readonly options: PresenceOptions) {}

  opened = (chatId: string): void => {
    this.open.set(chatId, (this.open.get(chatId) ?? 0) + 1);
  };

  closed = (chatId: string): void => {
    const n = (this.open.get(chatId) ?? 1) - 1;
    if (n <= 0) this.open.delete(chatId);
    else this.open.set(chatId, n);
  };

  get connected(): number {
    return this.open.size;
  }

  start(): void {
    const every = Math.max(200, Math.floor(this.options.lostVisitorMs / 3));
    this.timer = setInterval(() => void this.flush(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      const now = this.options.clock.now();
      const ids = [...this.open.keys()];
      // A few at a time: thousands of idle visitors must not flood the pool.
      for (let i = 0; i < ids.length; i += 16) {
        await Promise.all(
          ids.slice(i, i + 16).map((id) =>
            this.options.store.updateChat(id, { lastSeenAt: now }, undefined, OPEN_STATES).catch((error) => {
              this.options.log.warn({ err: error, chatId: id }, 'presence not recorded');
            }),
          ),
        );
      }
    } finally {
      this.flushing = false;
    }
  }
}
