// Webex webhook deliveries → the services' AgentMessage and CardAction. A delivery carries ids
// only; the message or the card submission is fetched by the identity whose webhook delivered
// it (the relay can read every message of its spaces, the bot only those addressed to it).
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AgentMessage, CardAction, ChannelHandlers, InboundItem, Person, WebhookResult } from '../../../ports.js';
import type { Headers, InboundPipeline } from '../shared/inbound.js';
import type { InboundQueue } from '../shared/inbound-queue.js';
import type { PeopleCache } from '../shared/people.js';
import { isWebexStatus, type WebexClient } from './client.js';
import type { WebexMessage, WebexPerson } from './resources.js';
import { stripBotMention } from './escape.js';
import { htmlToMarkdown } from './html.js';

// Webhook envelope: ids and metadata only, never message text.
const envelopeSchema = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  resource: z.string(),
  event: z.string(),
  createdBy: z.string().optional(),
  actorId: z.string().optional(),
  data: z
    .object({
      id: z.string(),
      roomId: z.string().optional(),
      personId: z.string().optional(),
      personEmail: z.string().optional(),
      messageId: z.string().optional(),
    })
    .passthrough(),
});
type Envelope = z.infer<typeof envelopeSchema>;
/** What a delivery says of a message: its id, and whose webhook delivered it. */
interface Notice {
  id: string;
  createdBy?: string;
  name?: string;
}

export function toPerson(p: WebexPerson): Person {
  return { id: p.id, email: p.emails[0] ?? '', displayName: p.displayName, firstName: p.firstName ?? null };
}

/** What the inbound side needs to know of the running channel. */
export interface WebexInboundContext {
  mode: 'relay' | 'mention';
  bot: WebexClient;
  relay: WebexClient | null;
  /** Prefix of our webhooks' names (tells the relay's deliveries from the bot's). */
  webhookName: string;
  pipeline: InboundPipeline;
  /** Store-first: deliveries are kept here before the 200; null keeps them in memory only. */
  queue: InboundQueue | null;
  people: PeopleCache;
  logger: Logger;
  /** The resolved identities and the services' handlers; null before start. */
  state(): { handlers: ChannelHandlers; bot: WebexPerson; relay: WebexPerson | null } | null;
}

/** Our own posts come back through the webhooks: recognised by id or e-mail. */
export function isOwnIdentity(identities: (WebexPerson | null)[], personId?: string, personEmail?: string): boolean {
  const known = identities.filter((p): p is WebexPerson => p !== null);
  const emails = known.flatMap((p) => p.emails).map((e) => e.toLowerCase());
  return (
    (personId !== undefined && known.some((p) => p.id === personId)) ||
    (personEmail !== undefined && emails.includes(personEmail.toLowerCase()))
  );
}

/** The line holding the mention of the bot, without it; the other lines keep their breaks. */
function withoutBotMention(message: WebexMessage, bot: WebexPerson): string {
  const names = [bot.displayName, bot.nickName, bot.firstName].filter(
    (n): n is string => typeof n === 'string' && n.length > 0,
  );
  // html carries the label the mention was shown with; its plain text is what `text` holds.
  const label = /<spark-mention[^>]*data-object-id="([^"]+)"[^>]*>(.*?)<\/spark-mention>/i.exec(message.html ?? '');
  if (label?.[1] === bot.id && label[2]) names.push(label[2].replace(/<[^>]+>/g, ''));
  const lines = (message.text ?? '').split('\n');
  const lower = names.map((n) => n.toLowerCase());
  const at = Math.max(0, lines.findIndex((line) => lower.some((n) => line.toLowerCase().includes(n))));
  lines[at] = stripBotMention(lines[at] ?? '', { names, personId: bot.id });
  return (lines[at] === '' && at === 0 ? lines.slice(1) : lines).join('\n').trim();
}

const MARKDOWN_MENTION = /<@(personId|personEmail):([^|>\s]+)(?:\|([^>]*))?>|<@all(?:\|([^>]*))?>/g;

/**
 * Webex markdown as the neutral markdown: a mention of the bot goes (it addressed the bot, not
 * the visitor), other mentions become their labels. A message with only `html` (as some
 * clients send) is read from it. Null when the message has neither.
 */
function neutralMarkdown(message: WebexMessage, bot: WebexPerson): string | null {
  if (!message.markdown?.trim()) return message.html?.trim() ? htmlToMarkdown(message.html, bot.id) || null : null;
  const botEmails = bot.emails.map((e) => e.toLowerCase());
  const out = message.markdown.replace(MARKDOWN_MENTION, (_whole, kind?: string, value?: string, label?: string, allLabel?: string) => {
    if (kind === undefined) return allLabel?.trim() || 'All';
    const isBot = kind === 'personId' ? value === bot.id : botEmails.includes((value ?? '').toLowerCase());
    return isBot ? '' : (label?.trim() ?? '');
  });
  return out.trim() || null;
}

/** The message as the services see it; null when it is not for them (mention mode, no mention). */
export function toAgentMessage(
  message: WebexMessage,
  author: Person,
  bot: WebexPerson,
  mode: 'relay' | 'mention',
): AgentMessage | null {
  const mentioned = (message.mentionedPeople ?? []).includes(bot.id);
  // In a 1:1 space with the bot every message is addressed to it.
  const mentionsBot = mentioned || message.roomType === 'direct';
  if (mode === 'mention' && !mentionsBot) return null;
  return {
    spaceId: message.roomId,
    messageId: message.id,
    author,
    text: mentioned ? withoutBotMention(message, bot) : message.text ?? '',
    markdown: neutralMarkdown(message, bot),
    parentId: message.parentId ?? null,
    mentionsBot,
    at: new Date(message.created),
  };
}

export class WebexInbound {
  constructor(private readonly context: WebexInboundContext) {}

  /**
   * A verified delivery: parsed, checked, and stored for its room before the 200 (503 when the
   * database does not answer, so Webex delivers again). Stored even before the channel has
   * started: the queue hands it over once it has.
   */
  async route(rawBody: Buffer, _headers: Headers): Promise<WebhookResult> {
    let envelope: Envelope;
    try {
      envelope = envelopeSchema.parse(JSON.parse(rawBody.toString('utf8')));
    } catch {
      return { status: 400, body: { error: 'not a Webex webhook delivery' } };
    }
    const { resource, event, data } = envelope;
    const state = this.context.state();
    const kind = resource === 'messages' ? 'message' : resource === 'attachmentActions' ? 'action' : null;
    if (!kind || event !== 'created') return { status: 200, body: { ignored: `${resource}:${event}` } };
    // Our own posts come back through the webhooks: dropped before any fetch.
    if (kind === 'message' && state && isOwnIdentity([state.bot, state.relay], data.personId, data.personEmail)) {
      return { status: 200, body: { ignored: 'own' } };
    }
    const key = `webex:${kind}:${data.id}`;
    const { queue, pipeline } = this.context;
    if (queue) return this.store(queue, envelope, kind, key);
    if (!state) return { status: 503, body: { error: 'not started' } };
    if (!pipeline.firstSeen(key)) return { status: 200, body: { duplicate: true } };
    const notice = { id: data.id, createdBy: envelope.createdBy, name: envelope.name };
    pipeline.enqueue(key, data.roomId, () =>
      kind === 'message' ? this.processMessage(notice, key, true) : this.processAction(data.id, key, true),
    );
    return { status: 200, body: { accepted: true } };
  }

  private async store(queue: InboundQueue, envelope: Envelope, kind: string, key: string): Promise<WebhookResult> {
    const { data } = envelope;
    const created = typeof data['created'] === 'string' ? new Date(data['created']) : new Date();
    try {
      const stored = await queue.accept({
        key,
        room: data.roomId ?? key,
        kind,
        payload: { id: data.id, ...(envelope.createdBy ? { createdBy: envelope.createdBy } : {}), ...(envelope.name ? { name: envelope.name } : {}) },
        created: Number.isNaN(created.getTime()) ? new Date() : created,
      });
      return { status: 200, body: stored ? { accepted: true } : { duplicate: true } };
    } catch (error) {
      this.context.logger.warn({ key, err: (error as Error).message }, 'webex delivery not stored: database unavailable; answered 503');
      return { status: 503, body: { error: 'unavailable', message: 'Cannot store the delivery now; deliver again later.' } };
    }
  }

  /** A stored item, handed over by the queue in its room's created order. */
  async processItem(item: InboundItem): Promise<void> {
    const payload = item.payload as unknown as Notice & { message?: WebexMessage };
    if (item.kind === 'message') await this.processMessage(payload, item.key, false, payload.message);
    else if (item.kind === 'action') await this.processAction(payload.id, item.key, false);
  }

  /** Whose webhook delivered this: the relay's (it can read every message) or the bot's. */
  private readerOf(notice: Notice, relayPerson: WebexPerson | null): WebexClient {
    const { relay, bot, webhookName } = this.context;
    if (!relay || !relayPerson) return bot;
    const toRelay = notice.createdBy ? notice.createdBy === relayPerson.id : notice.name === `${webhookName}:relay`;
    return toRelay ? relay : bot;
  }

  /** Fetches what a delivery names; null when it is gone or not visible (then forgotten). */
  private async fetchOrSkip<T>(key: string, fetch: () => Promise<T>): Promise<T | null> {
    try {
      return await fetch();
    } catch (error) {
      this.context.pipeline.forget(key); // a redelivery may succeed
      if (!isWebexStatus(error, 403, 404)) throw error;
      this.context.logger.debug({ key }, 'webex delivery names something gone or not visible; skipped');
      return null;
    }
  }

  /** The author; someone the reader may not look up is known by the e-mail (not remembered). */
  private async person(client: WebexClient, id: string, fallbackEmail?: string): Promise<Person> {
    try {
      return await this.context.people.get(id, async () => toPerson(await client.getPerson(id)));
    } catch (error) {
      if (!fallbackEmail || !isWebexStatus(error, 403, 404)) throw error;
      return { id, email: fallbackEmail, displayName: fallbackEmail, firstName: null };
    }
  }

  /** `memory`: the in-memory path (no queue), which also asks the durable dedupe. */
  private async processMessage(notice: Notice, key: string, memory: boolean, listed?: WebexMessage): Promise<void> {
    const state = this.running();
    const client = this.readerOf(notice, state.relay);
    const message = listed ?? (await this.fetchOrSkip(key, () => client.getMessage(notice.id)));
    if (!message || isOwnIdentity([state.bot, state.relay], message.personId, message.personEmail)) return;
    const author = await this.person(client, message.personId, message.personEmail);
    const mapped = toAgentMessage(message, author, state.bot, this.context.mode);
    if (!mapped || (memory && !(await this.context.pipeline.firstTime(key)))) return;
    await state.handlers.onAgentMessage(mapped);
  }

  private async processAction(id: string, key: string, memory: boolean): Promise<void> {
    const state = this.running();
    const { bot } = this.context;
    const action = await this.fetchOrSkip(key, () => bot.getAttachmentAction(id));
    if (!action) return;
    const actor = await this.person(bot, action.personId);
    if (memory && !(await this.context.pipeline.firstTime(key))) return;
    const mapped: CardAction = {
      spaceId: action.roomId,
      actionId: action.id,
      messageId: action.messageId,
      actor,
      inputs: action.inputs ?? {},
      at: new Date(action.created),
    };
    await state.handlers.onCardAction(mapped);
  }

  /** The started channel; the queue starts handing items over only after start. */
  private running(): NonNullable<ReturnType<WebexInboundContext['state']>> {
    const state = this.context.state();
    if (!state) throw new Error('the Webex channel is not started');
    return state;
  }
}
