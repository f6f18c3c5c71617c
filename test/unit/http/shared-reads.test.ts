// A chat's streams share each read: the reads asked in one tick for the same chat and position
// are one query; a read asked later is a new query (it must see what was stored meanwhile).
import { describe, expect, it } from 'vitest';
import { sharedReads } from '../../../src/http/streams.js';

describe('sharedReads', () => {
  it('fans one read out to every stream of a chat that asks in the same tick', async () => {
    const queries: string[] = [];
    let stored = ['m1'];
    const read = sharedReads(async (chatId: string, after: number) => {
      queries.push(`${chatId}>${after}`);
      return [...stored];
    });
    // 2,000 streams of one chat hear the same notice: one query.
    const answers = await Promise.all(Array.from({ length: 2000 }, () => read('c1', 4)));
    expect(queries).toEqual(['c1>4']);
    expect(answers.every((a) => a[0] === 'm1')).toBe(true);
    // Another chat or another position is its own query.
    await Promise.all([read('c2', 4), read('c1', 5), read('c1', 4)]);
    expect(queries.slice(1).sort()).toEqual(['c1>4', 'c1>5', 'c2>4']);
    // A later read queries again and sees what was stored since.
    stored = ['m1', 'm2'];
    expect(await read('c1', 4)).toEqual(['m1', 'm2']);
    expect(queries).toHaveLength(5);
  });

  it('a failed read fails every stream that shared it, and the next read tries again', async () => {
    let fail = true;
    const read = sharedReads(async () => {
      if (fail) throw new Error('database down');
      return ['ok'];
    });
    const both = await Promise.allSettled([read('c', 0), read('c', 0)]);
    expect(both.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await read('c', 0)).toEqual(['ok']);
  });
});
