// Chats under load (DESIGN §11), with the product and its sandbox in a child process
// (chats-server.ts) and the visitors and agents here:
// 1. server-added latency both ways with 1,000 active chats, each with an open SSE stream;
// 2. SSE push against polling every 3 s (the seed's method), in the same run;
// 3. idle SSE visitors on one instance and its RSS.
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchContext, BenchResult } from './run.js';

const ACTIVE_CHATS = Number(process.env.BENCH_ACTIVE_CHATS ?? 1_000);
const INBOUND_MESSAGES = Number(process.env.BENCH_INBOUND ?? 3_000);
const OUTBOUND_MESSAGES = Number(process.env.BENCH_OUTBOUND ?? 2_000);
const IDLE_VISITORS = Number(process.env.BENCH_IDLE ?? 10_000);
/** Messages per second each way: 1,000 chats with a message every 10 s from each side. */
const RATE = Number(process.env.BENCH_RATE ?? 100);
const COMPARE_CHATS = 50;
const COMPARE_ROUNDS = 5;

const epoch = () => performance.timeOrigin + performance.now();
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const ms = (v: number) => `${v.toFixed(2)} ms`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const sleep = (t: number) => new Promise((resolve) => setTimeout(resolve, t));

class Server {
  private next = 1;
  readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  url = '';
  apiBase = '';
  tokens: Record<string, string> = {};

  constructor(readonly child: ChildProcess) {}

  static async start(root: string): Promise<Server> {
    const child = fork(path.join(root, 'test/bench/chats-server.ts'), [], {
      cwd: root,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const server = new Server(child);
    // A server that dies (even while stopping, after the measurements) fails its calls instead
    // of leaving them pending, so the report is still written.
    child.once('exit', (code) => {
      for (const w of server.waiting.values()) w.reject(new Error(`bench server exited with ${code}`));
      server.waiting.clear();
    });
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
      child.on('message', (raw) => {
        const m = raw as { ready?: boolean; url: string; apiBase: string; tokens: Record<string, string>; id?: number; result?: unknown; error?: string };
        if (m.ready) {
          Object.assign(server, { url: m.url, apiBase: m.apiBase, tokens: m.tokens });
          resolve();
          return;
        }
        const w = m.id === undefined ? undefined : server.waiting.get(m.id);
        if (!w) return;
        server.waiting.delete(m.id!);
        if (m.error) w.reject(new Error(m.error));
        else w.resolve(m.result);
      });
    });
    return server;
  }

  call<T>(cmd: string, args: Record<string, unknown> = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, cmd, ...args });
    });
  }
}

/** Runs `task` over `items` with at most `limit` at once. */
async function pool<T>(items: T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await task(items[i]!, i);
      }
    }),
  );
}

/** Starts `count` tasks at `perSecond`, not waiting for one to finish before the next starts. */
async function paced(count: number, perSecond: number, task: (index: number) => Promise<void>): Promise<void> {
  const started = performance.now();
  const running: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    running.push(task(i));
  }
  await Promise.all(running);
}

/** The server's inbound timings (chats-server.ts `takeInbound`). */
interface InboundTimes {
  samples: number[];
  request: number[];
  append: number[];
  dispatch: number[];
  loopDelay: { p50: number; p99: number; max: number };
}

interface Chat {
  id: string;
  token: string;
  space?: string;
  lastSeq: number;
}

/** An SSE reader over fetch that notes when each message event arrives (epoch ms). */
function openStream(url: string, token: string, onMessage: (data: { seq: number; text: string }, at: number) => void): { close(): void; opened: Promise<void> } {
  const controller = new AbortController();
  let resolveOpened: () => void = () => {};
  const opened = new Promise<void>((r) => (resolveOpened = r));
  void (async () => {
    try {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
      resolveOpened();
      if (!res.body) return;
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const at = epoch();
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          if (block.startsWith('id:')) {
            const data = block.split('\n').find((l) => l.startsWith('data: '));
            if (data) onMessage(JSON.parse(data.slice(6)) as { seq: number; text: string }, at);
          }
        }
      }
    } catch {
      resolveOpened!();
    }
  })();
  return { close: () => controller.abort(), opened };
}

export async function run(ctx: BenchContext): Promise<BenchResult> {
  const server = await Server.start(ctx.root);
  const base = server.url;
  const alice = server.tokens['alice@example.com']!;
  const received = new Map<string, number>();
  try {
    // ------------------------------------------------------------------ 1,000 active chats
    ctx.note(`starting ${ACTIVE_CHATS} chats`);
    const chats: Chat[] = [];
    const streams: { close(): void; opened: Promise<void> }[] = [];
    // Each visitor connects its stream at once (a chat with no stream for 60 s is a lost visitor).
    await pool(Array.from({ length: ACTIVE_CHATS }), 20, async () => {
      const res = await fetch(`${base}/api/v1/chats`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ topic: 'sales', language: 'en' }),
      });
      if (res.status !== 201) throw new Error(`chat start: ${res.status} ${await res.text()}`);
      const body = (await res.json()) as { id: string; token: string };
      chats.push({ id: body.id, token: body.token, lastSeq: 0 });
      const stream = openStream(`${base}/api/v1/chats/${body.id}/events`, body.token, (m, at) => {
        received.set(m.text, at);
      });
      streams.push(stream);
      await stream.opened;
    });
    for (;;) {
      const spaces = await server.call<Record<string, string>>('spaces', { chatIds: chats.filter((c) => !c.space).map((c) => c.id) });
      for (const c of chats) c.space ??= spaces[c.id];
      if (chats.every((c) => c.space) && (await server.call<number>('pending')) === 0) break;
      await sleep(500);
    }
    ctx.note('spaces ready; alice answers each chat once (claims it)');
    await pool(chats, 20, async (c) => {
      await fetch(`${server.apiBase}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ roomId: c.space, text: `hello ${c.id}` }),
      });
    });
    while ((await server.call<number>('pending')) > 0) await sleep(200);
    await server.call('takeInbound');

    ctx.note(`visitor → Webex: ${INBOUND_MESSAGES} messages over ${ACTIVE_CHATS} chats at ${RATE}/s`);
    const endToEndIn: number[] = [];
    await paced(INBOUND_MESSAGES, RATE, async (i) => {
      const chat = chats[i % chats.length]!;
      const started = epoch();
      const res = await fetch(`${base}/api/v1/chats/${chat.id}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: `v:${i}`, clientId: `v${i}` }),
      });
      if (res.status !== 202) throw new Error(`send: ${res.status}`);
      endToEndIn.push(epoch() - started);
    });
    while ((await server.call<number>('pending')) > 0) await sleep(100);
    const taken = await server.call<InboundTimes>('takeInbound');
    const inbound = taken.samples;

    ctx.note(`Webex → visitor: ${OUTBOUND_MESSAGES} agent messages`);
    const posted = new Map<string, number>();
    await paced(OUTBOUND_MESSAGES, RATE, async (i) => {
      const chat = chats[i % chats.length]!;
      const text = `b:${i}`;
      posted.set(text, epoch());
      const res = await fetch(`${server.apiBase}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ roomId: chat.space, text }),
      });
      if (res.status !== 200) throw new Error(`agent post: ${res.status}`);
    });
    const outboundTexts = [...posted.keys()];
    const deadline = Date.now() + 60_000;
    while (outboundTexts.some((t) => !received.has(t)) && Date.now() < deadline) await sleep(100);
    const handled = await server.call<Record<string, number>>('takeHandled');
    const outbound: number[] = [];
    const endToEndOut: number[] = [];
    for (const t of outboundTexts) {
      const got = received.get(t);
      if (got === undefined) continue;
      if (handled[t] !== undefined) outbound.push(got - handled[t]!);
      endToEndOut.push(got - posted.get(t)!);
    }
    const lost = outboundTexts.length - endToEndOut.length;
    const activeUsage = await server.call<{ rss: number; cpuPercent: number }>('usage');

    // ------------------------------------------------------------------ SSE vs polling every 3 s
    ctx.note('SSE push against polling every 3 s');
    const pushed = chats.slice(0, COMPARE_CHATS);
    const polled = chats.slice(COMPARE_CHATS, COMPARE_CHATS * 2);
    let polls = 0;
    let stopPolling = false;
    const pollReceived = new Map<string, number>();
    for (const c of polled) {
      const { messages } = (await (await fetch(`${base}/api/v1/chats/${c.id}/messages?after=0`, { headers: { authorization: `Bearer ${c.token}` } })).json()) as { messages: { seq: number }[] };
      c.lastSeq = messages.at(-1)?.seq ?? 0;
    }
    const pollers = polled.map(async (c, i) => {
      await sleep((3000 / polled.length) * i); // spread like real visitors
      while (!stopPolling) {
        const res = await fetch(`${base}/api/v1/chats/${c.id}/messages?after=${c.lastSeq}`, { headers: { authorization: `Bearer ${c.token}` } });
        polls++;
        const body = (await res.json()) as { messages: { seq: number; text: string }[] };
        const at = epoch();
        for (const m of body.messages) {
          pollReceived.set(m.text, at);
          c.lastSeq = m.seq;
        }
        await sleep(3000);
      }
    });
    const comparePosted = new Map<string, number>();
    const compareStarted = epoch();
    for (let round = 0; round < COMPARE_ROUNDS; round++) {
      const both = [...pushed, ...polled];
      await paced(both.length, RATE / 5, async (k) => {
        const c = both[k]!;
        const text = `c:${round}:${c.id}`;
        comparePosted.set(text, epoch());
        await fetch(`${server.apiBase}/messages`, {
          method: 'POST',
          headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
          body: JSON.stringify({ roomId: c.space, text }),
        });
      });
      await sleep(2000);
    }
    await sleep(3500);
    stopPolling = true;
    await Promise.all(pollers);
    const compareSeconds = (epoch() - compareStarted) / 1000;
    const pushDelay: number[] = [];
    const pollDelay: number[] = [];
    for (const [text, at] of comparePosted) {
      const id = text.split(':')[2]!;
      if (pushed.some((c) => c.id === id)) {
        const got = received.get(text);
        if (got !== undefined) pushDelay.push(got - at);
      } else {
        const got = pollReceived.get(text);
        if (got !== undefined) pollDelay.push(got - at);
      }
    }
    for (const s of streams) s.close();

    // ------------------------------------------------------------------ idle visitors
    await sleep(1000);
    const before = await server.call<{ rss: number }>('usage');
    ctx.note(`seeding ${IDLE_VISITORS} idle chats`);
    const idle = await server.call<[string, string][]>('seedIdle', { n: IDLE_VISITORS });
    ctx.note(`opening ${IDLE_VISITORS} idle SSE streams`);
    const idleStreams: { close(): void; opened: Promise<void> }[] = [];
    let opened = 0;
    await pool(idle, 200, async ([id, token]) => {
      const s = openStream(`${base}/api/v1/chats/${id}/events`, token, () => {});
      idleStreams.push(s);
      await s.opened;
      opened++;
    });
    await server.call('usage');
    await sleep(25_000); // a presence flush or two, heartbeats
    const idleUsage = await server.call<{ rss: number; heapUsed: number; cpuPercent: number; streams: number; connected: number }>('usage');
    for (const s of idleStreams) s.close();

    const budgets = [
      { name: 'Server-added latency visitor → Webex, p50', limit: '≤ 2 ms', measured: ms(pct(inbound, 50)), ok: pct(inbound, 50) <= 2 },
      { name: 'Server-added latency visitor → Webex, p99', limit: '≤ 20 ms', measured: ms(pct(inbound, 99)), ok: pct(inbound, 99) <= 20 },
      { name: 'Server-added latency Webex → visitor, p50', limit: '≤ 2 ms', measured: ms(pct(outbound, 50)), ok: pct(outbound, 50) <= 2 },
      { name: 'Server-added latency Webex → visitor, p99', limit: '≤ 20 ms', measured: ms(pct(outbound, 99)), ok: pct(outbound, 99) <= 20 },
      {
        name: `Idle SSE visitors on one instance (${idleUsage.streams} open), RSS`,
        limit: '10,000 under 1 GB',
        measured: mb(idleUsage.rss),
        ok: idleUsage.streams >= 10_000 && idleUsage.rss < 2 ** 30,
      },
    ];
    const markdown = [
      `Product and in-process sandbox in one child process; visitors and agents in the bench process. ${ACTIVE_CHATS} chats, each with an open SSE stream, claimed by an agent; ${RATE} messages per second each way (each chat a message every ${(ACTIVE_CHATS / RATE).toFixed(0)} s from each side). Database: ${process.env.DATABASE_URL ? 'the server of DATABASE_URL' : 'embedded PostgreSQL (fsync off, as for tests)'}.`,
      '',
      '| Direction | Samples | p50 | p99 | max | End to end incl. sandbox, p50 / p99 |',
      '|---|---|---|---|---|---|',
      `| Visitor → Webex (HTTP request in → \`post\` called) | ${inbound.length} | ${ms(pct(inbound, 50))} | ${ms(pct(inbound, 99))} | ${ms(pct(inbound, 100))} | ${ms(pct(endToEndIn, 50))} / ${ms(pct(endToEndIn, 99))} (the visitor's POST answered 202) |`,
      `| Webex → visitor (handler entered after the Webex fetch → SSE event at the client) | ${outbound.length} | ${ms(pct(outbound, 50))} | ${ms(pct(outbound, 99))} | ${ms(pct(outbound, 100))} | ${ms(pct(endToEndOut, 50))} / ${ms(pct(endToEndOut, 99))} (agent's POST → SSE event) |`,
      '',
      `Visitor → Webex by stage, p50 / p99: request in → store append called (HTTP, rate limit, token check) ${ms(pct(taken.request, 50))} / ${ms(pct(taken.request, 99))}; the append (with its delivery) ${ms(pct(taken.append, 50))} / ${ms(pct(taken.append, 99))}; append answered → \`post\` called ${ms(pct(taken.dispatch, 50))} / ${ms(pct(taken.dispatch, 99))}. Server event-loop delay meanwhile, beyond a 5 ms timer (the machine's and the process's load and GC, not our code's path): p50 ${ms(taken.loopDelay.p50)}, p99 ${ms(taken.loopDelay.p99)}, max ${ms(taken.loopDelay.max)}.`,
      '',
      `Agent messages not received within 60 s: ${lost}. Server during the active phase: RSS ${mb(activeUsage.rss)}, CPU ${activeUsage.cpuPercent.toFixed(0)} % of one core.`,
      '',
      `**SSE push vs polling every 3 s** (same run, ${COMPARE_CHATS} chats each, ${COMPARE_ROUNDS} agent messages per chat):`,
      '',
      '| Client | Delivery p50 | p99 | HTTP requests per visitor per minute |',
      '|---|---|---|---|',
      `| SSE push | ${ms(pct(pushDelay, 50))} | ${ms(pct(pushDelay, 99))} | 0 (one open stream) |`,
      `| Poll every 3 s | ${ms(pct(pollDelay, 50))} | ${ms(pct(pollDelay, 99))} | ${((polls / polled.length / compareSeconds) * 60).toFixed(1)} |`,
      '',
      `**Idle visitors**: ${opened} SSE streams opened from one client process; the server held ${idleUsage.streams} streams (${idleUsage.connected} chats present). Server RSS ${mb(before.rss)} before, ${mb(idleUsage.rss)} with the streams open (heap ${mb(idleUsage.heapUsed)}); CPU while idle ${idleUsage.cpuPercent.toFixed(1)} % of one core (heartbeats every 15 s, presence written every 20 s).`,
    ].join('\n');
    ctx.note(
      `in stages p50/p99: request ${ms(pct(taken.request, 50))}/${ms(pct(taken.request, 99))}, append ${ms(pct(taken.append, 50))}/${ms(pct(taken.append, 99))}, dispatch ${ms(pct(taken.dispatch, 50))}/${ms(pct(taken.dispatch, 99))}; loop delay p99 ${ms(taken.loopDelay.p99)}`,
    );
    ctx.note(`in p50 ${ms(pct(inbound, 50))} p99 ${ms(pct(inbound, 99))}; out p50 ${ms(pct(outbound, 50))} p99 ${ms(pct(outbound, 99))}; idle RSS ${mb(idleUsage.rss)}`);
    return { title: 'Chats: latency at 1,000 active chats, SSE vs polling, idle visitors', markdown, budgets };
  } finally {
    await server.call('stop').catch(() => undefined);
    server.child.kill();
  }
}
