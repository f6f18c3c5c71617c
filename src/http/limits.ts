// Abuse limits of the widget API. Rate limits are express-rate-limit middlewares counting in the
// shared RateLimitStore (the database), so every instance enforces one limit, not one each.
// Open event streams are counted per chat and per IP on this instance.
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Options, type Store } from 'express-rate-limit';
import type { RateLimitStore } from '../ports.js';
import { HttpError } from './errors.js';

/** express-rate-limit's Store over the shared counters; `prefix` keeps each limit's keys apart. */
class SharedCounters implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly counters: RateLimitStore,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<{ totalHits: number; resetTime: Date }> {
    const { count, resetAt } = await this.counters.hit(this.prefix + key, this.windowMs);
    return { totalHits: count, resetTime: resetAt };
  }

  decrement(key: string): Promise<void> {
    return this.counters.unhit(this.prefix + key);
  }

  resetKey(key: string): Promise<void> {
    return this.counters.resetHits(this.prefix + key);
  }
}

/** The client's address as a rate-limit key (an IPv6 /56 counts as one client). */
export function ipKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

export interface LimitSpec {
  /** Names the limit's keys in the shared store. */
  name: string;
  windowMs: number;
  limit: number;
  message: string;
  key?: (req: Request) => string;
}

/** A rate limit; counted in `counters` when given (every instance), else in this process. */
export function limiter(spec: LimitSpec, counters?: RateLimitStore): RequestHandler {
  return rateLimit({
    windowMs: spec.windowMs,
    limit: spec.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    keyGenerator: spec.key ?? ipKey,
    ...(counters ? { store: new SharedCounters(counters, `${spec.name}:`) } : {}),
    handler: (_req, res) => {
      res.status(429).json({ error: 'rate_limited', message: spec.message });
    },
  });
}

/** Fixed windows in this process: the fallback when no shared counters are given. */
function localCounters(): Pick<RateLimitStore, 'hit'> {
  const windows = new Map<string, { count: number; resetAt: Date }>();
  return {
    hit: async (key, windowMs) => {
      const now = Date.now();
      let w = windows.get(key);
      if (!w || w.resetAt.getTime() <= now) {
        if (windows.size > 10_000) windows.clear();
        w = { count: 0, resetAt: new Date(now + windowMs) };
        windows.set(key, w);
      }
      w.count++;
      return { ...w };
    },
  };
}

export interface RefusalLimit {
  /** Before the routes: an address known to be over the limit is refused at once. */
  gate: RequestHandler;
  /** After the routes: counts each refusal; past the limit the refusal becomes a 429. */
  count: ErrorRequestHandler;
}

/**
 * Limits refused chat requests (unknown chat, wrong token, expired transcript) per address. Only
 * refusals count, when they happen, so long streams and polls of real visitors never do. The
 * count is shared; each instance remembers an address it saw go over until its window ends.
 */
export function refusalLimit(spec: { limit: number; windowMs: number; statuses: number[]; message: string }, counters?: RateLimitStore): RefusalLimit {
  const store = counters ?? localCounters();
  const blocked = new Map<string, number>();
  const refuse = (res: Response, until: number) => {
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil((until - Date.now()) / 1000))));
    res.status(429).json({ error: 'rate_limited', message: spec.message });
  };
  return {
    gate: (req, res, next) => {
      const until = blocked.get(ipKey(req));
      if (until !== undefined && until > Date.now()) refuse(res, until);
      else next();
    },
    count: (error: unknown, req, res, next) => {
      if (!(error instanceof HttpError) || !spec.statuses.includes(error.status)) {
        next(error);
        return;
      }
      const key = ipKey(req);
      store.hit(`refused:${key}`, spec.windowMs).then(({ count, resetAt }) => {
        if (count <= spec.limit) {
          next(error);
          return;
        }
        if (blocked.size > 10_000) blocked.clear();
        blocked.set(key, resetAt.getTime());
        refuse(res, resetAt.getTime());
      }, next);
    },
  };
}

/** At most `perChat` open streams on one chat and `perIp` from one client, on this instance. */
export class StreamQuota {
  private readonly byChat = new Map<string, number>();
  private readonly byIp = new Map<string, number>();

  constructor(
    private readonly perChat: number,
    private readonly perIp: number,
  ) {}

  /** Takes a place for a new stream (429 when there is none); returns how to give it back. */
  acquire(chatId: string, ip: string): () => void {
    const onChat = this.byChat.get(chatId) ?? 0;
    const onIp = this.byIp.get(ip) ?? 0;
    if (onChat >= this.perChat) {
      throw new HttpError(429, 'too_many_streams', `This chat already has ${this.perChat} open event streams; close one (another tab or window) first.`);
    }
    if (onIp >= this.perIp) {
      throw new HttpError(429, 'too_many_streams', `This address already has ${this.perIp} open event streams; close some first.`);
    }
    this.byChat.set(chatId, onChat + 1);
    this.byIp.set(ip, onIp + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      StreamQuota.take(this.byChat, chatId);
      StreamQuota.take(this.byIp, ip);
    };
  }

  private static take(counts: Map<string, number>, key: string): void {
    const left = (counts.get(key) ?? 1) - 1;
    if (left > 0) counts.set(key, left);
    else counts.delete(key);
  }
}
