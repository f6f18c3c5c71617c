// Picks the agent channel the configuration names (Webex or Slack, each with its in-process
// sandbox when no bot token is set), creates and starts it; the composition root owns its
// lifetime. Each messenger's modules, and its sandbox's, are loaded only when chosen.
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import type { AgentChannel, ChannelHandlers, InboundStore } from '../../ports.js';
import type { Sandbox } from '../../sandbox/index.js';
import type { SlackSandbox } from '../../sandbox/slack/index.js';
import type { InboundQueueTuning } from './shared/inbound-queue.js';
import type { RetryPolicy } from './shared/retry.js';

export type { InboundQueueTuning, RetryPolicy };

export type ChannelSettings = Pick<Config, 'messenger' | 'webex' | 'slack'>;

export interface ChannelDeps {
  /** This server's public base URL: webhooks and the in-process sandboxes are under it. */
  baseUrl: string;
  /** The services' side; deliveries reach it once the channel has started. */
  handlers: ChannelHandlers;
  /** Durable "first time seen?" for webhook deliveries (Store.markProcessed). */
  dedupe: (key: string) => Promise<boolean>;
  log: Logger;
  /** The in-process Webex sandbox's state folder; null keeps it in memory. */
  sandboxDataDir: string | null;
  /** Called with the in-process sandbox, if any, before the channel starts: the server must
   *  answer its routes by then (the channel's start calls it). */
  serveSandbox(sandboxes: Pick<OpenedChannel, 'sandbox' | 'slackSandbox'>): void;
  /** Store-first inbound: webhook deliveries are stored here before they are answered 200. */
  inbound?: { store: InboundStore; tuning?: InboundQueueTuning };
  /** Webhook health and reconciliation: the recently active spaces, whom to tell, how often. */
  upkeep?: { activeSpaces(): Promise<string[]>; notify(text: string): Promise<void>; periodMs?: number };
  /** The channel, before it starts: its webhook route may store deliveries from then on. */
  created?(channel: AgentChannel): void;
  /** The clients' retry policy (tests shorten the waits). */
  webexPolicy?: Partial<RetryPolicy>;
  slackPolicy?: Partial<RetryPolicy>;
}

export interface OpenedChannel {
  channel: AgentChannel;
  /** The in-process Webex sandbox, when no Webex bot token is configured. */
  sandbox: Sandbox | null;
  /** The in-process Slack sandbox (MESSENGER=slack without SLACK_BOT_TOKEN). */
  slackSandbox: SlackSandbox | null;
  /** Stops the channel, then the sandbox it runs against. */
  close(): Promise<void>;
}

/** A channel created with the sandbox it may run against (not started yet). */
export interface CreatedChannel extends Omit<OpenedChannel, 'close'> {
  closeSandbox(): Promise<void>;
}

/** Creates and starts the channel (started, webhooks registered, when it resolves). */
export async function openAgentChannel(settings: ChannelSettings, deps: ChannelDeps): Promise<OpenedChannel> {
  const created =
    settings.messenger === 'slack'
      ? await (await import('./slack/open.js')).createSlackFromConfig(settings.slack, deps)
      : await (await import('./webex/open.js')).createWebexFromConfig(settings.webex, deps);
  try {
    deps.serveSandbox({ sandbox: created.sandbox, slackSandbox: created.slackSandbox });
    deps.created?.(created.channel);
    await created.channel.start(deps.handlers);
  } catch (error) {
    await created.closeSandbox();
    throw error;
  }
  const { channel, sandbox, slackSandbox, closeSandbox } = created;
  return {
    channel,
    sandbox,
    slackSandbox,
    close: async () => {
      try {
        await channel.stop();
      } finally {
        await closeSandbox();
      }
    },
  };
}
