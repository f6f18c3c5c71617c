// The widget API (`/api/v1`), the contract the visitor widget and outside checks rely on:
//   GET  /config?lang=xx                      topics (open now?), languages, theme
//   POST /chats                               → 201 { id, token, state, messages }
//   POST /chats/:id/messages {text, clientId} → 202 { seq }  (same clientId: stored once)
//   GET  /chats/:id/events                    SSE, event id = message seq, Last-Event-ID resumes
//   GET  /chats/:id/messages?after=N&wait=S   { messages, state } (long-poll when wait > 0)
//   POST /chats/:id/close, POST /chats/:id/leave (sendBeacon)
// The chat token goes in `Authorization: Bearer …`. EventSource and sendBeacon cannot set
// headers, so the events and messages GETs also take `?token=` (blanked in the logs) and
// `leave` takes it in its text body.
import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import type { Chat, Topic } from '../domain/types.js';
import type { ChatService } from '../services/chats.js';
import type { TopicHours } from '../services/context.js';
import { ChatError, type ChatErrorCode } from '../services/errors.js';
import type { ChatNotices } from '../services/notices.js';
import type { ServerI18n } from '../i18n.js';
import type { Store } from '../ports.js';
import type { RouteMount } from './app.js';
import { HttpError } from './errors.js';
import { pollMessages, serveEvents, toWire } from './sse.js';
import type { StreamRegistry } from './streams.js';

export interface WidgetApiOptions {
  chats: ChatService;
  store: Store;
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
  invalid_fields: 422,
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

const language = z.string().trim().max(35).regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/);

const startSchema = z.strictObject({
  topic: z.string().trim().min(1).max(40),
  language: language.optional(),
  name: z.string().max(100).optional(),
  email: z.string().trim().max(320).optional(),
  fields: z
    .record(z.string().max(40), z.string().max(500))
    .refine((f) => Object.keys(f).length <= 20, 'at most 20 fields')
    .optional(),
  page: z.string().max(2000).optional(),
});

const messageSchema = z.strictObject({
  text: z
    .string()
    .max(4000)
    .refine((t) => t.trim().length > 0, 'must not be empty'),
  clientId: z.string().trim().min(1).max(100),
});

const pollQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  wait: z.coerce.number().min(0).max(60).default(0),
  token: z.string().optional(),
});

const configQuery = z.object({ lang: language.optional() });
const idParam = z.object({ id: z.string().min(1).max(100) });

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
    try {
      const parsed = JSON.parse(text) as { token?: unknown };
      if (typeof parsed?.token === 'string') return parsed.token;
    } catch {
      // not JSON: the bare token
    }
    return text || null;
  }
  if (body && typeof body === 'object' && typeof (body as { token?: unknown }).token === 'string') {
    return (body as { token: string }).token;
  }
  return null;
}

function localizedName(topic: Topic, lng: string): string {
  const base = lng.split('-')[0]!;
  return topic.names[lng] ?? topic.names[base] ?? topic.names.en ?? Object.values(topic.names)[0] ?? topic.id;
}

export function widgetApi(options: WidgetApiOptions): RouteMount {
  const { chats, store, i18n } = options;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxWait = (options.maxWaitSeconds ?? 30) * 1000;
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

    const createLimit = rateLimit({
      windowMs: 60_000,
      limit: options.chatsPerMinute ?? 20,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      message: { error: 'rate_limited', message: 'Too many new chats from this address; try again in a minute.' },
    });
    const messageLimit = rateLimit({
      windowMs: 60_000,
      limit: options.messagesPerMinute ?? 60,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: (req) => `chat:${String(req.params.id)}`,
      message: { error: 'rate_limited', message: 'Too many messages; slow down a little.' },
    });

    const authorized = async (req: Request, allowQuery = false): Promise<Chat> => {
      const { id } = idParam.parse(req.params);
      const token = bearer(req) ?? (allowQuery ? queryToken(req) : null);
      return chats.authorize(id, token);
    };

    router.get(
      '/config',
      handle(async (req, res) => {
        const { lang } = configQuery.parse(req.query);
        const lng = i18n.resolve(lang);
        const now = options.now();
        const topics = (await store.listTopics()).sort((a, b) => a.position - b.position);
        const list = await Promise.all(
          topics.map(async (topic) => {
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
        res.json({ topics: list, languages: options.languages, language: lng, theme: options.theme ?? {} });
      }),
    );

    router.post(
      '/chats',
      createLimit,
      handle(async (req, res) => {
        const body = startSchema.parse(req.body ?? {});
        const started = await chats.start(body, {
          ip: req.ip ?? req.socket.remoteAddress ?? null,
          userAgent: req.get('user-agent') ?? null,
        });
        res.status(201).json({
          id: started.chat.id,
          token: started.token,
          state: started.chat.state,
          language: started.chat.language,
          messages: started.messages.map(toWire),
        });
      }),
    );

    router.post(
      '/chats/:id/messages',
      messageLimit,
      handle(async (req, res) => {
        const { id } = idParam.parse(req.params);
        const token = bearer(req);
        const body = messageSchema.safeParse(req.body ?? {});
        if (!body.success) {
          await chats.authorize(id, token); // a stranger learns nothing, not even about the body
          throw body.error;
        }
        // The token is checked with the append (one round trip for a chat known here).
        const { seq } = await chats.postMessageWithToken(id, token, body.data.text, body.data.clientId);
        res.status(202).json({ seq });
      }),
    );

    router.get(
      '/chats/:id/messages',
      handle(async (req, res) => {
        const chat = await authorized(req, true);
        const query = pollQuery.parse(req.query);
        await chats.touch(chat);
        const waitMs = chat.state === 'closed' ? 0 : Math.min(query.wait * 1000, maxWait);
        const messages = await pollMessages(res, chat.id, query.after, waitMs, {
          notices: options.notices,
          streams: options.streams,
          read: (id, after) => chats.messagesAfter(id, after),
        });
        if (res.writableEnded || res.destroyed) return;
        const state = waitMs > 0 ? ((await store.getChat(chat.id))?.state ?? chat.state) : chat.state;
        res.set('Cache-Control', 'no-store');
        res.json({ messages: messages.map(toWire), state });
      }),
    );

    router.get(
      '/chats/:id/events',
      handle(async (req, res) => {
        const chat = await authorized(req, true);
        await chats.touch(chat);
        await serveEvents(req, res, chat, {
          notices: options.notices,
          streams: options.streams,
          heartbeatMs,
          read: (id, after) => chats.messagesAfter(id, after),
          state: async (id) => (await store.getChat(id))?.state ?? null,
          ...(options.onStreamOpen ? { onOpen: options.onStreamOpen } : {}),
          ...(options.onStreamClose ? { onClose: options.onStreamClose } : {}),
        });
      }),
    );

    router.post(
      '/chats/:id/close',
      handle(async (req, res) => {
        const chat = await authorized(req);
        const closed = await chats.closeByVisitor(chat);
        res.json({ state: closed.state });
      }),
    );

    router.post(
      '/chats/:id/leave',
      express.text({ type: ['text/plain', 'application/octet-stream'], limit: 1024 }),
      handle(async (req, res) => {
        const { id } = idParam.parse(req.params);
        const chat = await chats.authorize(id, bearer(req) ?? beaconToken(req));
        await chats.leave(chat);
        res.status(204).end();
      }),
    );

    app.use('/api/v1', router);
  };
}
