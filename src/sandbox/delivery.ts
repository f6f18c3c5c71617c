// Webhook delivery as Webex does it: an envelope around ids and metadata, signed with the
// webhook's secret (X-Spark-Signature: hex HMAC-SHA1 of the raw body), sent after the API call
// has answered, retried with backoff when the receiver fails.
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { newId } from './ids.js';
import type { DeliveryKnobs } from './knobs.js';
import type { SandboxState, WebhookRec } from './state.js';
import { parseFilter } from './webhook-rules.js';
import type { WorldEvent } from './world/index.js';

export const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 15_000];
const ATTEMPT_TIMEOUT_MS = 10_000;

export function signBody(body: string, secret: string): string {
  return createHmac('sha1', secret).update(body).digest('hex');
}

/** Does the webhook want this event, and may its owner see it? */
function webhookMatches(w: WebhookRec, e: WorldEvent): boolean {
  if (w.status !== 'active' || !e.audience.includes(w.ownerId)) return false;
  // The firehose (`all`) covers messages, memberships and rooms; card actions need their own.
  const resourceOk = w.resource === e.resource || (w.resource === 'all' && e.resource !== 'attachmentActions');
  if (!resourceOk) return false;
  if (w.event !== 'all' && w.event !== e.event) return false;
  if (!w.filter) return true;
  return parseFilter(w.filter).every(([key, want]) => {
    const have = e.filterable[key];
    if (have === undefined) return false;
    if (Array.isArray(have)) return have.includes(want === 'me' ? w.ownerId : want);
    if (typeof have === 'boolean') return String(have) === want;
    return key === 'personEmail' ? have.toLowerCase() === want.toLowerCase() : have === want;
  });
}

export class WebhookDelivery {
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<AbortController>();
  /** First attempts to one webhook go out in order; retries do not hold the line. */
  private readonly lines = new Map<string, Promise<void>>();
  private pending = 0;
  /** Consecutive failed deliveries per webhook (Webex switches a webhook off after enough). */
  private readonly failures = new Map<string, number>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly state: () => SandboxState,
    private readonly knobs: DeliveryKnobs,
    private readonly log: Logger,
    private readonly retryDelaysMs: number[] = DEFAULT_RETRY_DELAYS_MS,
    /** Marks the state changed (to be saved) after a webhook is switched off. */
    private readonly onChange?: () => void,
  ) {}

  /** Queues an event; deliveries start after the API call that raised it has answered. */
  schedule(event: WorldEvent): void {
    if (this.closed) return;
    this.pending++;
    setImmediate(() => {
      try {
        this.dispatch(event);
      } finally {
        this.done();
      }
    });
  }

  private dispatch(event: WorldEvent): void {
    if (this.closed) return;
    const s = this.state();
    for (const w of s.webhooks) {
      if (!webhookMatches(w, event)) continue;
      if (this.knobs.takeDrop()) {
        this.log.debug({ webhookId: w.id, resource: event.resource }, 'sandbox: delivery dropped by knob');
        continue;
      }
      const copies = this.knobs.takeDuplicate() ? 2 : 1;
      const envelope = {
        id: w.id,
        name: w.name,
        targetUrl: w.targetUrl,
        resource: event.resource,
        event: event.event,
        ...(w.filter ? { filter: w.filter } : {}),
        orgId: s.orgId,
        createdBy: w.ownerId,
        appId: s.appId,
        ownedBy: 'creator',
        status: w.status,
        created: w.created,
        actorId: event.actorId,
        data: event.data,
      };
      const body = JSON.stringify(envelope);
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'livechat-webex-sandbox',
        trackingid: `SANDBOX_WEBHOOK_${newId('WEBHOOK').slice(-12)}`,
      };
      if (w.secret) headers['x-spark-signature'] = signBody(body, w.secret);
      for (let i = 0; i < copies; i++) this.enqueue(w.id, w.targetUrl, body, headers);
    }
  }

  /** Resolves when no delivery is waiting or running (tests and shutdown use it). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.inflight) c.abort();
    this.pending = 0;
    this.settle();
  }

  private enqueue(webhookId: string, url: string, body: string, headers: Record<string, string>): void {
    this.pending++;
    const prev = this.lines.get(webhookId) ?? Promise.resolve();
    const next = prev.then(() => this.attempt(webhookId, url, body, headers, 0));
    this.lines.set(webhookId, next);
    void next.then(() => {
      if (this.lines.get(webhookId) === next) this.lines.delete(webhookId);
    });
  }

  private async attempt(webhookId: string, url: string, body: string, headers: Record<string, string>, n: number): Promise<void> {
    if (this.closed) return;
    // A webhook switched off meanwhile gets nothing more, retries included.
    if (this.state().webhooks.find((w) => w.id === webhookId)?.status !== 'active') return this.done();
    const controller = new AbortController();
    this.inflight.add(controller);
    const timer = setTimeout(() => controller.abort(), ATTEMPT_TIMEOUT_MS);
    let ok = false;
    let status: number | string = 'error';
    try {
      if (this.knobs.takeDeliveryFailure()) throw Object.assign(new Error('failed by knob'), { name: 'SandboxKnob' });
      const res = await fetch(url, { method: 'POST', headers, body, signal: controller.signal });
      status = res.status;
      ok = res.ok;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      status = (err as Error).name;
    } finally {
      clearTimeout(timer);
      this.inflight.delete(controller);
    }
    if (this.closed) return;
    if (ok) {
      this.failures.delete(webhookId);
      return this.done();
    }
    if (this.countFailure(webhookId)) return this.done();
    const delay = this.retryDelaysMs[n];
    if (delay === undefined) {
      this.log.warn({ url, status, attempts: n + 1 }, 'sandbox: webhook delivery failed, giving up');
      return this.done();
    }
    this.log.debug({ url, status, attempt: n + 1 }, 'sandbox: webhook delivery failed, will retry');
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.attempt(webhookId, url, body, headers, n + 1);
    }, delay);
    t.unref();
    this.timers.add(t);
  }

  /** Counts a failed delivery; true when the webhook has just been switched off for it. */
  private countFailure(webhookId: string): boolean {
    const failures = (this.failures.get(webhookId) ?? 0) + 1;
    this.failures.set(webhookId, failures);
    const limit = this.knobs.deactivateAfter();
    const hook = this.state().webhooks.find((w) => w.id === webhookId);
    if (limit === 0 || failures < limit || !hook) return false;
    hook.status = 'inactive';
    this.failures.delete(webhookId);
    this.knobs.noteDeactivation();
    this.onChange?.();
    this.log.warn({ webhookId, failures }, 'sandbox: webhook set inactive after consecutive failed deliveries');
    return true;
  }

  private done(): void {
    this.pending = Math.max(0, this.pending - 1);
    this.settle();
  }

  private settle(): void {
    if (this.pending > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
