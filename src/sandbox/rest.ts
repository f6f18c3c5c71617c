// The Webex REST surface of the sandbox (`/webex/v1/...`): Webex's request fields, response
// shapes, status codes, error body and Link-header pagination, over the SandboxWorld.
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { errorBody, newTrackingId, WebexApiError, badRequest } from './errors.js';
import type { Knobs } from './knobs.js';
import type { PersonRec } from './state.js';
import type { Json, SandboxWorld } from './world.js';

interface RestDeps {
  world: SandboxWorld;
  knobs: Knobs;
  apiBase: () => string;
  log: Logger;
}

type Handler = (req: Request, res: Response, caller: PersonRec) => void | Promise<void>;

const str = z.string().trim().min(1);
const optStr = z.string().trim().min(1).optional();
const bool = z.boolean();

const roomCreate = z.object({ title: str.max(1024), isLocked: bool.optional(), teamId: optStr }).passthrough();
const roomUpdate = z.object({ title: str.max(1024), isLocked: bool.optional() }).passthrough();
const membershipCreate = z
  .object({ roomId: str, personId: optStr, personEmail: z.string().email().optional(), isModerator: bool.optional() })
  .passthrough();
const membershipUpdate = z.object({ isModerator: bool, isRoomHidden: bool.optional() }).passthrough();
const attachment = z.object({
  contentType: z.string(),
  content: z.record(z.string(), z.unknown()),
});
const messageCreate = z
  .object({
    roomId: optStr,
    toPersonId: optStr,
    toPersonEmail: z.string().email().optional(),
    parentId: optStr,
    text: z.string().optional(),
    markdown: z.string().optional(),
    html: z.string().optional(),
    files: z.array(z.string()).optional(),
    attachments: z.array(attachment).optional(),
  })
  .passthrough();
const messageEdit = z
  .object({ roomId: str, text: z.string().optional(), markdown: z.string().optional() })
  .passthrough();
const targetUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'targetUrl must be an http(s) URL');
const webhookCreate = z
  .object({
    name: str.max(256),
    targetUrl,
    resource: str,
    event: str,
    filter: z.string().optional(),
    secret: z.string().min(1).max(512).optional(),
    ownedBy: z.literal('creator').optional(),
  })
  .passthrough();
const webhookUpdate = z
  .object({
    name: str.max(256),
    targetUrl,
    secret: z.string().min(1).max(512).optional(),
    status: z.enum(['active', 'inactive']).optional(),
  })
  .passthrough();
const actionCreate = z
  .object({ type: str, messageId: str, inputs: z.record(z.string(), z.unknown()).default({}) })
  .passthrough();

const ACCESS_TOKEN_SECONDS = 14 * 24 * 3600;
const REFRESH_TOKEN_SECONDS = 90 * 24 * 3600;
const refreshBody = z.object({
  grant_type: z.literal('refresh_token'),
  client_id: str,
  client_secret: str,
  refresh_token: str,
});

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value ?? {});
  if (r.success) return r.data;
  const first = r.error.issues[0];
  const where = first?.path.length ? `${first.path.join('.')}: ` : '';
  throw badRequest(`Invalid request: ${where}${first?.message ?? 'bad input'}`);
}

function query(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(`Query parameter ${name} must be given once.`);
  return v;
}

function maxParam(req: Request, dflt: number, cap: number): number {
  const raw = query(req, 'max');
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw badRequest('max must be a positive integer.');
  return Math.min(n, cap);
}

export function createRestRouter(deps: RestDeps): express.Router {
  const { world, knobs } = deps;
  const r = express.Router();

  r.use((req, res, next) => {
    // Like Webex, keep the caller's own TrackingID when it sends one.
    const theirs = req.get('trackingid');
    res.setHeader('trackingid', theirs && /^[\w.:-]{1,128}$/.test(theirs) ? theirs : newTrackingId());
    next();
  });
  // Knobs first: a 429 or 5xx never reaches the data.
  r.use(async (req, res, next) => {
    const latency = knobs.currentLatency();
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const fault = knobs.takeRestFault();
    if (fault?.kind === '429') {
      res.setHeader('Retry-After', String(fault.retryAfterSeconds));
      return sendError(res, 429, 'Too Many Requests');
    }
    if (fault?.kind === '5xx') return sendError(res, fault.status, 'The server encountered an error (sandbox fault knob).');
    next();
  });
  r.use(express.json({ limit: '1mb' }));

  const authed =
    (h: Handler) =>
    async (req: Request, res: Response): Promise<void> => {
      const header = req.get('authorization') ?? '';
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const caller = m ? world.authenticate(m[1]!) : null;
      if (!caller) {
        sendError(res, 401, 'The request requires a valid access token set in the Authorization request header.');
        return;
      }
      await h(req, res, caller);
    };

  const page = (req: Request, res: Response, items: Json[], max: number): void => {
    const cursorRaw = query(req, 'cursor');
    const offset = cursorRaw ? Number(Buffer.from(cursorRaw, 'base64url').toString('utf8')) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw badRequest('Invalid cursor.');
    const slice = items.slice(offset, offset + max);
    if (offset + max < items.length) {
      setNextLink(req, res, { cursor: Buffer.from(String(offset + max)).toString('base64url') });
    }
    res.json({ items: slice });
  };

  const setNextLink = (req: Request, res: Response, set: Record<string, string>): void => {
    const url = new URL(`${deps.apiBase()}${req.path}`);
    for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') url.searchParams.set(k, v);
    for (const [k, v] of Object.entries(set)) url.searchParams.set(k, v);
    res.setHeader('Link', `<${url.toString()}>; rel="next"`);
  };

  // ---- OAuth refresh (integrations): sandbox tokens do not expire, so the same token comes back.
  r.post('/access_token', express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
    const body = parse(refreshBody, req.body);
    const person = world.personByRefreshToken(body.refresh_token);
    if (!person) throw badRequest('The refresh token provided is invalid or expired.');
    res.json({
      access_token: person.token,
      expires_in: ACCESS_TOKEN_SECONDS,
      refresh_token: body.refresh_token,
      refresh_token_expires_in: REFRESH_TOKEN_SECONDS,
      token_type: 'Bearer',
    });
  });

  // ---- people
  r.get('/people/me', authed((_req, res, me) => void res.json(world.personJson(me))));
  r.get(
    '/people',
    authed((req, res) => {
      const people = world.listPeople({
        email: query(req, 'email'),
        displayName: query(req, 'displayName'),
        id: query(req, 'id'),
      });
      page(req, res, people.map((p) => world.personJson(p)), maxParam(req, 100, 1000));
    }),
  );
  r.get('/people/:id', authed((req, res) => void res.json(world.personJson(world.getPerson(String(req.params.id))))));

  // ---- rooms
  r.post(
    '/rooms',
    authed((req, res, me) => {
      const body = parse(roomCreate, req.body);
      if (body.teamId) throw badRequest('Team spaces are not supported by the sandbox.');
      res.json(world.roomJson(world.createRoom(me, body), me));
    }),
  );
  r.get(
    '/rooms',
    authed((req, res, me) => {
      const type = query(req, 'type');
      if (type && type !== 'group' && type !== 'direct') throw badRequest('type must be group or direct.');
      const sortBy = query(req, 'sortBy');
      if (sortBy && !['id', 'lastactivity', 'created'].includes(sortBy)) {
        throw badRequest('sortBy must be id, lastactivity or created.');
      }
      const rooms = world.listRooms(me, { type, sortBy });
      page(req, res, rooms.map((x) => world.roomJson(x, me)), maxParam(req, 100, 1000));
    }),
  );
  r.get('/rooms/:id', authed((req, res, me) => void res.json(world.roomJson(world.roomFor(me, String(req.params.id)), me))));
  r.put(
    '/rooms/:id',
    authed((req, res, me) => {
      const room = world.updateRoom(me, String(req.params.id), parse(roomUpdate, req.body));
      res.json(world.roomJson(room, me));
    }),
  );
  r.delete(
    '/rooms/:id',
    authed((req, res, me) => {
      world.deleteRoom(me, String(req.params.id));
      res.status(204).end();
    }),
  );

  // ---- memberships
  r.post(
    '/memberships',
    authed((req, res, me) => {
      const body = parse(membershipCreate, req.body);
      res.json(world.membershipJson(world.createMembership(me, body)));
    }),
  );
  r.get(
    '/memberships',
    authed((req, res, me) => {
      const list = world.listMemberships(me, {
        roomId: query(req, 'roomId'),
        personId: query(req, 'personId'),
        personEmail: query(req, 'personEmail'),
      });
      page(req, res, list.map((m) => world.membershipJson(m)), maxParam(req, 100, 1000));
    }),
  );
  r.get('/memberships/:id', authed((req, res, me) => void res.json(world.membershipJson(world.membershipFor(me, String(req.params.id))))));
  r.put(
    '/memberships/:id',
    authed((req, res, me) => {
      const m = world.updateMembership(me, String(req.params.id), parse(membershipUpdate, req.body));
      res.json(world.membershipJson(m));
    }),
  );
  r.delete(
    '/memberships/:id',
    authed((req, res, me) => {
      world.deleteMembership(me, String(req.params.id));
      res.status(204).end();
    }),
  );

  // ---- messages
  r.post(
    '/messages',
    authed((req, res, me) => {
      const body = parse(messageCreate, req.body);
      if (body.files?.length) throw badRequest('File attachments are not supported by the sandbox.');
      if (body.html !== undefined) throw badRequest('html messages are not supported by the sandbox; use markdown.');
      res.json(world.messageJson(world.createMessage(me, body)));
    }),
  );
  r.get(
    '/messages',
    authed((req, res, me) => {
      const roomId = query(req, 'roomId');
      if (!roomId) throw badRequest('roomId is required.');
      const max = maxParam(req, 50, 1000);
      if (query(req, 'mentionedPeople') !== undefined && max > 100) {
        throw badRequest('max cannot exceed 100 when used with mentionedPeople.');
      }
      const list = world.listMessages(me, {
        roomId,
        parentId: query(req, 'parentId'),
        mentionedPeople: query(req, 'mentionedPeople'),
        before: query(req, 'before'),
        beforeMessage: query(req, 'beforeMessage'),
      });
      const slice = list.slice(0, max);
      if (list.length > max) setNextLink(req, res, { beforeMessage: slice[slice.length - 1]!.id });
      res.json({ items: slice.map((m) => world.messageJson(m)) });
    }),
  );
  r.get('/messages/:id', authed((req, res, me) => void res.json(world.messageJson(world.messageFor(me, String(req.params.id))))));
  r.put(
    '/messages/:id',
    authed((req, res, me) => {
      const msg = world.editMessage(me, String(req.params.id), parse(messageEdit, req.body));
      res.json(world.messageJson(msg));
    }),
  );
  r.delete(
    '/messages/:id',
    authed((req, res, me) => {
      world.deleteMessage(me, String(req.params.id));
      res.status(204).end();
    }),
  );

  // ---- webhooks
  r.post(
    '/webhooks',
    authed((req, res, me) => void res.json(world.webhookJson(world.createWebhook(me, parse(webhookCreate, req.body))))),
  );
  r.get(
    '/webhooks',
    authed((req, res, me) => {
      page(req, res, world.listWebhooks(me).map((w) => world.webhookJson(w)), maxParam(req, 100, 1000));
    }),
  );
  r.get('/webhooks/:id', authed((req, res, me) => void res.json(world.webhookJson(world.webhookFor(me, String(req.params.id))))));
  r.put(
    '/webhooks/:id',
    authed((req, res, me) => {
      const w = world.updateWebhook(me, String(req.params.id), parse(webhookUpdate, req.body));
      res.json(world.webhookJson(w));
    }),
  );
  r.delete(
    '/webhooks/:id',
    authed((req, res, me) => {
      world.deleteWebhook(me, String(req.params.id));
      res.status(204).end();
    }),
  );

  // ---- attachment actions
  r.post(
    '/attachment/actions',
    authed((req, res, me) => void res.json(world.actionJson(world.createAction(me, parse(actionCreate, req.body))))),
  );
  r.get('/attachment/actions/:id', authed((req, res, me) => void res.json(world.actionJson(world.actionFor(me, String(req.params.id))))));

  r.use((req, res) => sendError(res, 404, `The requested resource could not be found: ${req.method} ${req.path}`));
  r.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof WebexApiError) {
      for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
      return sendError(res, err.status, err.message);
    }
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

function sendError(res: Response, status: number, message: string): void {
  const trackingId = String(res.getHeader('trackingid') ?? newTrackingId());
  res.status(status).json(errorBody(message, trackingId));
}
