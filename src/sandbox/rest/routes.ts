// The sandbox's Webex REST routes, one function per resource: Webex's request fields and
// query parameters mapped onto the world's operations, answered in Webex's shapes.
import express, { type Router } from 'express';
import { badRequest } from '../errors.js';
import { maxParam, parse, query, type RouteKit } from './http.js';
import * as body from './schemas.js';

const ACCESS_TOKEN_SECONDS = 14 * 24 * 3600;
const REFRESH_TOKEN_SECONDS = 90 * 24 * 3600;

/** OAuth refresh (integrations): sandbox tokens do not expire, so the same token comes back. */
export function tokenRoutes(r: Router, { world }: RouteKit): void {
  r.post('/access_token', express.urlencoded({ extended: false, limit: '16kb' }), (req, res) => {
    const form = parse(body.refreshBody, req.body);
    const person = world.people.byRefreshToken(form.refresh_token);
    if (!person) throw badRequest('The refresh token provided is invalid or expired.');
    res.json({
      access_token: person.token,
      expires_in: ACCESS_TOKEN_SECONDS,
      refresh_token: form.refresh_token,
      refresh_token_expires_in: REFRESH_TOKEN_SECONDS,
      token_type: 'Bearer',
    });
  });
}

export function peopleRoutes(r: Router, { world, authed, page }: RouteKit): void {
  const { people } = world;
  r.get('/people/me', authed((_req, res, me) => void res.json(people.json(me))));
  r.get(
    '/people',
    authed((req, res) => {
      const list = people.list({ email: query(req, 'email'), displayName: query(req, 'displayName'), id: query(req, 'id') });
      page(req, res, list.map((p) => people.json(p)), maxParam(req, 100, 1000));
    }),
  );
  r.get('/people/:id', authed((req, res) => void res.json(people.json(people.get(String(req.params.id))))));
}

export function roomRoutes(r: Router, { world, authed, page }: RouteKit): void {
  const { rooms } = world;
  r.post(
    '/rooms',
    authed((req, res, me) => {
      const input = parse(body.roomCreate, req.body);
      if (input.teamId) throw badRequest('Team spaces are not supported by the sandbox.');
      res.json(rooms.json(rooms.create(me, input), me));
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
      page(req, res, rooms.list(me, { type, sortBy }).map((x) => rooms.json(x, me)), maxParam(req, 100, 1000));
    }),
  );
  r.get('/rooms/:id', authed((req, res, me) => void res.json(rooms.json(rooms.get(me, String(req.params.id)), me))));
  r.put(
    '/rooms/:id',
    authed((req, res, me) => {
      const room = rooms.update(me, String(req.params.id), parse(body.roomUpdate, req.body));
      res.json(rooms.json(room, me));
    }),
  );
  r.delete(
    '/rooms/:id',
    authed((req, res, me) => {
      rooms.remove(me, String(req.params.id));
      res.status(204).end();
    }),
  );
}

export function membershipRoutes(r: Router, { world, authed, page }: RouteKit): void {
  const { memberships } = world;
  r.post(
    '/memberships',
    authed((req, res, me) => void res.json(memberships.json(memberships.create(me, parse(body.membershipCreate, req.body))))),
  );
  r.get(
    '/memberships',
    authed((req, res, me) => {
      const list = memberships.list(me, {
        roomId: query(req, 'roomId'),
        personId: query(req, 'personId'),
        personEmail: query(req, 'personEmail'),
      });
      page(req, res, list.map((m) => memberships.json(m)), maxParam(req, 100, 1000));
    }),
  );
  r.get('/memberships/:id', authed((req, res, me) => void res.json(memberships.json(memberships.get(me, String(req.params.id))))));
  r.put(
    '/memberships/:id',
    authed((req, res, me) => {
      const m = memberships.update(me, String(req.params.id), parse(body.membershipUpdate, req.body));
      res.json(memberships.json(m));
    }),
  );
  r.delete(
    '/memberships/:id',
    authed((req, res, me) => {
      memberships.remove(me, String(req.params.id));
      res.status(204).end();
    }),
  );
}

export function messageRoutes(r: Router, { world, authed, setNextLink }: RouteKit): void {
  const { messages } = world;
  r.post(
    '/messages',
    authed((req, res, me) => {
      const input = parse(body.messageCreate, req.body);
      if (input.files?.length) throw badRequest('File attachments are not supported by the sandbox.');
      if (input.html !== undefined) throw badRequest('html messages are not supported by the sandbox; use markdown.');
      res.json(messages.json(messages.create(me, input)));
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
      const list = messages.list(me, {
        roomId,
        parentId: query(req, 'parentId'),
        mentionedPeople: query(req, 'mentionedPeople'),
        before: query(req, 'before'),
        beforeMessage: query(req, 'beforeMessage'),
      });
      const slice = list.slice(0, max);
      if (list.length > max) setNextLink(req, res, { beforeMessage: slice[slice.length - 1]!.id });
      res.json({ items: slice.map((m) => messages.json(m)) });
    }),
  );
  r.get('/messages/:id', authed((req, res, me) => void res.json(messages.json(messages.get(me, String(req.params.id))))));
  r.put(
    '/messages/:id',
    authed((req, res, me) => {
      const msg = messages.edit(me, String(req.params.id), parse(body.messageEdit, req.body));
      res.json(messages.json(msg));
    }),
  );
  r.delete(
    '/messages/:id',
    authed((req, res, me) => {
      messages.remove(me, String(req.params.id));
      res.status(204).end();
    }),
  );
}

export function webhookRoutes(r: Router, { world, authed, page }: RouteKit): void {
  const { webhooks } = world;
  r.post(
    '/webhooks',
    authed((req, res, me) => void res.json(webhooks.json(webhooks.create(me, parse(body.webhookCreate, req.body))))),
  );
  r.get(
    '/webhooks',
    authed((req, res, me) => {
      page(req, res, webhooks.list(me).map((w) => webhooks.json(w)), maxParam(req, 100, 1000));
    }),
  );
  r.get('/webhooks/:id', authed((req, res, me) => void res.json(webhooks.json(webhooks.get(me, String(req.params.id))))));
  r.put(
    '/webhooks/:id',
    authed((req, res, me) => {
      const w = webhooks.update(me, String(req.params.id), parse(body.webhookUpdate, req.body));
      res.json(webhooks.json(w));
    }),
  );
  r.delete(
    '/webhooks/:id',
    authed((req, res, me) => {
      webhooks.remove(me, String(req.params.id));
      res.status(204).end();
    }),
  );
}

export function actionRoutes(r: Router, { world, authed }: RouteKit): void {
  const { actions } = world;
  r.post(
    '/attachment/actions',
    // Webex answers 202 Accepted (the spec's `POST /attachment/actions`).
    authed((req, res, me) => void res.status(202).json(actions.json(actions.create(me, parse(body.actionCreate, req.body))))),
  );
  r.get('/attachment/actions/:id', authed((req, res, me) => void res.json(actions.json(actions.get(me, String(req.params.id))))));
}
