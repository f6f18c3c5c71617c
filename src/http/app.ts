// The Express app factory: security headers, request ids and logs, body parsing with limits,
// then the routes the composition root hands in, then JSON 404 and the error handler.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.js';
import { errorHandler } from './errors.js';
import { healthRouter, type HealthCheck } from './health.js';
import type { StreamRegistry } from './streams.js';

declare module 'http' {
  interface IncomingMessage {
    /** The exact bytes of a `/webhooks/*` body (signatures are computed over them). */
    rawBody?: Buffer;
  }
}

/** Adds routes to the app; called in order, after body parsing and before the 404. */
export type RouteMount = (app: Express) => void;

export interface AppOptions {
  log: Logger;
  health: HealthCheck;
  streams: StreamRegistry;
  routes?: RouteMount[];
  trustProxy?: boolean | number | string;
  /** Largest JSON body accepted on the API (default 16 KB). */
  jsonLimit?: number;
  /** Largest webhook body (default 256 KB). */
  webhookLimit?: number;
  helmet?: HelmetOptions;
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const SECRET_QUERY = /([?&](?:token|access_token|key|secret|signature)=)[^&#]*/gi;

/** The URL as logged: query values that could carry a credential are blanked. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

export function createApp(options: AppOptions): Express {
  const app = express();
  const jsonLimit = options.jsonLimit ?? 16 * 1024;
  app.set('trust proxy', options.trustProxy ?? false);
  app.disable('x-powered-by');

  app.use(
    pinoHttp({
      logger: options.log,
      genReqId(req: IncomingMessage, res: ServerResponse) {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      customLogLevel(_req, res, error) {
        if (error || res.statusCode >= 500) return 'error';
        return 'info';
      },
      // The health probe runs every few seconds: keep it out of the logs.
      autoLogging: { ignore: (req) => req.url === '/healthz' },
    }),
  );

  app.use(
    helmet({
      // The widget loader is meant to be embedded by other sites' pages.
      crossOriginResourcePolicy: { policy: 'cross-origin' },
      ...options.helmet,
    }),
  );

  // While draining, ask keep-alive clients to reconnect (to another instance).
  const drainNotice: RequestHandler = (_req, res, next) => {
    if (options.streams.isClosing) res.setHeader('Connection', 'close');
    next();
  };
  app.use(drainNotice);

  const webhookBody = express.raw({ type: () => true, limit: options.webhookLimit ?? 256 * 1024 });
  const jsonBody = express.json({ limit: jsonLimit });
  app.use((req, res, next) => {
    if (req.path.startsWith('/webhooks/')) {
      webhookBody(req, res, (error?: unknown) => {
        if (!error && Buffer.isBuffer(req.body)) req.rawBody = req.body;
        next(error);
      });
    } else {
      jsonBody(req, res, next);
    }
  });

  app.use(healthRouter(options.health, () => options.streams.isClosing));
  for (const mount of options.routes ?? []) mount(app);

  app.use((req, res) => {
    res.status(404).json({ error: 'not_found', message: `No route for ${req.method} ${req.path}` });
  });
  app.use(errorHandler(options.log));
  return app;
}
