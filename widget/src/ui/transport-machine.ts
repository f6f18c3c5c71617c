// When to reconnect, and whether over SSE or long-poll. Pure: the connection feeds it what
// happened and does what it says.
//
// SSE is preferred. A stream attempt that fails before delivering anything counts against SSE,
// but only while the browser thinks it is online (losing the network is not the stream's
// fault). After two such failures we long-poll; after a while of healthy polling we try the
// stream again, once.

export type TransportMode = 'sse' | 'poll';

export interface TransportState {
  mode: TransportMode;
  /** Consecutive stream attempts that failed while online. */
  sseFailures: number;
  /** Consecutive failed attempts of any kind: drives the backoff. */
  failures: number;
  /** Successful polls since we fell back (to try the stream again). */
  polls: number;
}

export type TransportEvent =
  /** The stream closed or errored; `delivered`: it had delivered something first. */
  | { type: 'streamEnded'; delivered: boolean; online: boolean }
  | { type: 'streamDelivered' }
  | { type: 'pollOk' }
  | { type: 'pollFailed'; online: boolean }
  | { type: 'online' };

export const SSE_FAILURES_BEFORE_POLL = 2;
export const POLLS_BEFORE_SSE_RETRY = 20;
const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000];

export function initialTransport(): TransportState {
  return { mode: 'sse', sseFailures: 0, failures: 0, polls: 0 };
}

export function backoff(failures: number): number {
  if (failures <= 0) return 0;
  return BACKOFF_MS[Math.min(failures, BACKOFF_MS.length) - 1]!;
}

export interface Step {
  state: TransportState;
  /** Wait this long, then connect (or poll) in `state.mode`. */
  delayMs: number;
}

export function nextTransport(s: TransportState, e: TransportEvent): Step {
  switch (e.type) {
    case 'streamDelivered':
      return { state: { ...s, sseFailures: 0, failures: 0 }, delayMs: 0 };
    case 'streamEnded': {
      if (e.delivered) {
        // A stream that worked and then ended (server restart, proxy timeout): resume quickly.
        return { state: { ...s, failures: 0, sseFailures: 0 }, delayMs: backoff(1) };
      }
      const failures = s.failures + 1;
      const sseFailures = e.online ? s.sseFailures + 1 : s.sseFailures;
      const mode: TransportMode = sseFailures >= SSE_FAILURES_BEFORE_POLL ? 'poll' : 'sse';
      return { state: { mode, sseFailures, failures, polls: 0 }, delayMs: mode === 'poll' && e.online ? 0 : backoff(failures) };
    }
    case 'pollOk': {
      const polls = s.polls + 1;
      if (polls >= POLLS_BEFORE_SSE_RETRY) {
        // One more stream failure sends us straight back to polling.
        return { state: { mode: 'sse', sseFailures: SSE_FAILURES_BEFORE_POLL - 1, failures: 0, polls: 0 }, delayMs: 0 };
      }
      return { state: { ...s, failures: 0, polls }, delayMs: 0 };
    }
    case 'pollFailed': {
      const failures = s.failures + 1;
      return { state: { ...s, failures }, delayMs: backoff(failures) };
    }
    case 'online':
      return { state: { ...s, failures: 0 }, delayMs: 0 };
  }
}
