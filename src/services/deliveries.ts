// What each outbox item does in the agent channel. Runs inside the outbox worker: a throw means
// "try again later" (or "drop" for a permanent refusal, see outbox.ts).
import type { Chat } from '../domain/types.js';
import type { Json, OutboxItem } from '../ports.js';
import { SUPERVISORS_LANE, type ChatCore } from './context.js';

export const SUPERVISORS_SPACE_SETTING = 'supervisors.spaceId';

class DeliveryError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** Membership changes that are already true count as done. */
async function tolerate(status: number[], work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    const s = statusOf(error);
    if (s === undefined || !status.includes(s)) throw error;
  }
}

type Payload = Record<string, Json>;

function strings(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export class Deliverer {
  /** Space ids never change once set: spare a read per message. */
  private readonly spaces = new Map<string, string>();

  constructor(private readonly core: ChatCore) {}

  private get deps() {
    return this.core.deps;
  }

  readonly deliver = async (item: OutboxItem): Promise<void> => {
    const payload = (item.payload ?? {}) as Payload;
    if (item.chatId === SUPERVISORS_LANE) {
      await this.deliverToSupervisors(item.kind, payload);
      return;
    }
    const { channel, store } = this.deps;
    switch (item.kind) {
      case 'visitor_message':
        await channel.postAsVisitor(await this.spaceOf(item.chatId), await this.visitorMarkdown(item.chatId, payload));
        return;
      case 'bot_message': {
        const parentId = typeof payload.parentId === 'string' ? payload.parentId : undefined;
        await channel.postAsBot(await this.spaceOf(item.chatId), String(payload.markdown ?? ''), parentId ? { parentId } : undefined);
        return;
      }
      case 'create_space':
        await this.createSpace(item.chatId, String(payload.title ?? 'Chat'), strings(payload.members));
        return;
      case 'add_members': {
        const space = await this.spaceOf(item.chatId);
        for (const email of strings(payload.emails)) await tolerate([409], () => channel.addMember(space, email));
        return;
      }
      case 'remove_members': {
        const space = await this.spaceOf(item.chatId);
        for (const email of strings(payload.emails)) await tolerate([404], () => channel.removeMember(space, email));
        return;
      }
      case 'rename_space':
        await channel.renameSpace(await this.spaceOf(item.chatId), String(payload.title ?? 'Chat'));
        return;
      case 'control_card':
        await this.postControlCard(item.chatId);
        return;
      case 'closed_card': {
        const chat = await this.chatOf(item.chatId);
        const [topic, messages] = await Promise.all([
          store.getTopic(chat.topicId),
          store.listMessages(chat.id, 0, 100_000),
        ]);
        const { card, fallback } = this.deps.cards.closedCard(chat, messages.length, topic);
        await channel.postCard(await this.spaceOf(chat.id), card, fallback);
        return;
      }
      default:
        throw new DeliveryError(`unknown outbox kind ${item.kind}`, 400);
    }
  };

  private async chatOf(chatId: string): Promise<Chat> {
    const chat = await this.deps.store.getChat(chatId);
    // Purged by retention: nothing left to deliver to.
    if (!chat) throw new DeliveryError(`chat ${chatId} no longer exists`, 404);
    return chat;
  }

  /** The visitor's line, with the agents' translation under it when the chat asks for one. */
  private async visitorMarkdown(chatId: string, payload: Payload): Promise<string> {
    const markdown = String(payload.markdown ?? '');
    const translate = payload.translate as { text?: unknown; language?: unknown } | undefined;
    const translation = this.deps.translation;
    if (!translation || !translate || typeof translate.text !== 'string' || typeof translate.language !== 'string') return markdown;
    // Never throws: a failed translation leaves the visitor's words alone.
    const line = await translation.lineForAgents(translate.language, translate.text, chatId);
    return line ? `${markdown}\n${line}` : markdown;
  }

  private async spaceOf(chatId: string): Promise<string> {
    const known = this.spaces.get(chatId);
    if (known) return known;
    const chat = await this.chatOf(chatId);
    // Items run in lane order, so the space exists unless its creation was refused for good.
    if (!chat.spaceId) throw new DeliveryError(`chat ${chatId} has no space`, 404);
    this.remember(chatId, chat.spaceId);
    return chat.spaceId;
  }

  private remember(chatId: string, spaceId: string): void {
    if (this.spaces.size > 50_000) this.spaces.delete(this.spaces.keys().next().value!);
    this.spaces.set(chatId, spaceId);
  }

  private async createSpace(chatId: string, title: string, members: string[]): Promise<void> {
    const { channel, store } = this.deps;
    const chat = await this.chatOf(chatId);
    let spaceId = chat.spaceId;
    if (!spaceId) {
      spaceId = await channel.createSpace(title);
      await store.updateChat(chatId, { spaceId }, { type: 'space_created', actor: 'system', data: { spaceId } });
    }
    this.remember(chatId, spaceId);
    for (const email of members) await tolerate([409], () => channel.addMember(spaceId, email));
  }

  /** Cards cannot be edited: post the fresh one, then delete the one it replaces. */
  private async postControlCard(chatId: string): Promise<void> {
    const { channel, store, cards } = this.deps;
    const chat = await this.chatOf(chatId);
    const [topic, topics, events] = await Promise.all([
      store.getTopic(chat.topicId),
      store.listTopics(),
      store.listEvents(chat.id),
    ]);
    const { card, fallback } = cards.visitorCard(chat, topic, topics);
    const space = await this.spaceOf(chat.id);
    const previous = events.filter((e) => e.type === 'card_posted').at(-1)?.data.messageId;
    const messageId = await channel.postCard(space, card, fallback);
    await store.updateChat(chat.id, {}, { type: 'card_posted', actor: 'system', data: { messageId } });
    if (typeof previous === 'string') {
      await tolerate([404], () => channel.deleteMessage(previous)).catch((error) =>
        this.deps.log.warn({ err: error, chatId }, 'old card not deleted'),
      );
    }
  }

  // -------------------------------------------------------------------------------------------
  // The supervisors' space: created once, its id kept in the settings.

  async supervisorsSpace(): Promise<string> {
    const { store, channel, settings } = this.deps;
    const known = await store.getSetting<string>(SUPERVISORS_SPACE_SETTING);
    if (typeof known === 'string') return known;
    const spaceId = await channel.createSpace(settings.supervisors.spaceTitle);
    await store.setSetting(SUPERVISORS_SPACE_SETTING, spaceId, 'system');
    for (const email of settings.supervisors.emails) await tolerate([409], () => channel.addMember(spaceId, email));
    return spaceId;
  }

  private async deliverToSupervisors(kind: string, payload: Payload): Promise<void> {
    const { channel, store, cards } = this.deps;
    switch (kind) {
      case 'supervisors_setup':
        await this.supervisorsSpace();
        return;
      case 'supervisors_message':
        await channel.postAsBot(await this.supervisorsSpace(), String(payload.markdown ?? ''));
        return;
      case 'unclaimed_alert': {
        const chat = await store.getChat(String(payload.chatId ?? ''));
        if (!chat) return;
        const topic = await store.getTopic(chat.topicId);
        const waited = typeof payload.waitedMs === 'number' ? payload.waitedMs : 0;
        const { card, fallback } = cards.unclaimedAlert(chat, topic, waited);
        await channel.postCard(await this.supervisorsSpace(), card, fallback);
        return;
      }
      default:
        throw new DeliveryError(`unknown outbox kind ${kind}`, 400);
    }
  }
}
