import { describe, expect, it } from 'vitest';
import {
  backoff,
  initialTransport,
  nextTransport,
  POLLS_BEFORE_SSE_RETRY,
  type TransportEvent,
  type TransportState,
} from '../../../widget/src/ui/transport-machine.js';

function run(events: TransportEvent[], start: TransportState = initialTransport()) {
  let state = start;
  const delays: number[] = [];
  for (const e of events) {
    const step = nextTransport(state, e);
    state = step.state;
    delays.push(step.delayMs);
  }
  return { state, delays };
}

const failedOnline: TransportEvent = { type: 'streamEnded', delivered: false, online: true };
const failedOffline: TransportEvent = { type: 'streamEnded', delivered: false, online: false };

describe('transport state machine', () => {
  it('starts on SSE and falls back to long-poll after two stream failures while online', () => {
    expect(run([failedOnline]).state.mode).toBe('sse');
    const { state, delays } = run([failedOnline, failedOnline]);
    expect(state.mode).toBe('poll');
    expect(delays).toEqual([backoff(1), 0]);
  });

  it('does not blame the stream for failures while offline', () => {
    const { state } = run([failedOffline, failedOffline, failedOffline, failedOffline]);
    expect(state.mode).toBe('sse');
    expect(state.failures).toBe(4);
  });

  it('backs off while failing and resets once something arrives', () => {
    const { state, delays } = run([failedOffline, failedOffline, failedOffline, { type: 'streamDelivered' }]);
    expect(delays.slice(0, 3)).toEqual([backoff(1), backoff(2), backoff(3)]);
    expect(backoff(3)).toBeGreaterThan(backoff(1));
    expect(state).toMatchObject({ failures: 0, sseFailures: 0, mode: 'sse' });
  });

  it('a stream that worked and then dropped resumes quickly and is not counted as failing', () => {
    const { state, delays } = run([failedOnline, { type: 'streamDelivered' }, { type: 'streamEnded', delivered: true, online: true }]);
    expect(state).toMatchObject({ mode: 'sse', sseFailures: 0 });
    expect(delays[2]).toBe(backoff(1));
  });

  it('the browser coming online retries at once', () => {
    const { state, delays } = run([failedOffline, failedOffline, { type: 'online' }]);
    expect(delays[2]).toBe(0);
    expect(state.failures).toBe(0);
  });

  it('polls back to back while polls succeed, backs off when they fail', () => {
    const polling = run([failedOnline, failedOnline]).state;
    const { state, delays } = run([{ type: 'pollOk' }, { type: 'pollFailed', online: false }, { type: 'pollFailed', online: false }, { type: 'pollOk' }], polling);
    expect(delays).toEqual([0, backoff(1), backoff(2), 0]);
    expect(state).toMatchObject({ mode: 'poll', failures: 0 });
  });

  it('tries the stream again after a run of good polls, and goes back after one more failure', () => {
    const polling = run([failedOnline, failedOnline]).state;
    const oks = Array.from({ length: POLLS_BEFORE_SSE_RETRY }, (): TransportEvent => ({ type: 'pollOk' }));
    const retried = run(oks, polling).state;
    expect(retried.mode).toBe('sse');
    expect(run([failedOnline], retried).state.mode).toBe('poll');
  });

  it('backoff is capped', () => {
    expect(backoff(0)).toBe(0);
    expect(backoff(100)).toBe(backoff(6));
    expect(backoff(100)).toBeLessThanOrEqual(15_000);
  });
});
