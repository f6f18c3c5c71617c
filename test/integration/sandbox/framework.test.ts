// The real webex-node-bot-framework against the sandbox, through its own webhook handler: it
// starts (people/me, webhooks), spawns a bot when added to a space, hears a mention and receives
// a card submission made by alice. This checks the sandbox, not our Webex layer.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxServer } from '../../../src/sandbox/index.js';
import { apiFor, BOT, startSandbox } from './helpers.js';

const require = createRequire(import.meta.url);
let server: SandboxServer;
let receiver: Server;
let framework: any;
const events: { kind: string; value: unknown }[] = [];

const waitFor = async (kind: string): Promise<any> => {
  await expect.poll(() => events.find((e) => e.kind === kind), { timeout: 10_000 }).toBeDefined();
  return events.find((e) => e.kind === kind)!.value;
};

beforeAll(async () => {
  server = await startSandbox();
  // The SDK under the framework reads its API base from this variable when it loads.
  process.env.HYDRA_SERVICE_URL = server.sandbox.apiBase;
  process.env.WEBEX_LOG_LEVEL ??= 'silent';
  const Framework = require('webex-node-bot-framework');
  const webhook = require('webex-node-bot-framework/webhook');

  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fake = Object.assign(req, { body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      const out = { status: () => out, send: () => res.writeHead(200).end('OK') };
      void webhook(framework)(fake, out);
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
  const { port } = receiver.address() as AddressInfo;

  framework = new Framework({
    token: server.sandbox.tokenFor(BOT),
    webhookUrl: `http://127.0.0.1:${port}/webhook`,
    webhookSecret: 'framework-secret',
    messageFormat: 'markdown',
  });
  framework.on('spawn', (bot: any) => events.push({ kind: 'spawn', value: bot.room.id }));
  framework.on('attachmentAction', (_bot: any, trigger: any) => events.push({ kind: 'action', value: trigger.attachmentAction }));
  framework.hears('status', (_bot: any, trigger: any) => events.push({ kind: 'heard', value: trigger.text }));
  await framework.start();
});

afterAll(async () => {
  await framework?.stop();
  await new Promise<void>((resolve) => {
    receiver?.close(() => resolve());
    receiver?.closeAllConnections();
  });
  await server?.close();
});

describe('webex-node-bot-framework against the sandbox', () => {
  it('registers its firehose and attachmentActions webhooks', async () => {
    // start() does not wait for its webhooks: poll until both exist.
    const kinds = async () =>
      ((await apiFor(server, BOT)('GET', '/webhooks')).body.items as any[]).map((h) => `${h.resource}/${h.event}`).sort();
    await expect.poll(kinds, { timeout: 10_000 }).toEqual(['all/all', 'attachmentActions/created']);
  });

  it('spawns on membership, hears a mention and receives alice\'s card submission', async () => {
    const alice = apiFor(server, 'alice@example.com');
    const room = await alice('POST', '/rooms', { title: 'Framework check' });
    await alice('POST', '/memberships', { roomId: room.body.id, personEmail: BOT });
    expect(await waitFor('spawn')).toBe(room.body.id);

    await alice('POST', '/messages', { roomId: room.body.id, markdown: `<@personEmail:${BOT}|Live Chat Bot> status please` });
    expect(await waitFor('heard')).toContain('status please');

    const card = await apiFor(server, BOT)('POST', '/messages', {
      roomId: room.body.id,
      markdown: 'card',
      attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: { type: 'AdaptiveCard', version: '1.3', body: [], actions: [{ type: 'Action.Submit', title: 'Claim' }] } }],
    });
    const submitted = await alice('POST', '/attachment/actions', { type: 'submit', messageId: card.body.id, inputs: { action: 'claim' } });
    const action = await waitFor('action');
    expect(action).toMatchObject({ id: submitted.body.id, messageId: card.body.id, inputs: { action: 'claim' } });
  });
});
