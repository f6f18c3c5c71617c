// Our Webex client registers the channel's webhooks itself (the bot framework that used to do it
// for the bot is gone). Against the sandbox: the hooks it registers, that a single instance (the
// in-process sandbox's case) removes them on stop, and that the framework's firehose left behind
// by an earlier version is removed at start instead of delivering every message twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createWebexChannel } from '../../../src/adapters/channel/webex/channel.js';
import type { SandboxServer } from '../../../src/sandbox/index.js';
import { apiFor, BOT, startSandbox } from './helpers.js';

const RELAY = 'relay@example.com';
const TARGET = 'http://127.0.0.1:9/webhooks/webex';
const handlers = { onAgentMessage: async () => {}, onCardAction: async () => {} };
let server: SandboxServer;

beforeAll(async () => {
  server = await startSandbox();
});

afterAll(async () => {
  await server?.close();
});

const hooksOf = async (email: string) =>
  ((await apiFor(server, email)('GET', '/webhooks')).body.items as { name: string; resource: string; event: string; targetUrl: string }[])
    .map((h) => `${h.resource}/${h.event} ${h.targetUrl}`)
    .sort();

function channel(keepWebhooksOnStop: boolean) {
  return createWebexChannel({
    apiBase: server.sandbox.apiBase,
    botToken: server.sandbox.tokenFor(BOT),
    relay: { token: server.sandbox.tokenFor(RELAY) },
    webhookUrl: TARGET,
    webhookSecret: 'channel-secret',
    keepWebhooksOnStop,
    logger: pino({ level: 'silent' }),
  });
}

describe("the channel's webhooks in the sandbox", () => {
  it('removes the firehose an earlier version registered, and its own hooks on stop when it is the only instance', async () => {
    await apiFor(server, BOT)('POST', '/webhooks', { name: 'framework firehose', targetUrl: TARGET, resource: 'all', event: 'all' });
    const single = channel(false);
    await single.start(handlers);
    expect(await hooksOf(BOT)).toEqual([`attachmentActions/created ${TARGET}`, `messages/created ${TARGET}`]);
    expect(await hooksOf(RELAY)).toEqual([`messages/created ${TARGET}`]);
    await single.stop();
    expect(await hooksOf(BOT)).toEqual([]);
    expect(await hooksOf(RELAY)).toEqual([]);
  });

  it('keeps them on stop by default, for the other instances behind the same bot', async () => {
    const one = channel(true);
    await one.start(handlers);
    await one.stop();
    expect(await hooksOf(BOT)).toHaveLength(2);
    expect(await hooksOf(RELAY)).toHaveLength(1);
  });
});
