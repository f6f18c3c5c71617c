// The identity verifier and the token check, without I/O: a signature of the right key, e-mail
// and time passes; anything else is refused; unknown chats and wrong tokens take the same path.
import { createHmac } from 'node:crypto';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { newChat } from '../../../src/domain/chat-state.js';
import type { Chat } from '../../../src/domain/types.js';
import { warnPublicSandbox } from '../../../src/http/local-only.js';
import { ChatService, type ChatServiceOptions } from '../../../src/services/chats.js';
import { ChatError } from '../../../src/services/errors.js';
import { verifyIdentity } from '../../../src/services/identity.js';
import { hashToken } from '../../../src/services/tokens.js';

const SECRET = 'k3y';
const NOW = new Date('2026-11-30T09:00:00Z');
const ts = NOW.getTime() / 1000;
const sig = (t: number, email: string, secret = SECRET) => createHmac('sha256', secret).update(`${t}.${email}`).digest('hex');

describe('verifyIdentity', () => {
  it('accepts the lowercase hex HMAC-SHA256 of ts.email within 10 minutes either way', () => {
    expect(verifyIdentity(SECRET, { email: 'a@b.c', ts, signature: sig(ts, 'a@b.c') }, NOW)).toEqual({ ok: true, email: 'a@b.c' });
    for (const t of [ts - 600, ts + 600]) expect(verifyIdentity(SECRET, { email: 'a@b.c', ts: t, signature: sig(t, 'a@b.c') }, NOW).ok).toBe(true);
  });

  it('refuses another key, another e-mail, another time, upper case, a prefix, stale and incomplete identities', () => {
    const check = (identity: Parameters<typeof verifyIdentity>[1]) => verifyIdentity(SECRET, identity, NOW);
    expect(check({ email: 'a@b.c', ts, signature: sig(ts, 'a@b.c', 'other') })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ email: 'x@b.c', ts, signature: sig(ts, 'a@b.c') })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ email: 'a@b.c', ts: ts + 1, signature: sig(ts, 'a@b.c') })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ email: 'a@b.c', ts, signature: sig(ts, 'a@b.c').toUpperCase() })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ email: 'a@b.c', ts, signature: sig(ts, 'a@b.c').slice(0, 40) })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ email: 'a@b.c', ts: ts - 601, signature: sig(ts - 601, 'a@b.c') })).toEqual({ ok: false, reason: 'stale' });
    expect(check({ email: 'a@b.c', signature: sig(ts, 'a@b.c') })).toEqual({ ok: false, reason: 'incomplete' });
    expect(check({ ts, signature: sig(ts, '') })).toEqual({ ok: false, reason: 'incomplete' });
  });
});

describe('a chat token refused', () => {
  const token = 'the-right-token';
  const visitor = { name: null, email: null, fields: {}, ip: null, userAgent: null, page: null, geo: null };
  const chat: Chat = { ...newChat({ id: 'c1', topicId: 'sales', state: 'queued', language: 'en', visitor, tokenHash: hashToken(token) }, NOW), updatedAt: NOW };
  const service = () => {
    const reads: string[] = [];
    const store = { getChat: async (id: string) => (reads.push(id), id === chat.id ? chat : null) };
    return { reads, chats: new ChatService({ store } as unknown as ChatServiceOptions) };
  };
  const notFound = (p: Promise<unknown>) => expect(p).rejects.toSatisfy((e) => e instanceof ChatError && e.code === 'not_found');

  it('reads the chat whether it exists or not, with or without a token', async () => {
    const { reads, chats } = service();
    await notFound(chats.authorize('nope', token));
    await notFound(chats.authorize('c1', 'wrong'));
    await notFound(chats.authorize('c1', null));
    await notFound(chats.authorize('nope', null));
    expect(reads).toEqual(['nope', 'c1', 'c1', 'nope']);
    expect(await chats.authorize('c1', token)).toBe(chat);
  });

  it('a wrong token for a chat this instance remembers reads it like an unknown chat', async () => {
    const { reads, chats } = service();
    await chats.authorize('c1', token); // now remembered
    reads.length = 0;
    await notFound(chats.postMessageWithToken('c1', 'wrong', 'hi', 'm1'));
    await notFound(chats.postMessageWithToken('nope', 'wrong', 'hi', 'm1'));
    expect(reads).toEqual(['c1', 'nope']);
  });
});

describe('a public sandbox', () => {
  it('is announced at once and again every period until stopped', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const closer = warnPublicSandbox(log, 5);
    expect(lines).toHaveLength(1);
    const deadline = Date.now() + 5_000;
    while (lines.length < 3) {
      if (Date.now() > deadline) throw new Error('the warning did not repeat three times within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await closer.close();
    expect(lines.every((l) => l.includes('SANDBOX_PUBLIC=true'))).toBe(true);
  });
});
