// Slack deliveries → the services' AgentMessage and CardAction: Events API callbacks (JSON) for
// messages, interaction payloads (form-encoded) for clicks on a card's buttons.
import type { Logger } from 'pino';
import { z } from 'zod';
import type { AgentMessage, ChannelHandlers, Person, WebhookResult } from '../../../ports.js';
import { headerValue, type Headers, type InboundPipeline } from '../shared/inbound.js';
import { submittedInputs } from './blocks.js';
import { messageIdOf } from './ids.js';
import { mentionedUsers, mrkdwnToMarkdown, mrkdwnToPlain, stripUserMention } from './mrkdwn.js';

const eventSchema = z
  .object({
    type: z.string(),
    subtype: z.string().optional(),
    channel: z.string().optional(),
    channel_type: z.string().optional(),
    user: z.string().optional(),
    bot_id: z.string().optional(),
    text: z.string().optional(),
    ts: z.string().optional(),
    thread_ts: z.string().optional(),
  })
  .passthrough();

const envelopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('url_verification'), challenge: z.string() }).passthrough(),
  z.object({ type: z.literal('event_callback'), event_id: z.string(), event: eventSchema }).passthrough(),
  z.object({ type: z.literal('app_rate_limited') }).passthrough(),
]);

const stateSchema = z.record(z.string(), z.record(z.string(), z.object({}).passthrough()));

const interactionSchema = z
  .object({
    type: z.string(),
    user: z.object({ id: z.string() }).passthrough(),
    channel: z.object({ id: z.string() }).passthrough().optional(),
    container: z
      .object({ message_ts: z.string().optional(), channel_id: z.string().optional() })
      .passthrough()
      .optional(),
    message: z.object({ ts: z.string() }).passthrough().optional(),
    actions: z
      .array(
        z
          .object({ action_id: z.string(), value: z.string().optional(), action_ts: z.string().optional() })
          .passthrough(),
      )
      .optional(),
    state: z.object({ values: stateSchema }).passthrough().optional(),
  })
  .passthrough();

type SlackEvent = z.infer<typeof eventSchema>;
type Interaction = z.infer<typeof interactionSchema>;

const IGNORED_SUBTYPES = new Set(['message_changed', 'message_deleted', 'bot_message', 'channel_join', 'channel_leave', 'group_join', 'group_leave', 'channel_topic', 'channel_purpose', 'channel_name', 'group_topic', 'group_purpose', 'group_name']);

/** What the inbound side needs to know of the running channel. */
export interface SlackInboundContext {
  pipeline: InboundPipeline;
  logger: Logger;
  /** Looks a user up (remembered). */
  person(id: string): Promise<Person>;
  now(): number;
  /** The bot and the services' handlers; null before start. */
  state(): { handlers: ChannelHandlers; botUserId: string } | null;
}

export class SlackInbound {
  constructor(private readonly context: SlackInboundContext) {}

  /** A verified delivery: an interaction (form) or an Events API callback (JSON). */
  route(rawBody: Buffer, headers: Headers): WebhookResult {
    const contentType = headerValue(headers['content-type']).toLowerCase();
    if (contentType.startsWith('application/x-www-form-urlencoded')) {
      if (!this.context.state()) return { status: 503, body: { error: 'not started' } };
      return this.interaction(rawBody);
    }
    let envelope: z.infer<typeof envelopeSchema>;
    try {
      envelope = envelopeSchema.parse(JSON.parse(rawBody.toString('utf8')));
    } catch {
      return { status: 400, body: { error: 'not a Slack Events API delivery' } };
    }
    if (envelope.type === 'url_verification') return { status: 200, body: { challenge: envelope.challenge } };
    if (envelope.type === 'app_rate_limited') {
      this.context.logger.warn('slack stopped delivering events for a while (app_rate_limited)');
      return { status: 200 };
    }
    if (!this.context.state()) return { status: 503, body: { error: 'not started' } };
    return this.event(envelope.event_id, envelope.event);
  }

  private event(eventId: string, event: SlackEvent): WebhookResult {
    const state = this.context.state()!;
    if (event.type !== 'message' && event.type !== 'app_mention') return { status: 200, body: { ignored: event.type } };
    if (event.subtype && IGNORED_SUBTYPES.has(event.subtype)) return { status: 200, body: { ignored: event.subtype } };
    // The bot's own posts (and other apps') come back as events: dropped before any call.
    const fromBot = event.bot_id || !event.user || event.user === state.botUserId;
    if (fromBot) return { status: 200, body: { ignored: 'bot' } };
    if (!event.channel || !event.ts) return { status: 200, body: { ignored: 'incomplete' } };
    // A message and its app_mention share channel and ts: handled once.
    const key = `slack:message:${event.channel}:${event.ts}`;
    const { pipeline } = this.context;
    if (!pipeline.firstSeen(`event:${eventId}`) || !pipeline.firstSeen(key)) {
      return { status: 200, body: { duplicate: true } };
    }
    pipeline.enqueue(key, event.channel, () => this.processMessage(event, key));
    return { status: 200, body: { accepted: true } };
  }

  /** Display names of the users a message mentions, besides the bot (unknown ones stay "@someone"). */
  private async mentionedNames(text: string, botUserId: string): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const id of new Set(mentionedUsers(text))) {
      if (id === botUserId) continue;
      const person = await this.context.person(id).catch(() => null);
      if (person) names.set(id, person.displayName);
    }
    return names;
  }

  private async processMessage(event: SlackEvent, key: string): Promise<void> {
    const state = this.context.state();
    if (!state) return;
    const channel = event.channel!;
    const ts = event.ts!;
    const raw = event.text ?? '';
    const mentioned = mentionedUsers(raw).includes(state.botUserId);
    const names = await this.mentionedNames(raw, state.botUserId);
    const cleaned = mentioned ? stripUserMention(raw, state.botUserId) : raw;
    const author = await this.context.person(event.user!);
    const threaded = event.thread_ts !== undefined && event.thread_ts !== ts;
    const message: AgentMessage = {
      spaceId: channel,
      messageId: messageIdOf(channel, ts),
      author,
      text: mrkdwnToPlain(cleaned, { user: (id) => names.get(id) }).trim(),
      markdown: mrkdwnToMarkdown(cleaned, { user: (id) => names.get(id) }) || null,
      parentId: threaded ? messageIdOf(channel, event.thread_ts!) : null,
      mentionsBot: mentioned || event.channel_type === 'im',
      at: new Date(Math.round(Number(ts) * 1000)),
    };
    if (!(await this.context.pipeline.firstTime(key))) return;
    await state.handlers.onAgentMessage(message);
  }

  private interaction(rawBody: Buffer): WebhookResult {
    const form = new URLSearchParams(rawBody.toString('utf8'));
    let payload: Interaction;
    try {
      payload = interactionSchema.parse(JSON.parse(form.get('payload') ?? ''));
    } catch {
      return { status: 400, body: { error: 'not a Slack interaction payload' } };
    }
    if (payload.type !== 'block_actions') return { status: 200 };
    const channel = payload.channel?.id ?? payload.container?.channel_id;
    const messageTs = payload.container?.message_ts ?? payload.message?.ts;
    if (!channel || !messageTs) return { status: 200 };
    for (const action of payload.actions ?? []) {
      if (!action.action_id.startsWith('submit:')) continue;
      const inputs = submittedInputs(action.value, payload.state?.values as never);
      if (inputs) this.click(payload, channel, messageTs, action.action_ts, inputs);
    }
    // Slack wants an empty 200 within three seconds; the work goes on behind it.
    return { status: 200 };
  }

  private click(
    payload: Interaction,
    channel: string,
    messageTs: string,
    clickTs: string | undefined,
    inputs: Record<string, unknown>,
  ): void {
    const actionTs = clickTs ?? `${this.context.now() / 1000}`;
    const actionId = `${channel}:${messageTs}:${actionTs}:${payload.user.id}`;
    const key = `slack:action:${actionId}`;
    const { pipeline } = this.context;
    if (!pipeline.firstSeen(key)) return;
    pipeline.enqueue(key, channel, async () => {
      const actor = await this.context.person(payload.user.id);
      const state = this.context.state();
      if (!state || !(await pipeline.firstTime(key))) return;
      await state.handlers.onCardAction({
        spaceId: channel,
        actionId,
        messageId: messageIdOf(channel, messageTs),
        actor,
        inputs,
        at: new Date(Math.round(Number(actionTs) * 1000) || this.context.now()),
      });
    });
  }
}
