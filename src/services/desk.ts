// The agents' side, from the space: their messages (to the visitor, internal notes, commands)
// and the card buttons Claim · Escalate · Transfer · Close. Every action is authorised by
// membership of the space and answered in the space; the visitor sees a system message.
import { z } from 'zod';
import { agentDisplayName, spaceTitle, visitorDisplayName } from '../domain/text.js';
import type { Chat, Topic } from '../domain/types.js';
import type { AgentMessage, CardAction, Person } from '../ports.js';
import type { ChatService } from './chats.js';
import { closeChat, UNCLAIMED_JOB } from './closing.js';
import { OPEN_STATES, type ChatCore } from './context.js';

export interface DeskHooks {
  /** A message in a space that is not a chat's (the supervisors' space, issue 7). */
  onOtherSpaceMessage?(message: AgentMessage): Promise<void>;
  onOtherSpaceAction?(action: CardAction): Promise<void>;
}

const emailList = z
  .string()
  .max(2000)
  .transform((value) => value.split(/[\s,;]+/).map((e) => e.trim().toLowerCase()).filter(Boolean));
const email = z.email();

const actionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('claim'), chatId: z.string().max(100) }),
  z.object({
    action: z.literal('escalate'),
    chatId: z.string().max(100),
    emails: emailList.optional(),
    topic: z.string().max(100).optional(),
  }),
  z.object({
    action: z.literal('transfer'),
    chatId: z.string().max(100),
    topic: z.string().max(100).optional(),
    email: z.string().max(320).optional(),
  }),
  z.object({ action: z.literal('close'), chatId: z.string().max(100), reason: z.string().max(500).optional() }),
]);

const HELP = [
  'I am the Live Chat bot. In this space:',
  '- a top-level message goes to the visitor;',
  '- a reply inside a thread is an internal note the visitor never sees;',
  '- the card buttons claim, escalate, transfer and close the chat.',
  'Commands (mention me): `help`, `card` (post the chat card again), `close [reason]`.',
].join('\n');

function nameOf(person: Person): string {
  return person.displayName || person.email;
}

function unique(list: string[]): string[] {
  return [...new Set(list.map((e) => e.toLowerCase()))];
}

export class Desk {
  constructor(
    private readonly core: ChatCore,
    private readonly chats: ChatService,
    private readonly hooks: DeskHooks = {},
  ) {}

  private get deps() {
    return this.core.deps;
  }

  // -------------------------------------------------------------------------------------------
  // Messages

  async onAgentMessage(message: AgentMessage): Promise<void> {
    const { store } = this.deps;
    const chat = await store.getChatBySpace(message.spaceId);
    if (!chat) {
      await this.hooks.onOtherSpaceMessage?.(message);
      return;
    }
    const command = this.commandOf(message);
    if (command !== null) {
      if (!(await store.markProcessed(`message:${message.messageId}`))) return;
      await this.runCommand(chat, message, command);
      return;
    }
    if (message.parentId) {
      // An internal note: it stays in the space; only the fact is recorded.
      if (!(await store.markProcessed(`message:${message.messageId}`))) return;
      await store.updateChat(chat.id, {}, { type: 'note', actor: message.author.email, data: { messageId: message.messageId } });
      return;
    }
    if (chat.state === 'closed') {
      if (!(await store.markProcessed(`message:${message.messageId}`))) return;
      await this.core.tellSpace(chat, 'This chat is closed: the visitor did not receive that message.', message.messageId);
      return;
    }
    const authorName = agentDisplayName(
      { email: message.author.email, displayName: message.author.displayName, firstName: message.author.firstName },
      this.deps.settings.agentDisplay,
      this.deps.i18n.t(chat.language, 'agent.support'),
    );
    const { message: stored, created } = await store.appendMessage({
      chatId: chat.id,
      from: 'agent',
      text: message.text,
      authorName,
      externalId: message.messageId,
      at: message.at,
    });
    if (created) await this.core.announceMessage(chat.id, stored.seq);
  }

  /** The command's words, or null when the message is not one. */
  private commandOf(message: AgentMessage): string | null {
    if (!message.mentionsBot) return null;
    const words = message.text.trim();
    // In mention mode every relayed message mentions the bot: only known commands count.
    if (this.deps.channel.mode === 'mention' && !/^(help|card|close)\b/i.test(words)) return null;
    return words;
  }

  private async runCommand(chat: Chat, message: AgentMessage, words: string): Promise<void> {
    const [verb = '', ...rest] = words.split(/\s+/);
    switch (verb.toLowerCase()) {
      case 'card':
        await this.core.deliver(chat.id, { kind: 'control_card' });
        return;
      case 'close':
        await this.close(chat, message.author, rest.join(' '));
        return;
      default:
        await this.core.tellSpace(chat, HELP, message.parentId ?? message.messageId);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Card actions

  async onCardAction(action: CardAction): Promise<void> {
    const { store, channel } = this.deps;
    if (!(await store.markProcessed(`action:${action.actionId}`))) return;
    const chat = await store.getChatBySpace(action.spaceId);
    if (!chat) {
      await this.hooks.onOtherSpaceAction?.(action);
      return;
    }
    const parsed = actionSchema.safeParse(action.inputs);
    if (!parsed.success || parsed.data.chatId !== chat.id) {
      await this.core.tellSpace(chat, 'That card does not belong to this chat, or its form was not understood.');
      return;
    }
    if (!(await channel.isMember(action.spaceId, action.actor.email))) {
      this.deps.log.info({ chatId: chat.id, action: parsed.data.action }, 'card action by a non-member refused');
      await this.core.tellSpace(chat, `⛔ ${nameOf(action.actor)}: only members of this space can use its buttons. Nothing was changed.`);
      return;
    }
    if (chat.state === 'closed') {
      await this.core.tellSpace(chat, 'This chat is already closed.');
      return;
    }
    const input = parsed.data;
    switch (input.action) {
      case 'claim':
        return this.claim(chat, action.actor);
      case 'escalate':
        return this.escalate(chat, action.actor, input.emails ?? [], input.topic);
      case 'transfer':
        return this.transfer(chat, action.actor, input.topic, input.email);
      case 'close':
        return this.close(chat, action.actor, input.reason);
    }
  }

  private visitorName(chat: Chat, agent: Person): string {
    return agentDisplayName(
      { email: agent.email, displayName: agent.displayName, firstName: agent.firstName },
      this.deps.settings.agentDisplay,
      this.deps.i18n.t(chat.language, 'agent.support'),
    );
  }

  async claim(chat: Chat, actor: Person): Promise<void> {
    if (chat.state === 'active') {
      const who = chat.ownerEmail === actor.email.toLowerCase() ? 'you' : (chat.ownerName ?? chat.ownerEmail ?? 'someone');
      await this.core.tellSpace(chat, `This chat is already claimed by ${who}.`);
      return;
    }
    const now = this.core.now();
    const claimed = await this.deps.store.updateChat(
      chat.id,
      { state: 'active', ownerEmail: actor.email.toLowerCase(), ownerName: nameOf(actor), claimedAt: now },
      { type: 'claimed', actor: actor.email, at: now },
      ['queued', 'bot'],
    );
    if (!claimed) {
      await this.core.tellSpace(chat, 'Someone else changed this chat first; nothing was done.');
      return;
    }
    const topic = await this.deps.store.getTopic(chat.topicId);
    const leaving =
      topic?.mode === 'personal' ? unique(topic.agents).filter((e) => e !== actor.email.toLowerCase()) : [];
    if (leaving.length) await this.core.deliver(chat.id, { kind: 'remove_members', emails: leaving });
    await this.core.tellSpace(
      claimed,
      `✅ **${nameOf(actor)}** claimed the chat.` + (leaving.length ? ' Other offered agents leave this space.' : ''),
    );
    await this.core.deliver(chat.id, { kind: 'control_card' });
    await this.core.systemMessage(claimed, 'system.agentJoined', { name: this.visitorName(claimed, actor) });
    await this.core.announceState(chat.id, 'active');
    await this.deps.scheduler.cancel(UNCLAIMED_JOB, chat.id).catch(() => 0);
  }

  async escalate(chat: Chat, actor: Person, emails: string[], topicId: string | undefined): Promise<void> {
    const invalid = emails.filter((e) => !email.safeParse(e).success);
    if (invalid.length) {
      await this.core.tellSpace(chat, `Not e-mail addresses: ${invalid.join(', ')}. Nothing was changed.`);
      return;
    }
    let topic: Topic | null = null;
    if (topicId) {
      topic = await this.deps.store.getTopic(topicId);
      if (!topic) {
        await this.core.tellSpace(chat, `There is no topic "${topicId}". Nothing was changed.`);
        return;
      }
    }
    const wanted = unique([...emails, ...(topic?.agents ?? [])]);
    if (!wanted.length) {
      await this.core.tellSpace(chat, 'To escalate, give e-mail addresses or pick a topic.');
      return;
    }
    const members = new Set((await this.deps.channel.listMembers(chat.spaceId!)).map((p) => p.email.toLowerCase()));
    const adding = wanted.filter((e) => !members.has(e));
    if (!adding.length) {
      await this.core.tellSpace(chat, 'Everyone named is already in this space.');
      return;
    }
    await this.deps.store.updateChat(chat.id, {}, {
      type: 'escalated',
      actor: actor.email,
      data: { added: adding, ...(topic ? { topic: topic.id } : {}) },
    });
    await this.core.deliver(chat.id, { kind: 'add_members', emails: adding });
    await this.core.tellSpace(chat, `⬆️ **${nameOf(actor)}** escalated the chat: adding ${adding.join(', ')}.`);
    await this.core.systemMessage(chat, 'system.agentsAdded');
  }

  async transfer(chat: Chat, actor: Person, topicId: string | undefined, personEmail: string | undefined): Promise<void> {
    const target = personEmail?.trim().toLowerCase();
    if (!topicId && !target) {
      await this.core.tellSpace(chat, 'To transfer, pick a topic or give a person\'s e-mail.');
      return;
    }
    const oldOwner = (chat.ownerEmail ?? actor.email).toLowerCase();
    const members = new Set((await this.deps.channel.listMembers(chat.spaceId!)).map((p) => p.email.toLowerCase()));
    const now = this.core.now();

    if (target) {
      if (!email.safeParse(target).success) {
        await this.core.tellSpace(chat, `"${target}" is not an e-mail address. Nothing was changed.`);
        return;
      }
      const person = await this.deps.channel.findPerson(target);
      if (!person) {
        await this.core.tellSpace(chat, `I cannot find ${target}. Nothing was changed.`);
        return;
      }
      const moved = await this.deps.store.updateChat(
        chat.id,
        { state: 'active', ownerEmail: target, ownerName: nameOf(person), claimedAt: now },
        { type: 'transferred', actor: actor.email, data: { to: target, from: oldOwner }, at: now },
        OPEN_STATES,
      );
      if (!moved) return;
      if (!members.has(target)) await this.core.deliver(chat.id, { kind: 'add_members', emails: [target] });
      if (oldOwner !== target) await this.core.deliver(chat.id, { kind: 'remove_members', emails: [oldOwner] });
      await this.core.tellSpace(moved, `↪️ **${nameOf(actor)}** transferred the chat to **${nameOf(person)}**.`);
      await this.core.deliver(chat.id, { kind: 'control_card' });
      await this.core.systemMessage(moved, 'system.transferred');
      await this.core.announceState(chat.id, 'active');
      return;
    }

    const topic = await this.deps.store.getTopic(topicId!);
    if (!topic) {
      await this.core.tellSpace(chat, `There is no topic "${topicId}". Nothing was changed.`);
      return;
    }
    const agents = unique(topic.agents);
    const moved = await this.deps.store.updateChat(
      chat.id,
      { state: 'queued', topicId: topic.id, ownerEmail: null, ownerName: null, claimedAt: null },
      { type: 'transferred', actor: actor.email, data: { topic: topic.id, fromTopic: chat.topicId, from: oldOwner }, at: now },
      OPEN_STATES,
    );
    if (!moved) return;
    const adding = agents.filter((e) => !members.has(e));
    if (adding.length) await this.core.deliver(chat.id, { kind: 'add_members', emails: adding });
    if (!agents.includes(oldOwner)) await this.core.deliver(chat.id, { kind: 'remove_members', emails: [oldOwner] });
    const title = spaceTitle(this.core.topicName(topic.names, 'en', topic.id), visitorDisplayName(chat.visitor), chat.shortId);
    await this.core.deliver(chat.id, { kind: 'rename_space', title });
    await this.core.tellSpace(moved, `↪️ **${nameOf(actor)}** transferred the chat to the topic **${this.core.topicName(topic.names, 'en', topic.id)}**.`);
    await this.core.deliver(chat.id, { kind: 'control_card' });
    await this.core.systemMessage(moved, 'system.transferredTo', {
      topic: this.core.topicName(topic.names, chat.language, topic.id),
    });
    await this.core.announceState(chat.id, 'queued');
    if (this.deps.settings.supervisors.emails.length) await this.chats.scheduleUnclaimedAlert(chat.id, now);
  }

  async close(chat: Chat, actor: Person, reason: string | undefined): Promise<void> {
    const closed = await closeChat(this.core, chat.id, {
      cause: 'agent',
      actor: actor.email,
      actorName: nameOf(actor),
      reason: reason ?? null,
    });
    if (!closed) await this.core.tellSpace(chat, 'This chat is already closed.');
  }
}
