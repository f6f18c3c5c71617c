// Loads and starts webex-node-bot-framework for the bot identity. Its objects stay in this folder.
// The SDK under it reads its API base from HYDRA_SERVICE_URL once, when it is first loaded, so
// the variable is set right before the dynamic import and one process serves one API base.
import type { Logger } from 'pino';

/** The part of the framework this adapter touches. */
export interface BotFramework {
  person: { id: string; emails: string[]; displayName: string; type?: string };
  email: string;
  /** Set by `start` once the firehose webhook exists; `false` when creating it failed. */
  webhook: { id?: string; name?: string } | false;
  cardsWebhook: { id?: string } | false;
  active: boolean;
  /** The SDK instance; its webhook listing is what `stop` reads to delete the bot's webhooks. */
  webex?: { webhooks?: { list(): Promise<{ items: unknown[] }> } };
  start(): Promise<boolean>;
  stop(): Promise<boolean>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

type FrameworkConstructor = new (options: Record<string, unknown>) => BotFramework;

let loadedApiBase: string | null = null;

async function loadFramework(apiBase: string): Promise<FrameworkConstructor> {
  if (loadedApiBase !== null && loadedApiBase !== apiBase) {
    throw new Error(
      `webex-node-bot-framework is already loaded for ${loadedApiBase}; the Webex SDK reads its API base ` +
        `once per process, so it cannot also serve ${apiBase}`,
    );
  }
  process.env.HYDRA_SERVICE_URL = apiBase;
  // The SDK logs at trace level when NODE_ENV=test, and at start complains that non-Webex
  // (sandbox) tokens have no org id; failures that matter are raised by startFramework below.
  // WEBEX_LOG_LEVEL set by the operator wins.
  process.env.WEBEX_LOG_LEVEL ??= 'silent';
  loadedApiBase = apiBase;
  const module = (await import('webex-node-bot-framework')) as { default: FrameworkConstructor };
  return module.default;
}

export interface StartFrameworkOptions {
  apiBase: string;
  token: string;
  webhookUrl: string;
  webhookSecret: string;
  logger?: Logger;
  /** How long to wait for the framework to register its webhooks. */
  timeoutMs?: number;
}

/**
 * Starts the framework in webhook mode: it resolves the bot (GET people/me) and replaces its own
 * webhooks (a firehose and one for attachmentActions, both signed with our secret). Bots are not
 * spawned per space at start (maxStartupSpaces 0): we do not use its bot objects, and one space
 * per chat would make that thousands of calls.
 */
export async function startFramework(options: StartFrameworkOptions): Promise<BotFramework> {
  const Framework = await loadFramework(options.apiBase);
  const framework = new Framework({
    token: options.token,
    webhookUrl: options.webhookUrl,
    webhookSecret: options.webhookSecret,
    // Only its own webhooks (named after the target host and the bot), never other apps' ones.
    removeWebhooksOnStart: false,
    maxStartupSpaces: 0,
    messageFormat: 'markdown',
  });
  framework.on('log', (message) => options.logger?.debug({ message }, 'webex framework'));
  const initialized = new Promise<void>((resolve) => framework.on('initialized', () => resolve()));
  await framework.start();
  await initialized;
  // `start` resolves before its webhooks are created (that chain is not awaited inside the
  // framework), and a failure there is only printed: wait for the outcome and make it an error.
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  while (!(framework.webhook === false || (framework.cardsWebhook && framework.cardsWebhook.id))) {
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (!framework.webhook || !framework.cardsWebhook || !framework.cardsWebhook.id) {
    await framework.stop().catch(() => false);
    throw new Error('webex-node-bot-framework could not register its webhooks (see the error printed above)');
  }
  return framework;
}

/**
 * Stops the framework but leaves the bot's webhooks in place. Its own stop() deletes them, and
 * with several instances behind one bot that would cut every other instance off from card
 * submissions and mentions. Nothing piles up: at start the framework replaces its own webhooks.
 */
export async function stopFramework(framework: BotFramework): Promise<void> {
  const webhooks = framework.webex?.webhooks;
  if (webhooks) webhooks.list = async () => ({ items: [] });
  await framework.stop();
}
