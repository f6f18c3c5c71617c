// The Webex REST surface of the sandbox (`/webex/v1/...`): Webex's request fields, response
// shapes, status codes, error body and Link-header pagination, over the SandboxWorld.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { newTrackingId, WebexApiError } from '../errors.js';
import type { Knobs } from '../knobs.js';
import type { SandboxWorld } from '../world/index.js';
import { routeKit, sendError } from './http.js';
import { actionRoutes, membershipRoutes, messageRoutes, peopleRoutes, roomRoutes, tokenRoutes, webhookRoutes } from './routes.js';

interface RestDeps {
  world: SandboxWorld;
  knobs: Knobs;
  apiBase: () => string;
  log: Logger;
}

export function createRestRouter(deps: RestDeps): express.Router {
  const r = express.Router();
  r.use((req, res, next) => {
    // Like Webex, keep the caller's own TrackingID when it sends one.
    const theirs = req.get('trackingid');
    res.setHeader('trackingid', theirs && /^[\w.:-]{1,128}$/.test(theirs) ? theirs : newTrackingId());
    next();
  });
  r.use(faultKnobs(deps.knobs));
  // The fetch that follows a webhook: held (to stop a product between its 200 and the fetch)
  // or failed at the knob's rate.
  r.get('/messages/:id', (_req, res, next) => {
    void deps.knobs.beforeMessageGet().then((fail) => {
      if (fail) sendError(res, 503, 'The server encountered an error (sandbox fault knob).');
      else next();
    });
  });
  r.use(express.json({ limit: '1mb' }));

  const kit = routeKit(deps.world, deps.apiBase);
  for (const routes of [tokenRoutes, peopleRoutes, roomRoutes, membershipRoutes, messageRoutes, webhookRoutes, actionRoutes]) {
    routes(r, kit);
  }

  r.use((req, res) => sendError(res, 404, `The requested resource could not be found: ${req.method} ${req.path}`));
  r.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof WebexApiError) return sendError(res, err.status, err.message);
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.parse.failed') return sendError(res, 400, 'The request body is not valid JSON.');
    if (e.type === 'entity.too.large') return sendError(res, 413, 'The request body is too large.');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return sendError(res, e.status, 'The request could not be processed.');
    }
    deps.log.error({ err }, 'sandbox: unexpected error');
    sendError(res, 500, 'The sandbox hit an unexpected error.');
  });
  return r;
}

/** Latency and armed faults, before anything else: a 429 or 5xx never reaches the data. */
function faultKnobs(knobs: Knobs) {
  return async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    const latency = knobs.currentLatency();
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const fault = knobs.takeRestFault();
    if (fault?.kind === '429') {
      res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      return sendError(res, 429, 'Too Many Requests');
    }
    if (fault?.kind === '5xx') return sendError(res, fault.status, 'The server encountered an error (sandbox fault knob).');
    next();
  };
}
