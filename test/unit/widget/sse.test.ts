import { describe, expect, it } from 'vitest';
import { SseParser } from '../../../widget/src/ui/sse.js';

describe('SseParser', () => {
  it('parses events split across chunks, with ids, names and multi-line data', () => {
    const p = new SseParser();
    expect(p.push('retry: 3000\nevent: state\ndata: {"state":"bot"}\n\nid: 1\nda')).toEqual([
      { id: null, event: 'state', data: '{"state":"bot"}' },
    ]);
    expect(p.retry).toBe(3000);
    expect(p.push('ta: line one\ndata: line two\n\n')).toEqual([{ id: '1', event: 'message', data: 'line one\nline two' }]);
    expect(p.lastEventId).toBe('1');
  });

  it('handles CRLF and CR line endings, even with CR and LF in different chunks', () => {
    const p = new SseParser();
    expect(p.push('id: 2\r\ndata: a\r')).toEqual([]);
    expect(p.push('\n\r\n')).toEqual([{ id: '2', event: 'message', data: 'a' }]);
    // A CR at the very end may be half of a CRLF: it is decided by the next chunk.
    expect(p.push('data: b\r\r')).toEqual([]);
    expect(p.push('data: c\n\n')).toEqual([
      { id: null, event: 'message', data: 'b' },
      { id: null, event: 'message', data: 'c' },
    ]);
  });

  it('ignores comments (heartbeats) and events without data, but keeps their id', () => {
    const p = new SseParser();
    expect(p.push(': ping\n\nid: 7\n\n')).toEqual([]);
    expect(p.lastEventId).toBe('7');
    expect(p.push('data:x\n\n')).toEqual([{ id: null, event: 'message', data: 'x' }]);
    expect(p.lastEventId).toBe('7');
  });

  it('ignores ids containing NUL and non-numeric retry', () => {
    const p = new SseParser();
    p.push('id: a\0b\nretry: soon\ndata: y\n\n');
    expect(p.lastEventId).toBeNull();
    expect(p.retry).toBeNull();
  });
});
