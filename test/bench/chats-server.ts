// The product under load for chats.bench.ts, in its own process (so its RSS and CPU are its
// own, and the Webex SDK's once-per-process API base is this sandbox's). Instrumented at our
// boundaries, with epoch timestamps (performance.timeOrigin + now) comparable across processes:
// - visitor → Webex: the HTTP request arrives (diagnostics channel) → channel.post (as the visitor) is
//   called (the sandbox's handling of that call is not counted);
// - Webex → visitor: onAgentMessage is entered (the webhook was verified and the message
//   fetched from Webex: that fetch is Webex's time) → the client process notes when the SSE
//   event reaches it.
// Commands come over IPC from the bench process.
import { subscribe } from 'node:diagnostics_channel';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/adapters/db/database.js';
import { loadConfig } from '../../src/config.js';
import { newChat } from '../../src/domain/chat-state.js';
import { UNKNOWN_VISITOR } from '../support/visitors.js';
import { createLogger } from '../../src/logger.js';
import { startApp } from '../../src/main.js';
import type { AgentMessage } from '../../src/ports.js';
import { hashToken, newChatToken } from '../../src/services/tokens.js';

const epoch = () => performance.timeOrigin + performance.now();
const send = (message: unknown) => process.send!(message);

async function database(dir: string, log: ReturnType<typeof createLogger>): Promise<{ db: Database; drop: () => Promise<void> }> {
  const server = process.env.DATABASE_URL;
  if (!server) {
    const db = await openDatabase({ dataDir: dir, log, poolMax: 20, unsafeFast: true });
    return { db, drop: async () => {} };
  }
  const name = `livechat_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), dataDir: dir, log, poolMax: 20 });
  return {
    db,
    drop: async () => {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function main(): Promise<void> {
  const log = createLogger({ level: 'warn' });
  const dir = mkdtempSync(path.join(tmpdir(), 'livechat-bench-chats-'));
  const { db, drop } = await database(dir, log);
  const config = loadConfig({ LOG_LEVEL: 'warn', DATA_DIR: dir, EVENT_BUS: 'postgres' }, [], dir);
  const app = await startApp(config, {
    log,
    database: db,
    port: 0,
    host: '127.0.0.1',
    sandboxDataDir: null,
    // One address plays every visitor: the per-address limits and stream caps are raised too.
    widgetApi: {
      chatsPerMinute: 10_000_000,
      messagesPerMinute: 10_000_000,
      messagesPerIpPerMinute: 10_000_000,
      refusedPerMinute: 10_000_000,
      streamsPerChat: 100_000,
      streamsPerIp: 100_000,
    },
  });

  // visitor → Webex
  const arrived = new Map<string, number>();
  const chatOfSpace = new Map<string, string>();
  const inbound: number[] = [];
  subscribe('http.server.request.start', (message) => {
    const req = (message as { request: IncomingMessage }).request;
    if (req.method !== 'POST') return;
    const match = /^\/api\/v1\/chats\/([^/]+)\/messages/.exec(req.url ?? '');
    if (match?.[1]) arrived.set(match[1], epoch());
  });
  // Where the inbound time goes, per message: request in → the store's append called (HTTP
  // parsing, rate limit, token check) → append answered (the database) → channel.post called
  // (the outbox worker: a claim, unless the append leased the delivery).
  const appendStarted = new Map<string, number>();
  const appendEnded = new Map<string, number>();
  const stages = { request: [] as number[], append: [] as number[], dispatch: [] as number[] };
  const store = app.store;
  const timed = <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const message = args[0] as { chatId: string; from: string };
      if (message.from !== 'visitor' || !arrived.has(message.chatId)) return call(...args);
      appendStarted.set(message.chatId, epoch());
      try {
        return await call(...args);
      } finally {
        appendEnded.set(message.chatId, epoch());
      }
    };
  store.appendMessage = timed(store.appendMessage.bind(store));
  store.appendMessageWithOutbox = timed(store.appendMessageWithOutbox.bind(store));
  // The event loop's delay: high when the machine (or this process) is busy, whatever our code does.
  const LOOP_TICK_MS = 5;
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_TICK_MS });
  loopDelay.enable();

  const channel = app.channel;
  const post = channel.post.bind(channel);
  channel.post = async (spaceId, message) => {
    const at = epoch();
    const chatId = message.speaker.kind === 'visitor' ? chatOfSpace.get(spaceId) : undefined;
    const start = chatId ? arrived.get(chatId) : undefined;
    if (chatId && start !== undefined) {
      inbound.push(at - start);
      arrived.delete(chatId);
      const a = appendStarted.get(chatId);
      const b = appendEnded.get(chatId);
      if (a !== undefined && b !== undefined && a >= start) {
        stages.request.push(a - start);
        stages.append.push(b - a);
        stages.dispatch.push(at - b);
      }
      appendStarted.delete(chatId);
      appendEnded.delete(chatId);
    }
    return post(spaceId, message);
  };

  // Webex → visitor: when our handler starts, keyed by the text the bench sent.
  const handled = new Map<string, number>();
  const onAgentMessage = app.chats.handlers.onAgentMessage;
  app.chats.handlers.onAgentMessage = (m: AgentMessage) => {
    if (m.text.startsWith('b:')) handled.set(m.text, epoch());
    return onAgentMessage(m);
  };

  let cpuMark = process.cpuUsage();
  let wallMark = performance.now();
  process.on('message', async (raw) => {
    const msg = raw as { id: number; cmd: string; [k: string]: unknown };
    try {
      let result: unknown;
      switch (msg.cmd) {
        case 'spaces': {
          const ids = msg.chatIds as string[];
          const out: Record<string, string> = {};
          for (const id of ids) {
            const chat = await app.store.getChat(id);
            if (chat?.spaceId) {
              out[id] = chat.spaceId;
              chatOfSpace.set(chat.spaceId, id);
            }
          }
          result = out;
          break;
        }
        case 'pending':
          result = await app.store.countPendingOutbox();
          break;
        case 'takeInbound': {
          // The histogram holds whole tick intervals: the delay is what exceeds the tick.
          const ms = (ns: number) => Math.max(0, ns / 1e6 - LOOP_TICK_MS);
          result = {
            samples: inbound.splice(0),
            request: stages.request.splice(0),
            append: stages.append.splice(0),
            dispatch: stages.dispatch.splice(0),
            loopDelay: { p50: ms(loopDelay.percentile(50)), p99: ms(loopDelay.percentile(99)), max: ms(loopDelay.max) },
          };
          loopDelay.reset();
          break;
        }
        case 'takeHandled':
          result = Object.fromEntries(handled);
          handled.clear();
          break;
        case 'seedIdle': {
          // Idle visitors' chats written straight to the store (no spaces): the idle bench
          // measures connections, not Webex.
          const n = msg.n as number;
          const tokens: [string, string][] = [];
          for (let i = 0; i < n; i += 50) {
            await Promise.all(
              Array.from({ length: Math.min(50, n - i) }, async () => {
                const id = randomUUID();
                const token = newChatToken();
                const now = new Date();
                await app.store.createChat(
                  newChat({ id, topicId: 'sales', state: 'queued', language: 'en', visitor: UNKNOWN_VISITOR, tokenHash: hashToken(token) }, now),
                  { type: 'created', actor: 'visitor' },
                );
                tokens.push([id, token]);
              }),
            );
          }
          result = tokens;
          break;
        }
        case 'usage': {
          const cpu = process.cpuUsage(cpuMark);
          const wall = performance.now() - wallMark;
          cpuMark = process.cpuUsage();
          wallMark = performance.now();
          const mem = process.memoryUsage();
          result = {
            rss: mem.rss,
            heapUsed: mem.heapUsed,
            cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
            streams: app.streams.size,
            connected: app.chats.presence.connected,
          };
          break;
        }
        case 'stop':
          await app.close();
          await db.close();
          await drop();
          rmSync(dir, { recursive: true, force: true });
          result = true;
          send({ id: msg.id, result });
          process.exit(0);
      }
      send({ id: msg.id, result });
    } catch (error) {
      send({ id: msg.id, error: (error as Error).message });
    }
  });
  // The bench process died (or finished without `stop`): do not outlive it.
  process.on('disconnect', () => {
    void app.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 5_000).unref();
  });
  const tokens = Object.fromEntries(app.sandbox!.identities().map((i) => [i.email, i.token]));
  send({ ready: true, url: app.url, apiBase: app.sandbox!.apiBase, tokens });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
