// Webhooks: each person's registrations (delivery itself is `../delivery.ts`).
import { notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { PersonRec, WebhookRec } from '../state.js';
import { validateWebhookShape } from '../webhook-rules.js';
import { dropUndefined, type Json, type WorldCore } from './core.js';

export class Webhooks {
  constructor(private readonly core: WorldCore) {}

  json(w: WebhookRec): Json {
    return dropUndefined({
      id: w.id,
      name: w.name,
      targetUrl: w.targetUrl,
      resource: w.resource,
      event: w.event,
      filter: w.filter,
      secret: w.secret,
      status: w.status,
      created: w.created,
      orgId: this.core.state.orgId,
      createdBy: w.ownerId,
      appId: this.core.state.appId,
      ownedBy: 'creator',
    });
  }

  create(
    caller: PersonRec,
    input: { name: string; targetUrl: string; resource: string; event: string; filter?: string; secret?: string },
  ): WebhookRec {
    validateWebhookShape(input.resource, input.event, input.filter);
    const w: WebhookRec = {
      id: newId('WEBHOOK'),
      ownerId: caller.id,
      name: input.name,
      targetUrl: input.targetUrl,
      resource: input.resource,
      event: input.event,
      status: 'active',
      created: this.core.now(),
    };
    if (input.filter) w.filter = input.filter;
    if (input.secret) w.secret = input.secret;
    this.core.state.webhooks.push(w);
    this.core.markChanged();
    return w;
  }

  list(caller: PersonRec): WebhookRec[] {
    return this.core.state.webhooks.filter((w) => w.ownerId === caller.id);
  }

  get(caller: PersonRec, id: string): WebhookRec {
    const w = this.core.state.webhooks.find((x) => x.id === id && x.ownerId === caller.id);
    if (!w) throw notFound('a webhook');
    return w;
  }

  update(
    caller: PersonRec,
    id: string,
    input: { name: string; targetUrl: string; secret?: string; status?: 'active' },
  ): WebhookRec {
    const w = this.get(caller, id);
    w.name = input.name;
    w.targetUrl = input.targetUrl;
    if (input.secret !== undefined) w.secret = input.secret;
    if (input.status) w.status = input.status;
    this.core.markChanged();
    return w;
  }

  remove(caller: PersonRec, id: string): void {
    const w = this.get(caller, id);
    this.core.state.webhooks = this.core.state.webhooks.filter((x) => x !== w);
    this.core.markChanged();
  }
}
