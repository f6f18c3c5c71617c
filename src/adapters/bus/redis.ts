// The EventBus on Redis pub/sub, for deployments that already run Redis. Same envelope and
// size rule as the PostgreSQL bus, so the two are interchangeable. The client reconnects and
// subscribes again by itself; like NOTIFY, pub/sub is not durable (events are hints).
import { createClient, type RedisClientType } from 'redis';
import type { Logger } from '../../logger.js';
import type { EventBus, Json, Unsubscribe } from '../../ports.js';
import { HandlerSet } from './handlers.js';
import { decodeEvent, encodeEvent } from './payload.js';

export interface RedisEventBusOptions {
  url: string;
  log: Logger;
  /** The Redis channel carrying every bus channel (default `livechat_bus`). */
  redisChannel?: string;
}

export class RedisEventBus implements EventBus {
  private readonly handlers: HandlerSet;
  private readonly log: Logger;
  private readonly redisChannel: string;
  private readonly publisher: RedisClientType;
  private readonly subscriber: RedisClientType;
  private closed = false;
  private started: Promise<void> | undefined;

  constructor(options: RedisEventBusOptions) {
    this.log = options.log.child({ component: 'bus' });
    this.handlers = new HandlerSet(this.log);
    this.redisChannel = options.redisChannel ?? 'livechat_bus';
    const reconnectStrategy = (retries: number) => Math.min(5_000, 100 * 2 ** retries);
    this.publisher = createClient({ url: options.url, socket: { reconnectStrategy } });
    this.subscriber = this.publisher.duplicate();
    for (const [role, client] of [['publisher', this.publisher], ['subscriber', this.subscriber]] as const) {
      // Without a listener an 'error' event would crash the process; the client reconnects.
      client.on('error', (error: Error) => this.log.warn({ err: error.message, role }, 'redis connection error'));
      client.on('reconnecting', () => this.log.info({ role }, 'redis reconnecting'));
    }
  }

  start(): Promise<void> {
    this.started ??= (async () => {
      await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
      await this.subscriber.subscribe(this.redisChannel, (message) => {
        const event = decodeEvent(message);
        if (event) this.handlers.deliver(event.channel, event.payload);
      });
    })();
    return this.started;
  }

  async publish(channel: string, payload: Json): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    await this.publisher.publish(this.redisChannel, encodeEvent(channel, payload));
  }

  subscribe(channel: string, handler: (payload: Json) => void): Unsubscribe {
    return this.handlers.add(channel, handler);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    for (const client of [this.subscriber, this.publisher]) {
      if (client.isOpen) await client.close().catch(() => client.destroy());
    }
  }
}
