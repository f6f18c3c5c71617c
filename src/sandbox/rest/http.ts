// Webex's way of answering over HTTP: its error body, body and query checks that answer 400,
// bearer-token authentication, and Link-header pagination.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { badRequest, errorBody, newTrackingId } from '../errors.js';
import type { PersonRec } from '../state.js';
import type { Json, SandboxWorld } from '../world/index.js';

type Handler = (req: Request, res: Response, caller: PersonRec) => void | Promise<void>;

export function sendError(res: Response, status: number, message: string): void {
  const trackingId = String(res.getHeader('trackingid') ?? newTrackingId());
  res.status(status).json(errorBody(message, trackingId));
}

export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  throw badRequest(`Invalid request: ${where}${first?.message ?? 'bad input'}`);
}

export function query(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(`Query parameter ${name} must be given once.`);
  return v;
}

export function maxParam(req: Request, dflt: number, cap: number): number {
  const raw = query(req, 'max');
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badRequest('max must be a positive integer.');
  return Math.min(n, cap);
}

/** What every route needs besides the world: authentication and paging. */
export interface RouteKit {
  world: SandboxWorld;
  /** Runs the handler for the person whose bearer token came with the request (401 otherwise). */
  authed(h: Handler): (req: Request, res: Response) => Promise<void>;
  /** Answers `{ items }`, one page of them, with a `Link` to the next page if there is one. */
  page(req: Request, res: Response, items: Json[], max: number): void;
  /** Sets `Link: <…>; rel="next"`: this request's URL with `set` applied to its query. */
  setNextLink(req: Request, res: Response, set: Record<string, string>): void;
}

export function routeKit(world: SandboxWorld, apiBase: () => string): RouteKit {
  const setNextLink = (req: Request, res: Response, set: Record<string, string>): void => {
    const url = new URL(`${apiBase()}${req.path}`);
    for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') url.searchParams.set(k, v);
    for (const [k, v] of Object.entries(set)) url.searchParams.set(k, v);
    res.setHeader('Link', `<${url.toString()}>; rel="next"`);
  };
  return {
    world,
    setNextLink,
    authed: (h) => async (req, res) => {
      const header = req.get('authorization') ?? '';
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const caller = m ? world.people.authenticate(m[1]!) : null;
      if (!caller) {
        sendError(res, 401, 'The request requires a valid access token set in the Authorization request header.');
        return;
      }
      await h(req, res, caller);
    },
    page(req, res, items, max) {
      const cursorRaw = query(req, 'cursor');
      const offset = cursorRaw ? Number(Buffer.from(cursorRaw, 'base64url').toString('utf8')) : 0;
      if (!Number.isInteger(offset) || offset < 0) throw badRequest('Invalid cursor.');
      const slice = items.slice(offset, offset + max);
      if (offset + max < items.length) {
        setNextLink(req, res, { cursor: Buffer.from(String(offset + max)).toString('base64url') });
      }
      res.json({ items: slice });
    },
  };
}
