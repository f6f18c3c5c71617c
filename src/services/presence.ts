// The heartbeat of visitors whose stream this instance holds: their lastSeenAt is refreshed a
// few times per lost-visitor period, so the sweep (on any instance) sees them as present.
// Polls and messages touch the chat themselves.
import type { ChatCore } from './context.js';

export class Presence {
  private readonly open = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private flushing = false;

  constructor(private readonly core: ChatCore) {}

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
    const every = Math.max(200, Math.floor(this.core.deps.settings.timers.lostVisitor / 3));
    this.timer = setInterval(() => void this.flush(), every);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      const now = this.core.now();
      const ids = [...this.open.keys()];
      // A few at a time: thousands of idle visitors must not flood the pool.
      for (let i = 0; i < ids.length; i += 16) {
        await Promise.all(
          ids.slice(i, i + 16).map((id) =>
            this.core.store.updateChat(id, { lastSeenAt: now }, undefined, ['bot', 'queued', 'active']).catch((error) => {
              this.core.deps.log.warn({ err: error, chatId: id }, 'presence not recorded');
            }),
          ),
        );
      }
    } finally {
      this.flushing = false;
    }
  }
}
