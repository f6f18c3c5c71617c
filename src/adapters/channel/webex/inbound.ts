// Webex webhook deliveries → the services' AgentMessage and CardAction. A delivery carries ids
// only; the message or the card submission is fetched by the identity whose webhook delivered
// it (the relay can read every message of its spaces, the bot only those addressed to it).
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AgentMessage, CardAction, ChannelHandlers, Person, WebhookResult } from '../../../ports.js';
import type { Headers, InboundPipeline } from '../shared/inbound.js';
import type { PeopleCache } from '../shared/people.js';
import { isWebexStatus, type WebexClient } from './client.js';
import type { WebexMessage, WebexPerson } from './resources.js';
import { stripBotMention } from './escape.js';

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
 * the visitor), other mentions become their labels. Null when the message has no markdown.
 */
function neutralMarkdown(message: WebexMessage, bot: WebexPerson): string | null {
  if (message.markdown === undefined || !message.markdown.trim()) return null;
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

  /** A verified delivery: parsed, checked, and queued for its room. */
  route(rawBody: Buffer, _headers: Headers): WebhookResult {
    let envelope: Envelope;
    try {
      envelope = envelopeSchema.parse(JSON.parse(rawBody.toString('utf8')));
    } catch {
      return { status: 400, body: { error: 'not a Webex webhook delivery' } };
    }
    const state = this.context.state();
    if (!state) return { status: 503, body: { error: 'not started' } };
    const { resource, event, data } = envelope;
    let key: string;
    let work: () => Promise<void>;
    if (resource === 'messages' && event === 'created') {
      // Our own posts come back through the webhooks: dropped before any fetch.
      if (isOwnIdentity([state.bot, state.relay], data.personId, data.personEmail)) {
        return { status: 200, body: { ignored: 'own' } };
      }
      key = `webex:message:${data.id}`;
      work = () => this.processMessage(envelope, key);
    } else if (resource === 'attachmentActions' && event === 'created') {
      key = `webex:action:${data.id}`;
      work = () => this.processAction(envelope, key);
    } else {
      return { status: 200, body: { ignored: `${resource}:${event}` } };
    }
    if (!this.context.pipeline.firstSeen(key)) return { status: 200, body: { duplicate: true } };
    this.context.pipeline.enqueue(key, data.roomId, work);
    return { status: 200, body: { accepted: true } };
  }

  /** Whose webhook delivered this: the relay's (it can read every message) or the bot's. */
  private readerOf(envelope: Envelope, relayPerson: WebexPerson | null): WebexClient {
    const { relay, bot, webhookName } = this.context;
    if (!relay || !relayPerson) return bot;
    const toRelay = envelope.createdBy ? envelope.createdBy === relayPerson.id : envelope.name === `${webhookName}:relay`;
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

  private async processMessage(envelope: Envelope, key: string): Promise<void> {
    const state = this.context.state();
    if (!state) return;
    const client = this.readerOf(envelope, state.relay);
    const message = await this.fetchOrSkip(key, () => client.getMessage(envelope.data.id));
    if (!message || isOwnIdentity([state.bot, state.relay], message.personId, message.personEmail)) return;
    const author = await this.person(client, message.personId, message.personEmail);
    const mapped = toAgentMessage(message, author, state.bot, this.context.mode);
    if (!mapped || !(await this.context.pipeline.firstTime(key))) return;
    await state.handlers.onAgentMessage(mapped);
  }

  private async processAction(envelope: Envelope, key: string): Promise<void> {
    const state = this.context.state();
    if (!state) return;
    const { bot } = this.context;
    const action = await this.fetchOrSkip(key, () => bot.getAttachmentAction(envelope.data.id));
    if (!action) return;
    const actor = await this.person(bot, action.personId);
    if (!(await this.context.pipeline.firstTime(key))) return;
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
}
