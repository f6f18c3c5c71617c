// Subscriptions by channel, shared by the bus adapters. A failing handler is logged and never
// stops delivery to the others.
import type { Logger } from '../../logger.js';
import type { Json, Unsubscribe } from '../../ports.js';

export class HandlerSet {
  private readonly byChannel = new Map<string, Set<(payload: Json) => void>>();

  constructor(private readonly log: Logger) {}

  add(channel: string, handler: (payload: Json) => void): Unsubscribe {
    let set = this.byChannel.get(channel);
    if (!set) this.byChannel.set(channel, (set = new Set()));
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry = (payload: Json) => handler(payload);
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.byChannel.get(channel) === set) this.byChannel.delete(channel);
    };
  }

  deliver(channel: string, payload: Json): void {
    const set = this.byChannel.get(channel);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        handler(payload);
      } catch (error) {
        this.log.error({ err: error, channel }, 'event handler failed');
      }
    }
  }

  clear(): void {
    this.byChannel.clear();
  }
}
