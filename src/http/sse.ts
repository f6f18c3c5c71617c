// Server-Sent Events for one chat. The event id is the message sequence, so a browser that
// reconnects with Last-Event-ID gets exactly what it missed. Notices arrive through the bus
// (seq only); the messages themselves are read from the Store, in order, each sent once.
import type { Request, Response } from 'express';
import { SEQ_MAX, type WireBlock, type WireMessage } from '../contract/widget-api.js';
import type { Chat, ChatMessage } from '../domain/types.js';
import type { ChatNotice, ChatNotices } from '../services/notices.js';
import { HttpError } from './errors.js';
import type { StreamRegistry } from './streams.js';

/** A message as the widget receives it. Only the chat's own visitor reads it, so their clientId may travel. */
export function toWire(message: ChatMessage): WireMessage {
  const wire: WireMessage = { seq: message.seq, from: message.from, text: message.text, at: message.at.toISOString() };
  if (message.authorName && message.from !== 'visitor') wire.name = message.authorName;
  if (message.clientId && message.from === 'visitor') wire.clientId = message.clientId;
  // A system line may carry an offer the widget acts on (queued too long: leave a message).
  if (message.from === 'system' && typeof message.data?.offer === 'string') wire.data = { offer: message.data.offer };
  if (message.data && message.from !== 'system') {
    // The agent's formatting has its own field; the rest of `data` travels as it is.
    const { rich, ...data } = message.data;
    if (message.from === 'agent' && Array.isArray(rich)) wire.rich = rich as WireBlock[];
    if (Object.keys(data).length) wire.data = data;
  }
  return wire;
}

/** What `read` returns at most per call (the chat service's page size). */
export const PAGE = 500;

export interface SseOptions {
  notices: ChatNotices;
  streams: StreamRegistry;
  read(chatId: string, after: number): Promise<ChatMessage[]>;
  state(chatId: string): Promise<Chat['state'] | null>;
  /** Comment lines that keep proxies from closing an idle stream. */
  heartbeatMs: number;
  onOpen?(chatId: string): void;
  onClose?(chatId: string): void;
}

/**
 * `Last-Event-ID` header (a reconnect) or `lastEventId` query (a fresh page resuming). Not a
 * count: from the start. A count beyond any sequence number the database can hold: 400.
 */
function resumePoint(req: Request): number {
  const raw = req.get('last-event-id') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
  const n = raw === undefined ? 0 : Number(raw);
  if (!Number.isInteger(n) || n < 0) return 0;
  if (n > SEQ_MAX) throw new HttpError(400, 'invalid_request', `Last-Event-ID must be at most ${SEQ_MAX}`);
  return n;
}

/** Starts the event stream's answer: no buffering on the way, no idle timeout. */
function openStream(req: Request, res: Response): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  req.socket.setNoDelay(true);
  req.socket.setTimeout(0);
}

/** Whether a closed chat has nothing left after `sent`: then 204 tells EventSource to stop reconnecting. */
async function nothingMore(res: Response, chat: Chat, sent: number, options: SseOptions): Promise<boolean> {
  if (chat.state !== 'closed' || (await options.read(chat.id, sent)).length > 0) return false;
  res.status(204).end();
  return true;
}

export async function serveEvents(req: Request, res: Response, chat: Chat, options: SseOptions): Promise<void> {
  let sent = resumePoint(req);
  if (await nothingMore(res, chat, sent, options)) return;

  openStream(req, res);

  let ended = false;
  let reading = false;
  let readAgain = false;
  let finalState = chat.state === 'closed'; // then the stream ends once the rest is sent
  let shownState: Chat['state'] = chat.state;

  const write = (chunk: string) => {
    if (!ended) res.write(chunk);
  };
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    unregister();
    options.onClose?.(chat.id);
    res.end();
  };

  // Reads everything after `sent`; overlapping notices coalesce into one more read.
  const catchUp = async (): Promise<void> => {
    if (reading) {
      readAgain = true;
      return;
    }
    reading = true;
    try {
      do {
        readAgain = false;
        const messages = await options.read(chat.id, sent);
        for (const message of messages) {
          if (message.seq <= sent) continue;
          write(`id: ${message.seq}\ndata: ${JSON.stringify(toWire(message))}\n\n`);
          sent = message.seq;
        }
        // A long absence may be more than one page: keep reading until a short page.
        if (messages.length >= PAGE) readAgain = true;
      } while (readAgain && !ended);
      if (finalState) end();
    } catch {
      end();
    } finally {
      reading = false;
    }
  };

  const onNotice = (notice: ChatNotice) => {
    if (notice.type === 'message') {
      if (notice.seq > sent) void catchUp();
    } else if (notice.type === 'state') {
      // Heard twice (locally and through the bus): show each change once.
      if (notice.state === shownState) return;
      shownState = notice.state;
      write(`event: state\ndata: ${JSON.stringify({ state: notice.state })}\n\n`);
      if (notice.state === 'closed') {
        // Send what is left (the goodbye), then end: the chat has nothing more to say.
        finalState = true;
        void catchUp();
      }
    } else {
      write(`event: typing\ndata: ${JSON.stringify({ from: notice.from, active: notice.active })}\n\n`);
    }
  };

  // Subscribe before the first read so nothing falls between the two.
  const unsubscribe = options.notices.subscribe(chat.id, onNotice);
  const unregister = options.streams.add(end);
  const heartbeat = setInterval(() => write(': ping\n\n'), options.heartbeatMs).unref();
  res.on('close', end);
  options.onOpen?.(chat.id);

  write(`retry: 3000\nevent: state\ndata: ${JSON.stringify({ state: chat.state })}\n\n`);
  await catchUp();
}

/**
 * Long-poll: resolves with the messages after `after`, waiting up to `waitMs` for one to come
 * (or for a state change) when there are none yet.
 */
export async function pollMessages(
  res: Response,
  chatId: string,
  after: number,
  waitMs: number,
  options: Pick<SseOptions, 'notices' | 'streams' | 'read'>,
): Promise<ChatMessage[]> {
  const first = await options.read(chatId, after);
  if (first.length > 0 || waitMs <= 0) return first;
  await new Promise<void>((resolve) => {
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      unregister();
      res.off('close', finish);
      resolve();
    };
    const unsubscribe = options.notices.subscribe(chatId, (notice) => {
      if (notice.type === 'state' || (notice.type === 'message' && notice.seq > after)) finish();
    });
    const unregister = options.streams.add(finish);
    const timer = setTimeout(finish, waitMs);
    res.on('close', finish);
    // A message stored between the first read and the subscription: look once more.
    void options.read(chatId, after).then((m) => {
      if (m.length > 0) finish();
    }, finish);
  });
  return options.read(chatId, after);
}
