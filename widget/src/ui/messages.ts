// The conversation as the widget shows it: server messages ordered by sequence, plus the
// visitor's own messages that are still on their way. Pure, so reconnects, retries and
// duplicate deliveries can be reasoned about (and tested) without a browser.
import type { Sender, ServerMessage, WireBlock } from '../shared/types.js';

export type DeliveryStatus = 'sending' | 'failed' | 'sent';

export interface ViewMessage {
  /** Stable key for the DOM: `c:<clientId>` while local, kept once the server confirms it. */
  key: string;
  seq: number | null;
  clientId: string | null;
  from: Sender;
  text: string;
  at: string;
  authorName: string | null;
  /** An agent's formatting (rendered by ./rich.ts); null for plain messages. */
  rich: WireBlock[] | null;
  data: Record<string, unknown> | null;
  status: DeliveryStatus;
}

export function fromServer(m: ServerMessage): ViewMessage {
  return {
    key: m.clientId ? `c:${m.clientId}` : `s:${m.seq}`,
    seq: m.seq,
    clientId: m.clientId ?? null,
    from: m.from,
    text: m.text,
    at: m.at,
    authorName: m.name ?? null,
    rich: m.from === 'agent' && Array.isArray(m.rich) ? m.rich : null,
    data: m.data ?? null,
    status: 'sent',
  };
}

export function localMessage(clientId: string, text: string, at: Date): ViewMessage {
  return {
    key: `c:${clientId}`,
    seq: null,
    clientId,
    from: 'visitor',
    text,
    at: at.toISOString(),
    authorName: null,
    rich: null,
    data: null,
    status: 'sending',
  };
}

function order(list: ViewMessage[]): ViewMessage[] {
  // Confirmed messages by sequence; messages still on their way stay last, in send order.
  const confirmed = list.filter((m) => m.seq !== null).sort((a, b) => a.seq! - b.seq!);
  const pending = list.filter((m) => m.seq === null);
  return [...confirmed, ...pending];
}

export interface MergeResult {
  list: ViewMessage[];
  /** Messages not seen before (what the live region announces). */
  added: ViewMessage[];
}

/** Adds server messages; a sequence already present (or a clientId we sent) is not added twice. */
export function mergeServer(list: ViewMessage[], incoming: ServerMessage[]): MergeResult {
  let next = list.slice();
  const added: ViewMessage[] = [];
  for (const m of incoming) {
    if (next.some((v) => v.seq === m.seq)) continue;
    // Our own message coming back: by clientId when the server echoes it, else the oldest
    // message still on its way with the same text (the stream can beat the POST's answer).
    const mine = m.clientId
      ? next.findIndex((v) => v.clientId === m.clientId)
      : m.from === 'visitor'
        ? next.findIndex((v) => v.seq === null && v.from === 'visitor' && v.text === m.text)
        : -1;
    if (mine >= 0) {
      next[mine] = { ...next[mine]!, seq: m.seq, at: m.at, status: 'sent' };
      continue;
    }
    const view = fromServer(m);
    next.push(view);
    added.push(view);
  }
  next = order(next);
  return { list: next, added };
}

/** The server accepted our message as `seq` (202). The stream may have delivered it already. */
export function markSent(list: ViewMessage[], clientId: string, seq: number): ViewMessage[] {
  const mine = list.find((v) => v.clientId === clientId);
  if (!mine) return list;
  const echoed = list.find((v) => v.seq === seq && v !== mine);
  const rest = list.filter((v) => v !== mine && v !== echoed);
  const merged: ViewMessage = { ...mine, seq, status: 'sent', at: echoed?.at ?? mine.at };
  return order([...rest, merged]);
}

export function markFailed(list: ViewMessage[], clientId: string): ViewMessage[] {
  return list.map((v) => (v.clientId === clientId && v.seq === null ? { ...v, status: 'failed' } : v));
}

export function markSending(list: ViewMessage[], clientId: string): ViewMessage[] {
  return list.map((v) => (v.clientId === clientId && v.seq === null ? { ...v, status: 'sending' } : v));
}

/** Highest sequence confirmed by the stream or a poll: where a resume starts. */
export function highestSeq(messages: ServerMessage[], current: number): number {
  return messages.reduce((max, m) => (m.seq > max ? m.seq : max), current);
}

export function quickReplies(m: ViewMessage): string[] {
  const raw = m.data?.['quickReplies'];
  if (!Array.isArray(raw)) return [];
  const out: string[] = [];
  for (const r of raw) {
    if (typeof r === 'string' && r.trim()) out.push(r);
    else if (r && typeof r === 'object') {
      const o = r as Record<string, unknown>;
      const label = o['title'] ?? o['text'] ?? o['label'];
      if (typeof label === 'string' && label.trim()) out.push(label);
    }
  }
  return out.slice(0, 8);
}

/** A system line's offer the widget acts on: queued too long, leave a message instead. */
export function hasLeaveOffer(m: ViewMessage): boolean {
  return m.from === 'system' && m.data?.['offer'] === 'leave_message';
}

/** What the visitor wrote so far, oldest first: the offline form's message when they give up waiting. */
export function visitorText(list: ViewMessage[], max: number): string {
  return list.filter((m) => m.from === 'visitor' && m.status !== 'failed').map((m) => m.text).join('\n\n').slice(0, max);
}
