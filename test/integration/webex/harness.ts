// Shared pieces of the Webex integration tests: a real HTTP receiver for the sandbox's signed
// deliveries, and collectors that wait for the channel's callbacks.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AgentMessage, CardAction, ChannelHandlers, WebhookResult } from '../../../src/ports.js';

export interface Receiver {
  url: string;
  /** Raw deliveries as received (before verification). */
  deliveries: { body: string; status: number }[];
  setHandler(handler: (raw: Buffer, headers: Record<string, string | string[] | undefined>) => Promise<WebhookResult>): void;
  close(): Promise<void>;
}

/** POST /webhooks/webex → the current handler, with the raw bytes, as the product's route does. */
export async function startReceiver(): Promise<Receiver> {
  let handler: Parameters<Receiver['setHandler']>[0] | null = null;
  const deliveries: Receiver['deliveries'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const answer = handler
        ? handler(raw, req.headers)
        : Promise.resolve<WebhookResult>({ status: 503, body: { error: 'no handler' } });
      answer
        .then((result) => {
          deliveries.push({ body: raw.toString(), status: result.status });
          res.writeHead(result.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(result.body ?? {}));
        })
        .catch((error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/webex`,
    deliveries,
    setHandler: (h) => (handler = h),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Waiter<T> = { match: (item: T) => boolean; resolve: (item: T) => void };

/** Records callbacks; `next(match)` resolves with the first (past or future) matching one. */
export class Collector<T> {
  readonly items: T[] = [];
  private waiters: Waiter<T>[] = [];

  push(item: T): void {
    this.items.push(item);
    this.waiters = this.waiters.filter((w) => {
      if (!w.match(item)) return true;
      w.resolve(item);
      return false;
    });
  }

  next(match: (item: T) => boolean): Promise<T> {
    const found = this.items.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}

export function collectingHandlers() {
  const messages = new Collector<AgentMessage>();
  const actions = new Collector<CardAction>();
  const handlers: ChannelHandlers = {
    onAgentMessage: async (m) => messages.push(m),
    onCardAction: async (a) => actions.push(a),
  };
  return { messages, actions, handlers };
}

/** Resolves once `check` holds; polls because deliveries arrive on the sandbox's schedule. */
export async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
}
