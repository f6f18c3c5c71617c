// The Slack channel from the configuration: against Slack, or against the Slack sandbox served
// by this process when no bot token is set.
import type { Config } from '../../../config.js';
import type { ChannelDeps, CreatedChannel } from '../index.js';
import { createSlackChannel } from './channel.js';

export async function createSlackFromConfig(slack: Config['slack'], deps: ChannelDeps): Promise<CreatedChannel> {
  const sandboxModule = slack.sandbox ? await import('../../../sandbox/slack/index.js') : null;
  const sandbox = sandboxModule
    ? new sandboxModule.SlackSandbox({
        publicUrl: `${deps.baseUrl}/sandbox/slack`,
        requestUrl: `${deps.baseUrl}/webhooks/slack`,
        log: deps.log.child({ component: 'slack-sandbox' }),
      })
    : null;
  const botToken = slack.botToken ?? sandboxModule?.SLACK_SANDBOX_BOT_TOKEN;
  const signingSecret = slack.signingSecret ?? sandbox?.signingSecret;
  if (!botToken || !signingSecret) throw new Error('MESSENGER=slack needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET');
  const channel = createSlackChannel({
    apiBase: sandbox?.apiBase ?? slack.apiUrl ?? undefined,
    botToken,
    signingSecret,
    dedupe: deps.dedupe,
    logger: deps.log.child({ component: 'slack' }),
    ...(deps.slackPolicy ? { policy: deps.slackPolicy } : {}),
  });
  return { channel, sandbox: null, slackSandbox: sandbox, closeSandbox: async () => sandbox?.close() };
}
