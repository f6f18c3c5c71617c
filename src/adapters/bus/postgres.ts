// The EventBus on PostgreSQL LISTEN/NOTIFY, so instances sharing a database see each other's
// events. One PostgreSQL channel carries every bus channel (`{c, p}` envelopes, demultiplexed
// here): a single LISTEN to restore after a reconnect, and no identifier rules for channel names.
// NOTIFY is not durable: events sent while the listener is reconnecting are lost, so receivers
// treat events as hints and read the truth from the Store.
import pg from 'pg';
import type { Logger } from '../../logger.js';
import type { EventBus, Json, Unsubscribe } from '../../ports.js';
import { HandlerSet } from './handlers.js';
import { decodeEvent, encodeEvent } from './payload.js';

export interface PostgresEventBusOptions {
  /** Where the dedicated LISTEN connection goes. */
  connectionString: string;
  /** Used for NOTIFY (any connection will do). */
  pool: pg.Pool;
  log: Logger;
  /** The PostgreSQL channel (default `livechat_bus`). */
  pgChannel?: string;
}

export class PostgresEventBus implements EventBus {
  private readonly handlers: HandlerSet;
  private readonly log: Logger;
  private readonly pgChannel: string;
  private client: pg.Client | null = null;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private readyPromise: Promise<void> | undefined;

  constructor(private readonly options: PostgresEventBusOptions) {
    this.log = options.log.child({ component: 'bus' });
    this.handlers = new HandlerSet(this.log);
    this.pgChannel = options.pgChannel ?? 'livechat_bus';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.pgChannel)) throw new Error(`bad PostgreSQL channel name "${this.pgChannel}"`);
  }

  /** Opens the listening connection; events are received from then on. */
  start(): Promise<void> {
    this.readyPromise ??= this.connect();
    return this.readyPromise;
  }

  /** Resolves when the listener is connected (again); for tests and health. */
  get listening(): boolean {
    return this.client !== null;
  }

  async publish(channel: string, payload: Json): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    const text = encodeEvent(channel, payload);
    await this.options.pool.query('SELECT pg_notify($1, $2)', [this.pgChannel, text]);
  }

  subscribe(channel: string, handler: (payload: Json) => void): Unsubscribe {
    return this.handlers.add(channel, handler);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.handlers.clear();
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.connectionString });
    client.on('notification', (message) => {
      if (message.channel !== this.pgChannel || !message.payload) return;
      const event = decodeEvent(message.payload);
      if (event) this.handlers.deliver(event.channel, event.payload);
    });
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost) return;
      lost = true;
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      if (!this.closed) {
        this.log.warn({ err: error?.message }, 'event bus listener lost its connection, reconnecting');
        this.scheduleReconnect();
      }
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    await client.connect();
    await client.query(`LISTEN ${this.pgChannel}`);
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.attempts > 0) this.log.info({ attempts: this.attempts }, 'event bus listener reconnected');
    this.attempts = 0;
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    const delay = Math.min(5_000, 100 * 2 ** this.attempts);
    this.attempts++;
    this.reconnectTimer = setTimeout(() => {
      this.connect().catch((error: Error) => {
        this.log.warn({ err: error.message, attempts: this.attempts }, 'event bus reconnect failed');
        if (!this.closed) this.scheduleReconnect();
      });
    }, delay);
  }
}
