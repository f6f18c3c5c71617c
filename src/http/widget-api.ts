// The widget API (`/api/v1`): the routes of the contract in src/contract/widget-api.ts, whose
// schemas validate every body and query here. SSE event ids are message seqs (Last-Event-ID
// resumes). The chat token goes in `Authorization: Bearer …`. EventSource and sendBeacon cannot set
// headers, so the events and messages GETs also take `?token=` (blanked in the logs) and
// `leave` takes it in its text body.
import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import {
  chatIdParam,
  configQuery,
  leaveBeacon,
  pollQuery,
  closeChatBody,
  postMessageBody,
  startChatBody,
  type ConfigResponse,
  type StartedChatResponse,
  type TopicInfo,
} from '../contract/widget-api.js';
import type { Chat, Topic } from '../domain/types.js';
import type { ChatService } from '../services/chats.js';
import type { TopicHours } from '../services/context.js';
import { ChatError, type ChatErrorCode } from '../services/errors.js';
import type { ChatNotices } from '../services/notices.js';
import type { ServerI18n } from '../i18n.js';
import type { RateLimitStore } from '../ports.js';
import type { RouteMount } from './app.js';
import { HttpError } from './errors.js';
import { ipKey, limiter, refusalLimit, StreamQuota } from './limits.js';
import { pollMessages, serveEvents, toWire } from './sse.js';
import { sharedReads, type StreamRegistry } from './streams.js';

export interface WidgetApiOptions {
  chats: ChatService;
  notices: ChatNotices;
  streams: StreamRegistry;
  i18n: ServerI18n;
  hours(topicId: string, at: Date): TopicHours | Promise<TopicHours>;
  now(): Date;
  /** Origins allowed by CORS besides the server's own. */
  allowedOrigins: string[];
  languages: string[];
  theme?: Record<string, string>;
  /** New chats per IP per minute. */
  chatsPerMinute?: number;
  /** Visitor messages per chat per minute. */
  messagesPerMinute?: number;
  /** Visitor messages per IP per minute, across all its chats. */
  messagesPerIpPerMinute?: number;
  /** Refused chat requests (unknown chat, wrong token) per IP per minute. */
  refusedPerMinute?: number;
  /** Open event streams per chat and per IP (on this instance). */
  streamsPerChat?: number;
  streamsPerIp?: number;
  /** Where rate limits count: shared by every instance. Absent: in this process only. */
  counters?: RateLimitStore;
  heartbeatMs?: number;
  /** Longest long-poll wait in seconds. */
  maxWaitSeconds?: number;
  onStreamOpen?(chatId: string): void;
  onStreamClose?(chatId: string): void;
}

const STATUS: Record<ChatErrorCode, number> = {
  unknown_topic: 404,
  not_found: 404,
  topic_closed: 409,
  chat_closed: 409,
  transcript_expired: 410,
  invalid_fields: 400,
  identity_invalid: 401,
};

function httpError(error: unknown): unknown {
  if (error instanceof ChatError) return new HttpError(STATUS[error.code], error.code, error.message, error.details);
  return error;
}

/** Express 5 forwards rejections; this also maps service refusals to statuses. */
function handle(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next: NextFunction) => {
    fn(req, res).catch((error: unknown) => next(httpError(error)));
  };
}

function bearer(req: Request): string | null {
  const header = req.get('authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (match?.[1]) return match[1];
  return null;
}

function queryToken(req: Request): string | null {
  return typeof req.query.token === 'string' && req.query.token ? req.query.token : null;
}

/** The beacon's body: `{"token":"…"}` or the bare token, sent as text/plain. */
function beaconToken(req: Request): string | null {
  const body: unknown = req.body;
  if (typeof body === 'string') {
    const text = body.trim();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: the bare token
    }
    const parsed = leaveBeacon.safeParse(json);
    return parsed.success ? parsed.data.token : text || null;
  }
  const parsed = leaveBeacon.safeParse(body);
  return parsed.success ? parsed.data.token : null;
}

function localizedName(topic: Topic, lng: string): string {
  const base = lng.split('-')[0]!;
  return topic.names[lng] ?? topic.names[base] ?? topic.names.en ?? Object.values(topic.names)[0] ?? topic.id;
}

/** The chat of `:id` when the request carries its token (the query's too when allowed). */
async function authorized(chats: ChatService, req: Request, allowQuery = false): Promise<Chat> {
  const { id } = chatIdParam.parse(req.params);
  const token = bearer(req) ?? (allowQuery ? queryToken(req) : null);
  return chats.authorize(id, token);
}

/** The config, a new chat, and a visitor's message. */
function startRoutes(router: Router, options: WidgetApiOptions, limits: { create: RequestHandler; message: RequestHandler[] }): void {
  const { chats, i18n } = options;
  router.get(
    '/config',
    handle(async (req, res) => {
      const { lang } = configQuery.parse(req.query);
      const lng = i18n.resolve(lang);
      const now = options.now();
      const topics = await chats.topics();
      const list = await Promise.all(
        topics.map(async (topic): Promise<TopicInfo> => {
          const hours = await options.hours(topic.id, now);
          return {
            id: topic.id,
            name: localizedName(topic, lng),
            mode: topic.mode,
            open: hours.open,
            nextOpening: hours.open || !hours.nextOpening ? null : hours.nextOpening.toISOString(),
            fields: topic.fields.map((f) => ({
              name: f.name,
              type: f.type,
              required: f.required,
              label: f.label[lng] ?? f.label.en ?? Object.values(f.label)[0] ?? f.name,
            })),
          };
        }),
      );
      res.set('Cache-Control', 'no-store');
      const body: ConfigResponse = { topics: list, languages: options.languages, language: lng, theme: options.theme ?? {} };
      res.json(body);
    }),
  );

  router.post(
    '/chats',
    limits.create,
    handle(async (req, res) => {
      // A signed identity is checked by the service (IDENTITY_SECRET): bad or stale is a 401.
      const body = startChatBody.parse(req.body ?? {});
      const started = await chats.start(body, {
        ip: req.ip ?? req.socket.remoteAddress ?? null,
        userAgent: req.get('user-agent') ?? null,
      });
      const answer: StartedChatResponse = {
        id: started.chat.id,
        token: started.token,
        state: started.chat.state,
        language: started.chat.language,
        messages: started.messages.map(toWire),
      };
      res.status(201).json(answer);
    }),
  );

  router.post(
    '/chats/:id/messages',
    limits.message,
    handle(async (req, res) => {
      const { id } = chatIdParam.parse(req.params);
      const token = bearer(req);
      const body = postMessageBody.safeParse(req.body ?? {});
      if (!body.success) {
        await chats.authorize(id, token); // a stranger learns nothing, not even about the body
        throw body.error;
      }
      // The token is checked with the append (one round trip for a chat known here).
      const { seq } = await chats.postMessageWithToken(id, token, body.data.text, body.data.clientId);
      res.status(202).json({ seq });
    }),
  );

}

/** Reading a chat (long-poll and SSE), closing it, and the leave beacon. */
function readRoutes(router: Router, options: WidgetApiOptions): void {
  const { chats } = options;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxWait = (options.maxWaitSeconds ?? 30) * 1000;
  const quota = new StreamQuota(options.streamsPerChat ?? 3, options.streamsPerIp ?? 30);
  // A chat's streams and polls share each read rather than each querying the store.
  const read = sharedReads((id: string, after: number) => chats.messagesAfter(id, after));
  router.get(
    '/chats/:id/messages',
    handle(async (req, res) => {
      const chat = await authorized(chats, req, true);
      const query = pollQuery.parse(req.query);
      await chats.touch(chat);
      const waitMs = chat.state === 'closed' ? 0 : Math.min(query.wait * 1000, maxWait);
      const messages = await pollMessages(res, chat.id, query.after, waitMs, {
        notices: options.notices,
        streams: options.streams,
        read,
      });
      if (res.writableEnded || res.destroyed) return;
      const state = waitMs > 0 ? ((await chats.stateOf(chat.id)) ?? chat.state) : chat.state;
      res.set('Cache-Control', 'no-store');
      res.json({ messages: messages.map(toWire), state });
    }),
  );

  router.get(
    '/chats/:id/events',
    handle(async (req, res) => {
      const chat = await authorized(chats, req, true);
      const release = quota.acquire(chat.id, ipKey(req));
      res.on('close', release);
      await chats.touch(chat);
      await serveEvents(req, res, chat, {
        notices: options.notices,
        streams: options.streams,
        heartbeatMs,
        read,
        state: (id) => chats.stateOf(id),
        ...(options.onStreamOpen ? { onOpen: options.onStreamOpen } : {}),
        ...(options.onStreamClose ? { onClose: options.onStreamClose } : {}),
      });
    }),
  );

  router.post(
    '/chats/:id/close',
    handle(async (req, res) => {
      const chat = await authorized(chats, req);
      const body = closeChatBody.parse(req.body ?? {});
      const closed = await chats.closeByVisitor(chat, body.reason === 'gave_up');
      res.json({ state: closed.state });
    }),
  );

  router.post(
    '/chats/:id/leave',
    express.text({ type: ['text/plain', 'application/octet-stream'], limit: 1024 }),
    handle(async (req, res) => {
      const { id } = chatIdParam.parse(req.params);
      const chat = await chats.authorize(id, bearer(req) ?? beaconToken(req));
      await chats.leave(chat);
      res.status(204).end();
    }),
  );

}

export function widgetApi(options: WidgetApiOptions): RouteMount {
  const allowed = new Set(options.allowedOrigins.map((o) => o.replace(/\/$/, '')));

  return (app: Express) => {
    const router = express.Router();

    router.use(
      cors({
        origin(origin, callback) {
          // No Origin: same-origin or not a browser. Otherwise only the allowlist.
          callback(null, !origin || allowed.has(origin) ? (origin ?? false) : false);
        },
        methods: ['GET', 'POST'],
        allowedHeaders: ['Content-Type', 'Authorization', 'Last-Event-ID'],
        maxAge: 600,
      }),
    );

    const { counters } = options;
    // Guessing chat ids or tokens: refusals count per address, in every instance.
    const refusals = refusalLimit(
      {
        windowMs: 60_000,
        limit: options.refusedPerMinute ?? 30,
        statuses: [401, 403, 404, 410],
        message: 'Too many requests for chats that do not exist here; try again in a minute.',
      },
      counters,
    );
    router.use('/chats/:id', refusals.gate);
    const createLimit = limiter(
      { name: 'chats', windowMs: 60_000, limit: options.chatsPerMinute ?? 20, message: 'Too many new chats from this address; try again in a minute.' },
      counters,
    );
    const messageLimits = [
      limiter(
        { name: 'messages-ip', windowMs: 60_000, limit: options.messagesPerIpPerMinute ?? 120, message: 'Too many messages from this address; slow down a little.' },
        counters,
      ),
      limiter(
        {
          name: 'messages-chat',
          windowMs: 60_000,
          limit: options.messagesPerMinute ?? 60,
          key: (req) => String(req.params.id),
          message: 'Too many messages; slow down a little.',
        },
        counters,
      ),
    ];

    startRoutes(router, options, { create: createLimit, message: messageLimits });
    readRoutes(router, options);
    router.use('/chats/:id', refusals.count);
    app.use('/api/v1', router);
  };
}
