// What each outbox item does in the agent channel. Runs inside the outbox worker: a throw means
// "try again later", or "drop" for a permanent refusal (see outbox.ts). Membership changes and
// deletions are idempotent in the channel, so a retried item does no harm.
import { code, paragraph, plain, type RichText } from '../domain/rich-text.js';
import { SPACE_TITLE_MAX, spaceTitle, visitorDisplayName } from '../domain/text.js';
import type { Chat } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { AgentChannel, ChatStore, MessageStore, OutboxItem, SettingsStore, TopicStore } from '../ports.js';
import { closedCard, unclaimedAlertCard, visitorCard } from './cards.js';
import { SUPERVISORS_LANE, topicName, type SupervisorSettings } from './context.js';
import { isPayloadKind, payloadOf } from './delivery-payloads.js';
import { PermanentDeliveryError } from './outbox.js';
import type { ChatTranslation } from './translation.js';

export const SUPERVISORS_SPACE_SETTING = 'supervisors.spaceId';

/** The first line in a new supervisors' space: the three commands most worth knowing. */
const SUPERVISORS_WELCOME: RichText = [
  paragraph(
    '👋 This space runs the live chat desk. Mention me with ',
    code('status'),
    ' (open chats, with Join, Close and Reassign), ',
    code('hours'),
    ' (opening hours, with an Edit card) or ',
    code('help'),
    ' (every command).',
  ),
];

/** Put before a closed chat's space title. */
export const CLOSED_MARK = '🔒';

/** Space ids remembered (they never change once set): a read spared per message. */
const KNOWN_SPACES = 50_000;

/** What deliveries do in the channel. */
type DeliveryChannel = Pick<
  AgentChannel,
  | 'post'
  | 'postCard'
  | 'deleteMessage'
  | 'createSpace'
  | 'renameSpace'
  | 'addMember'
  | 'removeMember'
  | 'spaceLink'
  | 'listMembers'
  | 'deleteSpace'
>;

export interface DelivererOptions {
  store: ChatStore & MessageStore & TopicStore & SettingsStore;
  channel: DeliveryChannel;
  supervisors: SupervisorSettings;
  log: Logger;
  /** Machine translation (TRANSLATOR): the agents' translation under a visitor's words. */
  translation?: Pick<ChatTranslation, 'noteForAgents'> | undefined;
}

export class Deliverer {
  private readonly spaces = new Map<string, string>();
  private readonly store: DelivererOptions['store'];
  private readonly channel: DeliveryChannel;

  constructor(private readonly options: DelivererOptions) {
    this.store = options.store;
    this.channel = options.channel;
  }

  readonly deliver = async (item: OutboxItem): Promise<void> => {
    if (!isPayloadKind(item.kind)) throw new PermanentDeliveryError(`unknown outbox kind ${item.kind}`);
    if (item.kind === 'delete_space') await this.channel.deleteSpace(payloadOf('delete_space', item.payload).spaceId);
    else if (item.chatId === SUPERVISORS_LANE) await this.deliverToSupervisors(item);
    else await this.deliverToChat(item);
  };

  private async deliverToChat({ chatId, kind, payload }: OutboxItem): Promise<void> {
    const { channel } = this;
    switch (kind) {
      case 'visitor_message': {
        const { name, verified, text, translate } = payloadOf(kind, payload);
        const notes = translate ? await this.options.translation?.noteForAgents(translate.language, text, chatId) : null;
        await channel.post(await this.spaceOf(chatId), {
          speaker: { kind: 'visitor', name, verified: verified ?? false },
          text: plain(text),
          ...(notes ? { notes } : {}),
        });
        return;
      }
      case 'bot_message': {
        const { text, parentId } = payloadOf(kind, payload);
        await channel.post(await this.spaceOf(chatId), { speaker: { kind: 'bot' }, text, ...(parentId ? { parentId } : {}) });
        return;
      }
      case 'create_space': {
        const { title, members } = payloadOf(kind, payload);
        await this.createSpace(chatId, title, members);
        return;
      }
      case 'add_members': {
        const space = await this.spaceOf(chatId);
        for (const email of payloadOf(kind, payload).emails) await channel.addMember(space, email);
        return;
      }
      case 'remove_members': {
        const space = await this.spaceOf(chatId);
        for (const email of payloadOf(kind, payload).emails) await channel.removeMember(space, email);
        return;
      }
      case 'rename_space':
        await channel.renameSpace(await this.spaceOf(chatId), payloadOf(kind, payload).title);
        return;
      case 'control_card':
        await this.postControlCard(chatId);
        return;
      case 'closed_card':
        await this.postClosedCard(chatId);
        return;
      case 'clear_space':
        await this.clearSpace(chatId);
        return;
      default:
        throw new PermanentDeliveryError(`outbox kind ${kind} does not go to a chat's space`);
    }
  }

  private async chatOf(chatId: string): Promise<Chat> {
    const chat = await this.store.getChat(chatId);
    // Purged by retention: nothing left to deliver to.
    if (!chat) throw new PermanentDeliveryError(`chat ${chatId} no longer exists`);
    return chat;
  }

  private async spaceOf(chatId: string): Promise<string> {
    const known = this.spaces.get(chatId);
    if (known) return known;
    const chat = await this.chatOf(chatId);
    // Items run in lane order, so the space exists unless its creation was refused for good.
    if (!chat.spaceId) throw new PermanentDeliveryError(`chat ${chatId} has no space`);
    this.remember(chatId, chat.spaceId);
    return chat.spaceId;
  }

  private remember(chatId: string, spaceId: string): void {
    if (this.spaces.size > KNOWN_SPACES) this.spaces.delete(this.spaces.keys().next().value!);
    this.spaces.set(chatId, spaceId);
  }

  private async createSpace(chatId: string, title: string, members: string[]): Promise<void> {
    const chat = await this.chatOf(chatId);
    let spaceId = chat.spaceId;
    if (!spaceId) {
      spaceId = await this.channel.createSpace(title);
      await this.store.updateChat(chatId, { spaceId }, { type: 'space_created', actor: 'system', data: { spaceId } });
    }
    this.remember(chatId, spaceId);
    for (const email of members) await this.channel.addMember(spaceId, email);
  }

  /** Cards cannot be edited: post the fresh one, then delete the one it replaces. */
  private async postControlCard(chatId: string): Promise<void> {
    const { channel, store } = this;
    const chat = await this.chatOf(chatId);
    // Closed meanwhile (or the `card` command on a closed chat): no live buttons, the summary.
    if (chat.state === 'closed') return this.postClosedCard(chatId);
    const [topic, topics, events] = await Promise.all([store.getTopic(chat.topicId), store.listTopics(), store.listEvents(chat.id)]);
    const space = await this.spaceOf(chat.id);
    const previous = events.filter((e) => e.type === 'card_posted').at(-1)?.data.messageId;
    const messageId = await channel.postCard(space, visitorCard(chat, topic, topics));
    await store.updateChat(chat.id, {}, { type: 'card_posted', actor: 'system', data: { messageId } });
    if (typeof previous === 'string') {
      await channel.deleteMessage(previous).catch((error: unknown) => this.options.log.warn({ err: error, chatId }, 'old card not deleted'));
    }
  }

  /**
   * The summary replaces the live card (cards cannot be edited): posted, then the control card
   * deleted, so no Claim or Close form stays open on a closed chat. A retry posts no second one.
   */
  private async postClosedCard(chatId: string): Promise<void> {
    const { channel, store } = this;
    const chat = await this.chatOf(chatId);
    const [topic, messages, events] = await Promise.all([
      store.getTopic(chat.topicId),
      store.listMessages(chat.id, 0, 100_000),
      store.listEvents(chat.id),
    ]);
    const space = await this.spaceOf(chat.id);
    const closing = events.filter((e) => e.type === 'closed').at(-1)?.data ?? {};
    if (!events.some((e) => e.type === 'closed_card_posted')) {
      const facts = {
        cause: typeof closing.cause === 'string' ? closing.cause : null,
        byName: typeof closing.byName === 'string' ? closing.byName : null,
      };
      const messageId = await channel.postCard(space, closedCard(chat, messages.length, topic, facts));
      await store.updateChat(chat.id, {}, { type: 'closed_card_posted', actor: 'system', data: { messageId } });
    }
    const live = events.filter((e) => e.type === 'card_posted').at(-1)?.data.messageId;
    if (typeof live === 'string') await channel.deleteMessage(live);
    // A closed mark in agents' lists of spaces.
    const topicTitle = topicName(topic?.names, 'en', chat.topicId);
    const title = spaceTitle(topicTitle, visitorDisplayName(chat.visitor), chat.shortId, 'Visitor', SPACE_TITLE_MAX - 2);
    await channel.renameSpace(space, `${CLOSED_MARK} ${title}`);
  }

  /**
   * The closed chat's agents leave its space: everyone the product put there or who acted in it
   * (topics' agents, supervisors, the owner, people escalated or transferred to). The product's
   * own identities stay, so the creator can delete the space at retention.
   */
  private async clearSpace(chatId: string): Promise<void> {
    const { channel, store } = this;
    const chat = await this.chatOf(chatId);
    if (chat.state !== 'closed' || !chat.spaceId) return;
    const [topics, events] = await Promise.all([store.listTopics(), store.listEvents(chat.id)]);
    const agents = new Set([...topics.flatMap((t) => t.agents), ...this.options.supervisors.emails, chat.ownerEmail ?? ''].map((e) => e.toLowerCase()));
    for (const e of events) {
      if (e.actor.includes('@')) agents.add(e.actor.toLowerCase());
      const added = e.data.added;
      if (Array.isArray(added)) for (const a of added) if (typeof a === 'string') agents.add(a.toLowerCase());
      const to = e.data.to as { email?: unknown } | undefined;
      if (typeof to?.email === 'string') agents.add(to.email.toLowerCase());
    }
    const members = await channel.listMembers(chat.spaceId);
    for (const m of members) if (agents.has(m.email.toLowerCase())) await channel.removeMember(chat.spaceId, m.email);
    if (!events.some((e) => e.type === 'space_cleared')) {
      await store.updateChat(chat.id, {}, { type: 'space_cleared', actor: 'system' });
    }
  }

  // -------------------------------------------------------------------------------------------
  // The supervisors' space: created once, its id kept in the settings.

  private async supervisorsSpace(): Promise<string> {
    const { store, channel } = this;
    const known = await store.getSetting<string>(SUPERVISORS_SPACE_SETTING);
    if (typeof known === 'string') return known;
    const { spaceTitle, emails } = this.options.supervisors;
    const spaceId = await channel.createSpace(spaceTitle);
    await store.setSetting(SUPERVISORS_SPACE_SETTING, spaceId, 'system');
    for (const email of emails) await channel.addMember(spaceId, email);
    await channel.post(spaceId, { speaker: { kind: 'bot' }, text: SUPERVISORS_WELCOME });
    return spaceId;
  }

  private async deliverToSupervisors({ kind, payload }: OutboxItem): Promise<void> {
    switch (kind) {
      case 'supervisors_setup': {
        const space = await this.supervisorsSpace();
        // A supervisor added to the configuration later is invited (adding a member twice is harmless).
        for (const email of this.options.supervisors.emails) await this.channel.addMember(space, email);
        return;
      }
      case 'supervisors_message':
        await this.channel.post(await this.supervisorsSpace(), { speaker: { kind: 'bot' }, text: payloadOf(kind, payload).text });
        return;
      case 'unclaimed_alert': {
        const { chatId, waitedMs } = payloadOf(kind, payload);
        const chat = await this.store.getChat(chatId);
        if (!chat) return;
        const topic = await this.store.getTopic(chat.topicId);
        const link = chat.spaceId ? this.channel.spaceLink(chat.spaceId) : null;
        await this.channel.postCard(await this.supervisorsSpace(), unclaimedAlertCard(chat, topic, waitedMs, link));
        return;
      }
      default:
        throw new PermanentDeliveryError(`outbox kind ${kind} does not go to the supervisors' space`);
    }
  }
}
