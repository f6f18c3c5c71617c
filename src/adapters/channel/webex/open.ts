// The Webex channel from the configuration: against Webex, or against the sandbox started in
// this process when no bot token is set (its bot and relay identities, memory or a folder).
import type { Config } from '../../../config.js';
import type { ChannelDeps, CreatedChannel } from '../index.js';
import { createWebexChannel } from './channel.js';

export async function createWebexFromConfig(webex: Config['webex'], deps: ChannelDeps): Promise<CreatedChannel> {
  const sandbox = webex.sandbox
    ? await (await import('../../../sandbox/index.js')).createSandbox({
        publicUrl: `${deps.baseUrl}/sandbox`,
        dataDir: deps.sandboxDataDir,
        log: deps.log.child({ component: 'sandbox' }),
      })
    : null;
  const bot = sandbox?.identities().find((i) => i.type === 'bot');
  const botToken = webex.botToken ?? bot?.token;
  const relayToken = webex.relayToken ?? sandbox?.tokenFor('relay@example.com') ?? null;
  if (!botToken) throw new Error('no Webex bot token, and no sandbox bot to stand in');
  if (!webex.webhookSecret && !sandbox) throw new Error('WEBEX_WEBHOOK_SECRET is required with WEBEX_BOT_TOKEN');
  const channel = createWebexChannel({
    apiBase: sandbox?.apiBase ?? webex.apiUrl ?? undefined,
    botToken,
    relay: relayToken
      ? { token: relayToken, refreshToken: webex.relayRefreshToken, clientId: webex.clientId, clientSecret: webex.clientSecret }
      : null,
    webhookUrl: `${deps.baseUrl}/webhooks/webex`,
    // The sandbox signs with whatever secret we register: its own random one, never a constant.
    webhookSecret: webex.webhookSecret ?? sandbox?.webhookSecret ?? '',
    dedupe: deps.dedupe,
    ...(deps.inbound ? { inbound: { store: deps.inbound.store, ...deps.inbound.tuning } } : {}),
    ...(deps.upkeep ? { upkeep: deps.upkeep } : {}),
    // The in-process sandbox serves this instance alone: nobody else needs its webhooks.
    keepWebhooksOnStop: !sandbox,
    logger: deps.log.child({ component: 'webex' }),
    ...(deps.webexPolicy ? { policy: deps.webexPolicy } : {}),
  });
  return { channel, sandbox, slackSandbox: null, closeSandbox: async () => sandbox?.close() };
}
