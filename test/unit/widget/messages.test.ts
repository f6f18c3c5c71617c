import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../widget/src/shared/types.js';
import {
  highestSeq,
  localMessage,
  markFailed,
  markSending,
  markSent,
  mergeServer,
  quickReplies,
} from '../../../widget/src/ui/messages.js';

const at = '2026-01-01T10:00:00.000Z';
const msg = (seq: number, from: ServerMessage['from'] = 'agent', text = `m${seq}`): ServerMessage => ({ seq, from, text, at });

describe('mergeServer', () => {
  it('orders by sequence and drops sequences already shown (duplicate deliveries)', () => {
    const first = mergeServer([], [msg(2), msg(1)]);
    expect(first.list.map((m) => m.seq)).toEqual([1, 2]);
    expect(first.added.map((m) => m.seq)).toEqual([2, 1]);
    const again = mergeServer(first.list, [msg(2), msg(3), msg(1), msg(3)]);
    expect(again.list.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(again.added.map((m) => m.seq)).toEqual([3]);
  });

  it('keeps messages still on their way after the confirmed ones', () => {
    const pending = [localMessage('c1', 'hello', new Date(at))];
    const { list } = mergeServer(pending, [msg(1, 'bot')]);
    expect(list.map((m) => [m.seq, m.text])).toEqual([[1, 'm1'], [null, 'hello']]);
  });

  it('recognizes our own message when the stream beats the POST answer (by text)', () => {
    const pending = [localMessage('c1', 'hello', new Date(at)), localMessage('c2', 'again', new Date(at))];
    const { list, added } = mergeServer(pending, [msg(5, 'visitor', 'hello')]);
    expect(added).toEqual([]);
    expect(list.map((m) => [m.key, m.seq, m.status])).toEqual([['c:c1', 5, 'sent'], ['c:c2', null, 'sending']]);
    // The POST's 202 arrives afterwards: nothing doubles.
    const after = markSent(list, 'c1', 5);
    expect(after.map((m) => [m.key, m.seq])).toEqual([['c:c1', 5], ['c:c2', null]]);
  });

  it('matches by clientId when the server echoes it', () => {
    const pending = [localMessage('abc', 'x', new Date(at))];
    const { list, added } = mergeServer(pending, [{ ...msg(3, 'visitor', 'x'), clientId: 'abc' }]);
    expect(added).toEqual([]);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ seq: 3, status: 'sent', key: 'c:abc' });
  });

  it('takes the agent name from the wire `name`', () => {
    const { list } = mergeServer([], [{ ...msg(1), name: 'Alice' }]);
    expect(list[0]!.authorName).toBe('Alice');
  });
});

describe('markSent / markFailed / markSending', () => {
  it('merges a confirmation with a copy the stream delivered without clientId', () => {
    const local = localMessage('c1', 'hi', new Date(at));
    // The stream delivered "hi" but as a different text (the server trimmed it): two entries.
    const { list } = mergeServer([local], [msg(7, 'visitor', 'hi ')]);
    expect(list).toHaveLength(2);
    const merged = markSent(list, 'c1', 7);
    expect(merged.map((m) => [m.key, m.seq, m.status])).toEqual([['c:c1', 7, 'sent']]);
  });

  it('a failed message is retried in place with the same clientId', () => {
    let list = [localMessage('c1', 'hi', new Date(at))];
    list = markFailed(list, 'c1');
    expect(list[0]!.status).toBe('failed');
    list = markSending(list, 'c1');
    expect(list[0]).toMatchObject({ status: 'sending', clientId: 'c1' });
    list = markSent(list, 'c1', 1);
    expect(list[0]).toMatchObject({ status: 'sent', seq: 1 });
  });

  it('a confirmed message cannot be marked failed afterwards', () => {
    const list = markSent([localMessage('c1', 'hi', new Date(at))], 'c1', 1);
    expect(markFailed(list, 'c1')[0]!.status).toBe('sent');
  });

  it('ignores unknown client ids', () => {
    const list = [localMessage('c1', 'hi', new Date(at))];
    expect(markSent(list, 'nope', 3)).toBe(list);
  });
});

describe('highestSeq and quickReplies', () => {
  it('highestSeq never goes back', () => {
    expect(highestSeq([msg(3), msg(9), msg(4)], 5)).toBe(9);
    expect(highestSeq([msg(1)], 5)).toBe(5);
  });

  it('reads strings and {title|text|label} objects, skipping junk', () => {
    const [view] = mergeServer([], [{ ...msg(1, 'bot'), data: { quickReplies: ['Yes', { title: 'No' }, { text: 'Maybe' }, 3, '', null, { label: 'Later' }] } }]).list;
    expect(quickReplies(view!)).toEqual(['Yes', 'No', 'Maybe', 'Later']);
    const [plain] = mergeServer([], [msg(2, 'bot')]).list;
    expect(quickReplies(plain!)).toEqual([]);
  });
});
