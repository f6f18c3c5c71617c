// Listening and the graceful stop: refuse new connections, end long-lived streams, let
// in-flight requests finish, and cut whatever is left when the deadline passes.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from '../logger.js';
import type { StreamRegistry } from './streams.js';

export interface HttpServer {
  server: http.Server;
  port: number;
  /** `http://127.0.0.1:<port>`: where local clients and tests reach it. */
  url: string;
  /**
   * First step of a stop: ends open streams and marks the server as draining (`/healthz` 503,
   * `Connection: close` on answers) while it still serves, e.g. an in-process sandbox that the
   * parts stopping next still call.
   */
  beginDrain(): void;
  /** Stops accepting, waits for in-flight requests; resolves when every connection is closed (forced after `deadlineMs`). */
  close(deadlineMs?: number): Promise<void>;
}

export async function listen(
  app: Express,
  options: { port: number; host?: string; streams: StreamRegistry; log: Logger },
): Promise<HttpServer> {
  const server = http.createServer(app);
  // Slow or idle clients must not hold sockets forever (and delay shutdown).
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const beginDrain = () => {
    if (options.streams.isClosing) return;
    const ended = options.streams.closeAll();
    if (ended) options.log.info({ streams: ended }, 'ended open streams');
  };

  let closing: Promise<void> | undefined;
  const close = (deadlineMs = 8_000): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      beginDrain();
      // Requests that finish after close() leave idle keep-alive sockets behind: sweep them.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      const force = setTimeout(() => {
        options.log.warn('shutdown deadline reached, closing remaining connections');
        server.closeAllConnections();
      }, deadlineMs);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(force);
        resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };

  return { server, port, url: `http://127.0.0.1:${port}`, beginDrain, close };
}
