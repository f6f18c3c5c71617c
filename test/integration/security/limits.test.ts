// Limits that hold: rate limits counted in the database so two instances share one limit,
// messages limited per IP across chats, refused chat requests limited, at most three event
// streams per chat, and a closed chat's transcript readable for timers.transcriptAccess only.
// Each test speaks from its own address (X-Forwarded-For, trusted from loopback).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../../src/main.js';
import { eventually, startProduct, Visitor, type Product } from '../chats/harness.js';

let product: Product;
let second: RunningApp;

beforeAll(async () => {
  product = await startProduct(
    { TRUST_PROXY: 'loopback', TIMER_TRANSCRIPT_ACCESS: '1h' },
    { chatsPerMinute: 4, messagesPerIpPerMinute: 6, refusedPerMinute: 5 },
  );
  second = await product.another();
});

afterAll(async () => {
  await product?.close();
});

const from = (ip: string) => ({ 'x-forwarded-for': ip });

function startChat(base: string, ip: string): Promise<Response> {
  return fetch(`${base}/api/v1/chats`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...from(ip) },
    body: JSON.stringify({ topic: 'sales', name: 'Limit' }),
  });
}

function send(v: Visitor, ip: string, text: string): Promise<Response> {
  return fetch(`${v.base}/api/v1/chats/${v.id}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${v.token}`, ...from(ip) },
    body: JSON.stringify({ text, clientId: `${text}-${Math.random()}` }),
  });
}

describe('rate limits shared by every instance', () => {
  it('two instances on one database share one limit on new chats', async () => {
    const ip = '10.0.0.1';
    const statuses = [
      (await startChat(product.app.url, ip)).status,
      (await startChat(second.url, ip)).status,
      (await startChat(product.app.url, ip)).status,
      (await startChat(second.url, ip)).status,
    ];
    expect(statuses).toEqual([201, 201, 201, 201]);
    // Each instance has seen only two: the fifth is refused because the count is shared.
    const fifth = await startChat(second.url, ip);
    expect(fifth.status).toBe(429);
    expect(await fifth.json()).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/new chats/) });
    expect((await startChat(product.app.url, ip)).status).toBe(429);
    // Another address is not affected.
    expect((await startChat(second.url, '10.0.0.2')).status).toBe(201);
  });

  it('limits messages per address across several chats, on both instances', async () => {
    const ip = '10.0.0.3';
    const chats = await Promise.all([0, 1, 2].map(() => Visitor.start(product.app.url, { topic: 'sales', name: 'Many' }, from(ip))));
    const statuses: number[] = [];
    for (const [i, v] of chats.entries()) {
      statuses.push((await send(v, ip, `one ${i}`)).status);
      statuses.push((await send(v.on(second.url), ip, `two ${i}`)).status);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 202]);
    // Each chat sent only two (its own limit is far away); the address sent six.
    const seventh = await send(chats[0]!, ip, 'seven');
    expect(seventh.status).toBe(429);
    expect(await seventh.json()).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/this address/) });
    const { rows } = await product.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages WHERE chat_id = ANY($1) AND sender = 'visitor'`,
      [chats.map((c) => c.id)],
    );
    expect(rows[0]!.n).toBe(6);
  });

  it('limits requests for chats that do not exist, per address, across instances', async () => {
    const ip = '10.0.0.4';
    const mine = await Visitor.start(second.url, { topic: 'sales' }, from(ip));
    const guess = (base: string, n: number) =>
      fetch(`${base}/api/v1/chats/guess-${n}/messages`, { headers: { authorization: 'Bearer nope', ...from(ip) } });
    const statuses: number[] = [];
    for (let n = 0; n < 5; n++) statuses.push((await guess(n % 2 ? second.url : product.app.url, n)).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404]);
    const sixth = await guess(second.url, 6);
    expect(sixth.status).toBe(429);
    expect(await sixth.json()).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/do not exist/) });
    // Past the limit the address is held off before anything is looked up, its own chat too.
    const held = await fetch(`${second.url}/api/v1/chats/${mine.id}/messages`, { headers: { authorization: `Bearer ${mine.token}`, ...from(ip) } });
    expect(held.status).toBe(429);
    // A visitor from elsewhere still reads their own chat.
    const v = await Visitor.start(product.app.url, { topic: 'sales' }, from('10.0.0.40'));
    const own = await fetch(`${v.base}/api/v1/chats/${v.id}/messages`, { headers: { authorization: `Bearer ${v.token}`, ...from('10.0.0.40') } });
    expect(own.status).toBe(200);
  });
});

describe('event streams', () => {
  it('a chat has at most three open streams: the fourth is refused with 429', async () => {
    const v = await Visitor.start(product.app.url, { topic: 'sales' }, from('10.0.0.5'));
    const streams = [v.events(), v.events(), v.events()];
    expect(await Promise.all(streams.map((s) => s.status))).toEqual([200, 200, 200]);
    const fourth = await fetch(`${v.base}/api/v1/chats/${v.id}/events`, { headers: { authorization: `Bearer ${v.token}` } });
    expect(fourth.status).toBe(429);
    expect(await fourth.json()).toMatchObject({ error: 'too_many_streams', message: expect.stringMatching(/3 open event streams/) });
    // One tab closes: a new stream fits again (once the server has seen the close).
    streams[0]!.close();
    const again = await eventually(async () => {
      const s = v.events();
      if ((await s.status) === 200) return s;
      s.close();
      return null;
    });
    again.close();
    for (const s of streams) s.close();
  });
});

describe('a closed chat', () => {
  it("its token reads the transcript for timers.transcriptAccess, then 410", async () => {
    const v = await Visitor.start(product.app.url, { topic: 'sales' }, from('10.0.0.6'));
    const auth = { authorization: `Bearer ${v.token}` };
    expect((await fetch(`${v.base}/api/v1/chats/${v.id}/close`, { method: 'POST', headers: auth })).status).toBe(200);
    // Just closed: the transcript is there.
    const fresh = await fetch(`${v.base}/api/v1/chats/${v.id}/messages`, { headers: auth });
    expect(fresh.status).toBe(200);
    expect(((await fresh.json()) as { state: string }).state).toBe('closed');
    // Closed two hours ago with an access of one hour (still far from retention).
    await product.app.store.updateChat(v.id, { closedAt: new Date(Date.now() - 2 * 3_600_000) });
    const late = await fetch(`${v.base}/api/v1/chats/${v.id}/messages`, { headers: auth });
    expect(late.status).toBe(410);
    expect(await late.json()).toMatchObject({ error: 'transcript_expired', message: expect.stringMatching(/no longer/) });
    const events = await fetch(`${second.url}/api/v1/chats/${v.id}/events`, { headers: auth });
    expect(events.status, await events.clone().text()).toBe(410);
  });
});
