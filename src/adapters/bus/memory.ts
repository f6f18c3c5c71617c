// The in-process EventBus: one instance only. Delivery is asynchronous and on a copy, like the
// PostgreSQL bus, so code behaves the same whichever bus runs.
import type { Logger } from '../../logger.js';
import type { EventBus, Json, Unsubscribe } from '../../ports.js';
import { HandlerSet } from './handlers.js';
import { decodeEvent, encodeEvent } from './payload.js';

export class MemoryEventBus implements EventBus {
  private readonly handlers: HandlerSet;
  private closed = false;

  constructor(log: Logger) {
    this.handlers = new HandlerSet(log);
  }

  async publish(channel: string, payload: Json): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    const text = encodeEvent(channel, payload);
    setImmediate(() => {
      const event = decodeEvent(text);
      if (event && !this.closed) this.handlers.deliver(event.channel, event.payload);
    });
  }

  subscribe(channel: string, handler: (payload: Json) => void): Unsubscribe {
    return this.handlers.add(channel, handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}
