// What keeps the Webex side from losing an agent's message when webhooks do not arrive:
// - webhook health: a webhook whose target kept failing is set `inactive` by Webex and gets
//   nothing more until someone PUTs `status: active`; ours are checked on a schedule and
//   reactivated (logged, and the supervisors told);
// - reconciliation: every active space's messages are listed (newest first) back to where the
//   last listing stopped, and those not yet stored go through the same inbound queue (its
//   unique key dedupes them: nothing twice). It runs at start, on the schedule, and right after
//   a webhook was reactivated.
import type { Logger } from 'pino';
import type { Json } from '../../../ports.js';
import type { InboundQueue } from '../shared/inbound-queue.js';
import type { WebexClient } from './client.js';
import { isOwnIdentity } from './inbound.js';
import type { WebexMessage, WebexPerson, WebexWebhook } from './resources.js';

interface Inactive {
  owner: WebexClient;
  hook: WebexWebhook;
}

const PAGE = 50;
/** A space never listed before is read back this many pages at most. */
const FIRST_LISTING_PAGES = 4;
const KEEP_DONE_MS = 24 * 60 * 60 * 1000;

export interface UpkeepOptions {
  queue: InboundQueue;
  /** Who reads every message of our spaces: the relay (the bot sees only mentions); null: none. */
  reader: WebexClient | null;
  /** Every identity whose webhooks are ours (bot, relay), with the prefix of our hooks' names. */
  hookOwners: WebexClient[];
  webhookName: string;
  /** The spaces of chats active recently (the composition root asks the store). */
  activeSpaces(): Promise<string[]>;
  /** Told when a webhook had to be reactivated (the supervisors' space). */
  notify?(text: string): Promise<void>;
  periodMs: number;
  logger: Logger;
  identities(): (WebexPerson | null)[];
}

export class WebexUpkeep {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly options: UpkeepOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.pass(), this.options.periodMs);
    this.timer.unref();
    void this.pass();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One check of the webhooks and one reconciliation (a pass in progress is joined). */
  pass(): Promise<void> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<void> {
    const { logger, queue } = this.options;
    let off: Inactive[] = [];
    try {
      off = await this.inactiveWebhooks();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'webex webhook check failed; trying again later');
    }
    if (off.length === 0) {
      await this.reconcileAll();
      // Done items are the dedupe record of what listings may bring again; a day is plenty.
      await queue.store.purgeInboundBefore(new Date(Date.now() - KEEP_DONE_MS)).catch(() => undefined);
      return;
    }
    // Catch up before and after switching the webhooks back on, with the hand-over held: what
    // the webhooks bring from now on must not overtake what was written while they were off.
    queue.pause();
    try {
      await this.reconcileAll();
      await this.reactivate(off);
      await this.reconcileAll();
    } finally {
      queue.resume();
    }
  }

  private async reconcileAll(): Promise<void> {
    const { logger } = this.options;
    let spaces: string[];
    try {
      spaces = await this.options.activeSpaces();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'webex reconciliation: active spaces unknown; trying again later');
      return;
    }
    for (const room of this.options.reader ? spaces : []) {
      try {
        await this.reconcile(room);
      } catch (error) {
        logger.warn({ room, err: (error as Error).message }, 'webex reconciliation of a space failed; trying again later');
      }
    }
  }

  /** Our webhooks that Webex has switched off, with the identity owning each. */
  private async inactiveWebhooks(): Promise<Inactive[]> {
    const { hookOwners, webhookName } = this.options;
    const off: Inactive[] = [];
    for (const owner of hookOwners) {
      for (const hook of await owner.listWebhooks()) {
        if (hook.name.startsWith(`${webhookName}:`) && hook.status === 'inactive') off.push({ owner, hook });
      }
    }
    return off;
  }

  /** PUTs `status: active` on each, logs it and tells the supervisors. */
  private async reactivate(off: Inactive[]): Promise<void> {
    const { logger } = this.options;
    for (const { owner, hook } of off) {
      try {
        await owner.updateWebhook(hook.id, { name: hook.name, targetUrl: hook.targetUrl, status: 'active' });
      } catch (error) {
        logger.warn({ webhook: hook.name, err: (error as Error).message }, 'could not reactivate a webex webhook; trying again later');
        continue;
      }
      logger.warn({ webhook: hook.name, id: hook.id }, 'webex had switched a webhook off (its deliveries kept failing); reactivated it');
      await this.options
        .notify?.(
          `Webex had switched off the webhook "${hook.name}" after its deliveries kept failing. It is active again; ` +
            'messages written meanwhile were caught up by listing the spaces.',
        )
        .catch((error: unknown) => logger.warn({ err: (error as Error).message }, 'could not tell the supervisors'));
    }
  }

  /** Lists the room back to the marker and stores what is not stored yet, oldest first. */
  async reconcile(room: string): Promise<void> {
    const { queue, reader } = this.options;
    if (!reader) return;
    const mark = await queue.store.inboundMark(room);
    const found: WebexMessage[] = [];
    let before: string | undefined;
    for (let page = 0; mark || page < FIRST_LISTING_PAGES; page++) {
      const items = await reader.listMessagesPage({ roomId: room, max: PAGE, ...(before ? { beforeMessage: before } : {}) });
      found.push(...items);
      const oldest = items.at(-1);
      // Messages created at the marker's instant are listed again: the queue's key dedupes them.
      if (!oldest || items.length < PAGE || (mark && new Date(oldest.created) < mark)) break;
      before = oldest.id;
    }
    const own = this.options.identities();
    const fresh = found
      .filter((m) => (!mark || new Date(m.created) >= mark) && !isOwnIdentity(own, m.personId, m.personEmail))
      .sort((a, b) => Date.parse(a.created) - Date.parse(b.created));
    for (const message of fresh) {
      const stored = await queue.accept({
        key: `webex:message:${message.id}`,
        room,
        kind: 'message',
        payload: { id: message.id, name: `${this.options.webhookName}:relay`, message: message as unknown as Json },
        created: new Date(message.created),
      });
      if (stored) this.options.logger.info({ room, messageId: message.id }, 'webex reconciliation found a message no webhook brought');
    }
    const newest = found[0];
    if (newest) await queue.store.setInboundMark(room, new Date(newest.created));
  }
}
