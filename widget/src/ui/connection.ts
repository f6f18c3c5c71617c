// Keeps the visitor's view of a chat current: an SSE stream read with fetch (resumed with
// Last-Event-ID), falling back to long-polling when streams keep failing. The decisions live in
// transport-machine.ts; this file only does the I/O.
import type { ChatState, ServerMessage } from '../shared/types.js';
import type { Api } from './api.js';
import { ApiError } from './api.js';
import { SseParser } from './sse.js';
import { highestSeq } from './messages.js';
import { initialTransport, nextTransport, type TransportEvent, type TransportState } from './transport-machine.js';

export type LinkStatus = 'connecting' | 'live' | 'reconnecting';

export interface ConnectionHandlers {
  messages(list: ServerMessage[]): void;
  state(state: ChatState): void;
  status(status: LinkStatus): void;
  /** The chat is gone for us (404/401: expired or purged). */
  lost(): void;
  /** Someone on the other side started or stopped typing. */
  typing?(from: string, active: boolean): void;
}

const POLL_WAIT_S = 25;

function isServerMessage(v: unknown): v is ServerMessage {
  const o = v as Partial<ServerMessage> | null;
  return !!o && typeof o.seq === 'number' && typeof o.from === 'string' && typeof o.text === 'string';
}

export class Connection {
  private transport: TransportState = initialTransport();
  private lastSeq: number;
  private abort: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  private finishing = false;
  private readonly onOnline = () => this.step({ type: 'online' });

  constructor(
    private readonly api: Api,
    private readonly chatId: string,
    private readonly token: string,
    lastSeq: number,
    private readonly on: ConnectionHandlers,
  ) {
    this.lastSeq = lastSeq;
  }

  get mode() {
    return this.transport.mode;
  }

  start(): void {
    window.addEventListener('online', this.onOnline);
    this.on.status('connecting');
    this.run();
  }

  /**
   * The chat is closed: no reconnecting, but let the open stream deliver what the server still
   * sends after the state change (its closing message), then stop.
   */
  finish(): void {
    if (this.stopped || this.finishing) return;
    this.finishing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.stop(), 5_000);
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    if (this.timer) clearTimeout(this.timer);
    this.abort?.abort();
  }

  /** Messages learnt elsewhere (e.g. the initial list): the resume point moves past them. */
  seen(list: ServerMessage[]): void {
    this.lastSeq = highestSeq(list, this.lastSeq);
  }

  private step(e: TransportEvent): void {
    if (this.stopped || this.finishing) return;
    const { state, delayMs } = nextTransport(this.transport, e);
    this.transport = state;
    if (e.type === 'streamDelivered') return; // the stream is still running
    if (e.type === 'online') this.abort?.abort(); // stale attempt: reconnect now
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), delayMs);
  }

  private deliver(list: ServerMessage[]): void {
    const fresh = list.filter((m) => m.seq > this.lastSeq);
    if (!fresh.length) return;
    this.lastSeq = highestSeq(fresh, this.lastSeq);
    this.on.messages(fresh);
  }

  private run(): void {
    if (this.stopped) return;
    this.timer = null;
    this.abort?.abort();
    this.abort = new AbortController();
    if (this.transport.mode === 'sse') void this.stream(this.abort.signal);
    else void this.poll(this.abort.signal);
  }

  private online(): boolean {
    return typeof navigator.onLine === 'boolean' ? navigator.onLine : true;
  }

  private gone(err: unknown): boolean {
    if (err instanceof ApiError && (err.status === 404 || err.status === 401 || err.status === 410)) {
      this.stop();
      this.on.lost();
      return true;
    }
    return false;
  }

  private async stream(signal: AbortSignal): Promise<void> {
    let delivered = false;
    try {
      const res = await this.api.events(this.chatId, this.token, this.lastSeq, signal);
      if (res.status === 204) {
        // The chat is closed and nothing is left to read.
        this.stop();
        this.on.state('closed');
        return;
      }
      if (!res.ok) {
        const err = new ApiError(res.status, null);
        if (this.gone(err)) return;
        throw err;
      }
      const type = res.headers.get('content-type') ?? '';
      if (!res.body || !type.includes('text/event-stream')) throw new Error('not an event stream');
      const parser = new SseParser();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const events = parser.push(value);
        if (!delivered) {
          delivered = true;
          this.on.status('live');
          this.step({ type: 'streamDelivered' });
        }
        for (const ev of events) this.handle(ev.event, ev.data);
      }
    } catch {
      /* network error, abort or a broken stream: the machine decides what next */
    }
    // Aborted on purpose (stop, or a fresher attempt already scheduled): nothing to decide.
    if (signal.aborted || this.stopped) return;
    if (this.finishing) return this.stop();
    this.on.status(this.online() && delivered ? 'connecting' : 'reconnecting');
    this.step({ type: 'streamEnded', delivered, online: this.online() });
  }

  private handle(event: string, data: string): void {
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    if (event === 'typing') {
      const t = payload as { from?: unknown; active?: unknown } | null;
      if (typeof t?.from === 'string') this.on.typing?.(t.from, t.active !== false);
      return;
    }
    if (event === 'state' || event === 'status') {
      const state = (payload as { state?: unknown })?.state;
      if (typeof state === 'string') this.on.state(state as ChatState);
      return;
    }
    if (event === 'message' || event === 'messages') {
      const list = Array.isArray(payload) ? payload : [payload];
      this.deliver(list.filter(isServerMessage));
      const state = (payload as { state?: unknown })?.state;
      if (!Array.isArray(payload) && typeof state === 'string' && !isServerMessage(payload)) {
        this.on.state(state as ChatState);
      }
    }
  }

  private async poll(signal: AbortSignal): Promise<void> {
    try {
      const res = await this.api.messages(this.chatId, this.token, this.lastSeq, POLL_WAIT_S, signal);
      this.on.status('live');
      this.deliver(res.messages.filter(isServerMessage));
      this.on.state(res.state);
      if (res.state === 'closed') {
        this.stop();
        return;
      }
      this.step({ type: 'pollOk' });
    } catch (err) {
      if (this.gone(err) || this.stopped || signal.aborted) return;
      this.on.status('reconnecting');
      this.step({ type: 'pollFailed', online: this.online() });
    }
  }
}
