// The product against the sandbox playing real Webex (issue 12): supervisor links for the
// current room-id shape, and a long multi-byte visitor message split under Webex's limit of
// 7439 characters and 7439 bytes, every word arriving once and in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createWebexChannel, type WebexChannel } from '../../../src/adapters/channel/webex/channel.js';
import { WebexClient } from '../../../src/adapters/channel/webex/client.js';
import { startSandboxServer } from '../../../src/sandbox/index.js';
import { plain } from '../../../src/domain/rich-text.js';
import type { OutgoingMessage } from '../../../src/ports.js';
import { collectingHandlers, startReceiver, type Receiver } from './harness.js';

const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

let sandboxServer: Awaited<ReturnType<typeof startSandboxServer>>;
let receiver: Receiver;
let tokens: Record<string, string>;
let channel: WebexChannel;
let space: string;

beforeAll(async () => {
  sandboxServer = await startSandboxServer({ port: 0, dataDir: null });
  tokens = Object.fromEntries(sandboxServer.sandbox.identities().map((i) => [i.email, i.token]));
  receiver = await startReceiver();
  const bot = sandboxServer.sandbox.identities().find((i) => i.type === 'bot')!;
  channel = createWebexChannel({
    apiBase: sandboxServer.sandbox.apiBase,
    botToken: bot.token,
    relay: { token: tokens['relay@example.com']! },
    webhookUrl: receiver.url,
    webhookSecret: 'fidelity-secret',
    logger,
  });
  receiver.setHandler((raw, headers) => channel.handleWebhook(raw, headers));
  await channel.start(collectingHandlers().handlers);
  space = await channel.createSpace('Support · Visitor · #f1de17');
  await channel.addMember(space, 'alice@example.com');
});

afterAll(async () => {
  await channel?.stop();
  await receiver?.close();
  await sandboxServer?.close();
});

const visitor = (text: string): OutgoingMessage => ({ speaker: { kind: 'visitor', name: 'Zofia', verified: false }, text: plain(text) });

describe('Webex fidelity, end to end', () => {
  it('links a space minted in the team cluster to the desktop client', () => {
    const decoded = Buffer.from(space, 'base64').toString('utf8');
    const match = /^ciscospark:\/\/urn:TEAM:us-west-2_r\/ROOM\/([0-9a-f-]{36})$/.exec(decoded);
    expect(match).not.toBeNull();
    expect(channel.spaceLink(space)).toBe(`webexteams://im?space=${match![1]}`);
  });

  it('posts a long Polish and emoji visitor message in parts Webex accepts, every word once and in order', async () => {
    // Numbered words so loss, duplication and order show; 2-byte letters and 4-byte emoji (plus a
    // ZWJ sequence) make the bytes about twice the characters.
    const words = Array.from({ length: 2400 }, (_, i) => `źdźbło${i}🎉żółw👩‍💻`);
    const text = words.join(' ');
    expect(Buffer.byteLength(text)).toBeGreaterThan(3 * 7439);
    const ids = await channel.post(space, visitor(text));
    expect(ids.length).toBeGreaterThanOrEqual(4);

    const alice = new WebexClient({ baseUrl: sandboxServer.sandbox.apiBase, token: tokens['alice@example.com']!, logger });
    const seen = [];
    for (const id of ids) seen.push(await alice.getMessage(id));
    for (const m of seen) {
      expect(m.personEmail).toBe('relay@example.com');
      expect([...(m.markdown ?? '')].length).toBeLessThanOrEqual(7439);
      expect(Buffer.byteLength(m.markdown ?? '')).toBeLessThanOrEqual(7439);
    }
    const arrived = seen.flatMap((m) => [...(m.markdown ?? '').matchAll(/źdźbło(\d+)🎉żółw👩‍💻/gu)].map((x) => Number(x[1])));
    expect(arrived).toEqual(words.map((_, i) => i));
  });
});
