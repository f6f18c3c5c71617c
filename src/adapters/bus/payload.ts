// Both buses share one size rule, so code that works in-process also works across instances.
import type { Json } from '../../ports.js';

/** PostgreSQL NOTIFY refuses payloads of 8000 bytes or more; keep a margin for the envelope. */
export const MAX_EVENT_BYTES = 7900;

export class EventTooLargeError extends Error {
  constructor(channel: string, bytes: number) {
    super(
      `event on "${channel}" is ${bytes} bytes, above the ${MAX_EVENT_BYTES}-byte limit of the event bus: ` +
        'publish ids and sequence numbers, and let the receiver read the rest from the Store',
    );
    this.name = 'EventTooLargeError';
  }
}

/** The serialized envelope `{ c: channel, p: payload }`, checked against the limit. */
export function encodeEvent(channel: string, payload: Json): string {
  if (!channel) throw new Error('event channel must not be empty');
  const text = JSON.stringify({ c: channel, p: payload });
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_EVENT_BYTES) throw new EventTooLargeError(channel, bytes);
  return text;
}

export function decodeEvent(text: string): { channel: string; payload: Json } | null {
  try {
    const value = JSON.parse(text) as { c?: unknown; p?: Json };
    if (typeof value.c !== 'string' || !('p' in value)) return null;
    return { channel: value.c, payload: value.p as Json };
  } catch {
    return null;
  }
}
