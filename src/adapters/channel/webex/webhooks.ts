// The webhooks this product registers with Webex, under its own names: the bot's (messages that
// mention it or are in 1:1 spaces, and card submissions) and the relay's (every message in its
// spaces). Registering is idempotent: a hook of the same name is reused and repaired, duplicates
// are removed. Stopping one instance keeps them (other instances behind the same bot still need
// them); a single-instance setup such as the in-process sandbox removes its own.
import type { WebexClient } from './client.js';
import type { WebexWebhook } from './resources.js';

export interface WebhookTarget {
  /** Public URL of our `POST /webhooks/webex` route. */
  url: string;
  /** Shared secret for every webhook we register (HMAC-SHA1 signatures). */
  secret: string;
  /** Prefix of our webhooks' names. */
  name: string;
}

interface HookSpec {
  name: string;
  resource: string;
  event: string;
}

function botHooks(prefix: string): HookSpec[] {
  return [
    { name: `${prefix}:bot:messages`, resource: 'messages', event: 'created' },
    { name: `${prefix}:bot:actions`, resource: 'attachmentActions', event: 'created' },
  ];
}

function relayHooks(prefix: string): HookSpec[] {
  return [{ name: `${prefix}:relay`, resource: 'messages', event: 'created' }];
}

/** Creates or repairs one of our webhooks: same name → same target, secret and status. */
async function ensureWebhook(
  client: WebexClient,
  existing: WebexWebhook[],
  spec: HookSpec,
  target: WebhookTarget,
): Promise<void> {
  const matches = existing.filter((w) => w.name === spec.name && w.resource === spec.resource && w.event === spec.event);
  const [keep, ...extra] = matches;
  for (const duplicate of extra) await client.deleteWebhook(duplicate.id);
  if (!keep) {
    await client.createWebhook({ ...spec, targetUrl: target.url, secret: target.secret });
    return;
  }
  // Webex does not always echo the secret back, so it is re-set whenever the hook is reused.
  await client.updateWebhook(keep.id, { name: spec.name, targetUrl: target.url, secret: target.secret, status: 'active' });
}

/**
 * Registers one identity's hooks. Hooks of that identity that point at our URL under another
 * name (the firehose that webex-node-bot-framework registered in earlier versions) would deliver
 * every message twice: they are removed.
 */
async function registerAll(client: WebexClient, specs: HookSpec[], target: WebhookTarget): Promise<void> {
  const existing = await client.listWebhooks();
  const names = new Set(specs.map((s) => s.name));
  for (const stale of existing.filter((w) => w.targetUrl === target.url && !names.has(w.name))) {
    await client.deleteWebhook(stale.id);
  }
  for (const spec of specs) await ensureWebhook(client, existing, spec, target);
}

async function removeAll(client: WebexClient, specs: HookSpec[]): Promise<void> {
  const names = new Set(specs.map((s) => s.name));
  for (const hook of await client.listWebhooks()) {
    if (names.has(hook.name)) await client.deleteWebhook(hook.id);
  }
}

export async function registerWebhooks(bot: WebexClient, relay: WebexClient | null, target: WebhookTarget): Promise<void> {
  await registerAll(bot, botHooks(target.name), target);
  if (relay) await registerAll(relay, relayHooks(target.name), target);
}

export async function removeWebhooks(bot: WebexClient, relay: WebexClient | null, target: WebhookTarget): Promise<void> {
  await removeAll(bot, botHooks(target.name));
  if (relay) await removeAll(relay, relayHooks(target.name));
}
