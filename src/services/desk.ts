// The agents' side, from the space: their messages (to the visitor, internal notes, commands)
// and the card buttons Claim · Escalate · Transfer · Close. Every action is authorised by
// membership of the space and answered in the space; the visitor sees a system message.
import { z } from 'zod';
import { code, list, paragraph, strong, type RichText, type SpanLike } from '../domain/rich-text.js';
import { spaceTitle, visitorDisplayName } from '../domain/text.js';
import { decide, onAgentReply, type Actor, type ChatTarget, type Decision, type IllegalTransition } from '../domain/chat-state.js';
import { membersOnClaim, membersOnEscalate, membersOnTransfer, type MembershipDiff } from '../domain/routing.js';
import type { Chat, Topic } from '../domain/types.js';
import type { ServerI18n } from '../i18n.js';
import type { Logger } from '../logger.js';
import type { AgentChannel, AgentMessage, CardAction, ChatPatch, ChatStore, Clock, DedupeStore, MessageStore, Person, TopicStore } from '../ports.js';
import type { ChatAnnouncer } from './announcer.js';
import type { ChatCloser } from './closing.js';
import { agentRichText } from './agent-format.js';
import { AgentNames } from './agent-names.js';
import { topicName, type ChatSettings } from './context.js';
import type { ChatTranslation } from './translation.js';
import type { UnclaimedAlerts } from './unclaimed.js';

export interface DeskHooks {
  /** A message in a space that is not a chat's (the supervisors' space). */
  onOtherSpaceMessage?(message: AgentMessage): Promise<void>;
  onOtherSpaceAction?(action: CardAction): Promise<void>;
}

export interface DeskOptions {
  store: ChatStore & MessageStore & TopicStore & DedupeStore;
  channel: Pick<AgentChannel, 'mode' | 'isMember' | 'listMembers' | 'findPerson'>;
  announcer: ChatAnnouncer;
  closer: ChatCloser;
  alerts: UnclaimedAlerts;
  clock: Clock;
  i18n: Pick<ServerI18n, 't'>;
  log: Logger;
  settings: Pick<ChatSettings, 'agentDisplay' | 'supervisors'>;
  /** Machine translation (TRANSLATOR); absent: replies pass untranslated. */
  translation?: Pick<ChatTranslation, 'forVisitor'> | undefined;
  hooks?: DeskHooks;
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

const HELP: RichText = [
  paragraph('I am the Live Chat bot. In this space:'),
  list([
    ['a top-level message goes to the visitor;'],
    ['a reply inside a thread is an internal note the visitor never sees;'],
    ['the card buttons claim, escalate, transfer and close the chat.'],
  ]),
  paragraph('Commands (mention me): ', code('help'), ', ', code('card'), ' (post the chat card again), ', code('close [reason]'), '.'),
];

/** One line for the space. */
function line(...spans: SpanLike[]): RichText {
  return [paragraph(...spans)];
}

type AgentActor = Extract<Actor, { kind: 'agent' }>;

function nameOf(person: Person): string {
  return person.displayName || person.email;
}

/** What won when an agent acts on a chat that moved on: "Bob already claimed this chat." */
function lostRace(chat: Chat, email: string, action: string): string | null {
  if (chat.state === 'closed') return 'This chat is already closed.';
  if (action === 'claim' && chat.state === 'active' && chat.ownerEmail && chat.ownerEmail.toLowerCase() !== email.toLowerCase()) {
    return `${chat.ownerName ?? chat.ownerEmail} already claimed this chat.`;
  }
  return null;
}

export class Desk {
  private readonly store: DeskOptions['store'];
  private readonly announcer: ChatAnnouncer;
  private readonly hooks: DeskHooks;
  private readonly names: AgentNames;

  constructor(private readonly options: DeskOptions) {
    this.store = options.store;
    this.announcer = options.announcer;
    this.hooks = options.hooks ?? {};
    this.names = new AgentNames(options);
  }

  // -------------------------------------------------------------------------------------------
  // Messages

  async onAgentMessage(message: AgentMessage): Promise<void> {
    const { store } = this;
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
      await this.announcer.tellSpace(chat, line('This chat is closed: the visitor did not receive that message.'), message.messageId);
      return;
    }
    if (chat.state !== 'active') {
      // Answering an unclaimed chat claims it (the domain's rule); the author is in the space.
      const actor: AgentActor = {
        kind: 'agent',
        email: message.author.email.toLowerCase(),
        name: nameOf(message.author),
        isMember: true,
      };
      if (onAgentReply(chat, actor, this.options.clock.now())?.ok) await this.claim(chat, message.author, actor, true);
    } else if (this.options.settings.agentDisplay === 'first_name') {
      // Another agent of the space speaks up in a claimed chat: the visitor learns who (once).
      await this.names.announceJoined(chat, message.author);
    }
    const authorName = await this.names.shown(chat, message.author);
    // The visitor reads the reply in their language; the original stays in `data.original`.
    const reply = this.options.translation
      ? await this.options.translation.forVisitor(chat.language, message.text, chat.id)
      : { text: message.text, data: null };
    // The agent's formatting travels with untranslated words only: a translation is plain text.
    const rich = !reply.data && message.markdown ? agentRichText(message.markdown) : null;
    const data = { ...(reply.data ?? {}), ...(rich ? { rich } : {}) };
    const { message: stored, created } = await store.appendMessage({
      chatId: chat.id,
      from: 'agent',
      text: reply.text,
      ...(Object.keys(data).length ? { data } : {}),
      authorName,
      externalId: message.messageId,
      at: message.at,
    });
    if (!created) return;
    // An agent spoke: the conversation waits on the visitor, and the inactivity count restarts.
    // From now, not from the message's time in the messenger: the visitor cannot read it sooner.
    const waitingSince = this.options.clock.now();
    await store.updateChat(chat.id, { waitingOnVisitorSince: waitingSince, warnedAt: null }, undefined, ['bot', 'queued', 'active']);
    await this.announcer.announceMessage(chat.id, stored.seq);
  }

  /** The command's words, or null when the message is not one. */
  private commandOf(message: AgentMessage): string | null {
    if (!message.mentionsBot) return null;
    const words = message.text.trim();
    // In mention mode every relayed message mentions the bot: only known commands count.
    if (this.options.channel.mode === 'mention' && !/^(help|card|close)\b/i.test(words)) return null;
    return words;
  }

  private async runCommand(chat: Chat, message: AgentMessage, words: string): Promise<void> {
    const [verb = '', ...rest] = words.split(/\s+/);
    switch (verb.toLowerCase()) {
      case 'card':
        await this.announcer.deliver(chat.id, { kind: 'control_card' });
        return;
      case 'close':
        await this.close(chat, message.author, rest.join(' '));
        return;
      default:
        await this.announcer.tellSpace(chat, HELP, message.parentId ?? message.messageId);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Card actions

  async onCardAction(action: CardAction): Promise<void> {
    const { store } = this;
    if (!(await store.markProcessed(`action:${action.actionId}`))) return;
    const chat = await store.getChatBySpace(action.spaceId);
    if (!chat) {
      await this.hooks.onOtherSpaceAction?.(action);
      return;
    }
    const parsed = actionSchema.safeParse(action.inputs);
    if (!parsed.success || parsed.data.chatId !== chat.id) {
      await this.announcer.tellSpace(chat, line('That card does not belong to this chat, or its form was not understood. Nothing was changed.'));
      return;
    }
    const actor = await this.agent(chat, action.actor);
    if (!actor.isMember && !actor.isSupervisor) {
      // Refused before anything else is looked at: nothing changes for a non-member. One who
      // lost a race (claimed by someone else, so removed; or already closed) is told what won.
      this.options.log.info({ chatId: chat.id, action: parsed.data.action }, 'card action by a non-member refused');
      const why = lostRace(chat, actor.email, parsed.data.action) ?? 'only members of this space can use its buttons.';
      await this.announcer.tellSpace(chat, line(`⛔ ${nameOf(action.actor)}: ${why} Nothing was changed.`));
      return;
    }
    const input = parsed.data;
    switch (input.action) {
      case 'claim':
        await this.claim(chat, action.actor, actor);
        return;
      case 'escalate':
        return this.escalate(chat, action.actor, actor, input.emails ?? [], input.topic);
      case 'transfer':
        return this.transfer(chat, action.actor, actor, input.topic, input.email);
      case 'close':
        return this.close(chat, action.actor, input.reason);
    }
  }

  /** The actor as the domain sees it: membership of this space and the supervisor role. */
  private async agent(chat: Chat, person: Person): Promise<AgentActor> {
    const email = person.email.toLowerCase();
    const isMember = chat.spaceId ? await this.options.channel.isMember(chat.spaceId, email) : false;
    const isSupervisor = this.options.settings.supervisors.emails.some((e) => e.toLowerCase() === email);
    return { kind: 'agent', email, name: nameOf(person), isMember, isSupervisor };
  }

  private async refuse(chat: Chat, person: Person, error: IllegalTransition): Promise<void> {
    const raced = error.code === 'already_claimed' ? lostRace(chat, person.email, 'claim') : null;
    const owner = typeof error.details.owner === 'string' && !raced ? ` (${error.details.owner})` : '';
    await this.announcer.tellSpace(chat, line(`${nameOf(person)}: ${raced ?? error.message}${owner} Nothing was changed.`));
  }

  private async members(chat: Chat): Promise<string[]> {
    return (await this.options.channel.listMembers(chat.spaceId!)).map((p) => p.email.toLowerCase());
  }

  private async apply(chat: Chat, diff: MembershipDiff): Promise<void> {
    if (diff.add.length) await this.announcer.deliver(chat.id, { kind: 'add_members', emails: diff.add });
    if (diff.remove.length) await this.announcer.deliver(chat.id, { kind: 'remove_members', emails: diff.remove });
  }

  /** Applies a decision with compare-and-set; false when refused or when another move won. */
  private async commit(chat: Chat, person: Person, decision: Decision, patch: ChatPatch = {}): Promise<Chat | null> {
    if (!decision.ok) {
      await this.refuse(chat, person, decision.error);
      return null;
    }
    const { transition } = decision;
    const updated = await this.store.updateChat(chat.id, { ...transition.patch, ...patch }, transition.event, transition.from);
    if (!updated) await this.announcer.tellSpace(chat, line('Someone else changed this chat first; nothing was done.'));
    return updated;
  }

  async claim(chat: Chat, person: Person, actor: AgentActor, implicit = false): Promise<Chat | null> {
    const decision = decide(chat, { type: 'claim' }, actor, this.options.clock.now());
    if (implicit && decision.ok) decision.transition.event.data = { ...decision.transition.event.data, implicit: true };
    const claimed = await this.commit(chat, person, decision);
    if (!claimed) return null;
    const topic = await this.store.getTopic(chat.topicId);
    const events = await this.store.listEvents(chat.id);
    const escalated = events.some((e) => e.type === 'escalated');
    const diff = topic ? membersOnClaim(topic, actor.email, await this.members(chat), { escalated }) : { add: [], remove: [] };
    await this.apply(chat, diff);
    await this.announcer.tellSpace(
      claimed,
      line(
        '✅ ',
        strong(nameOf(person)),
        ` ${implicit ? 'answered and now owns' : 'claimed'} the chat.` + (diff.remove.length ? ' The other offered agents leave this space.' : ''),
      ),
    );
    await this.announcer.deliver(chat.id, { kind: 'control_card' });
    await this.names.announceJoined(claimed, person);
    await this.announcer.announceState(chat.id, 'active');
    this.options.alerts.cancel(chat.id);
    return claimed;
  }

  async escalate(chat: Chat, person: Person, actor: AgentActor, emails: string[], topicId: string | undefined): Promise<void> {
    const invalid = emails.filter((e) => !email.safeParse(e).success);
    if (invalid.length) {
      await this.announcer.tellSpace(chat, line(`Not e-mail addresses: ${invalid.join(', ')}. Nothing was changed.`));
      return;
    }
    let topic: Topic | null = null;
    if (topicId) {
      topic = await this.store.getTopic(topicId);
      if (!topic) {
        await this.announcer.tellSpace(chat, line(`There is no topic "${topicId}". Nothing was changed.`));
        return;
      }
    }
    const diff = membersOnEscalate(await this.members(chat), emails, topic ? [topic] : []);
    if (!diff.add.length) {
      await this.announcer.tellSpace(
        chat,
        line(emails.length || topic ? 'Everyone named is already in this space. Nothing was changed.' : 'To escalate, give e-mail addresses or pick a topic.'),
      );
      return;
    }
    const to: ChatTarget[] = [
      ...emails.map((e): ChatTarget => ({ kind: 'person', email: e })),
      ...(topic ? [{ kind: 'topic', topicId: topic.id } as ChatTarget] : []),
    ];
    const decision = decide(chat, { type: 'escalate', to }, actor, this.options.clock.now());
    if (decision.ok) decision.transition.event.data = { ...decision.transition.event.data, added: diff.add };
    if (!(await this.commit(chat, person, decision))) return;
    await this.apply(chat, diff);
    await this.announcer.tellSpace(chat, line('⬆️ ', strong(nameOf(person)), ` escalated the chat: adding ${diff.add.join(', ')}.`));
    await this.announcer.systemMessage(chat, 'system.agentsAdded');
  }

  async transfer(
    chat: Chat,
    person: Person,
    actor: AgentActor,
    topicId: string | undefined,
    personEmail: string | undefined,
  ): Promise<void> {
    const target = personEmail?.trim().toLowerCase() || null;
    if (!topicId && !target) {
      await this.announcer.tellSpace(chat, line("To transfer, pick a topic or give a person's e-mail. Nothing was changed."));
      return;
    }
    const oldOwner = chat.ownerEmail ?? actor.email;
    const now = this.options.clock.now();
    const oldTopic = await this.store.getTopic(chat.topicId);

    if (target) {
      if (!email.safeParse(target).success) {
        await this.announcer.tellSpace(chat, line(`"${target}" is not an e-mail address. Nothing was changed.`));
        return;
      }
      const found = await this.options.channel.findPerson(target);
      if (!found) {
        await this.announcer.tellSpace(chat, line(`I cannot find ${target}. Nothing was changed.`));
        return;
      }
      const decision = decide(chat, { type: 'transfer', to: { kind: 'person', email: target } }, actor, now);
      const moved = await this.commit(chat, person, decision, { ownerName: nameOf(found) });
      if (!moved) return;
      await this.apply(chat, membersOnTransfer(await this.members(chat), { kind: 'person', email: target }, oldOwner, oldTopic));
      await this.announcer.tellSpace(moved, line('↪️ ', strong(nameOf(person)), ' transferred the chat to ', strong(nameOf(found)), '.'));
      await this.announcer.deliver(chat.id, { kind: 'control_card' });
      await this.announcer.systemMessage(moved, 'system.transferred');
      await this.announcer.announceState(chat.id, 'active');
      return;
    }

    const topic = await this.store.getTopic(topicId!);
    if (!topic) {
      await this.announcer.tellSpace(chat, line(`There is no topic "${topicId}". Nothing was changed.`));
      return;
    }
    const decision = decide(chat, { type: 'transfer', to: { kind: 'topic', topicId: topic.id } }, actor, now);
    const moved = await this.commit(chat, person, decision);
    if (!moved) return;
    await this.apply(chat, membersOnTransfer(await this.members(chat), { kind: 'topic', topic }, oldOwner, oldTopic));
    const name = topicName(topic.names, 'en', topic.id);
    await this.announcer.deliver(chat.id, { kind: 'rename_space', title: spaceTitle(name, visitorDisplayName(chat.visitor), chat.shortId) });
    await this.announcer.tellSpace(moved, line('↪️ ', strong(nameOf(person)), ' transferred the chat to the topic ', strong(name), '.'));
    await this.announcer.deliver(chat.id, { kind: 'control_card' });
    await this.announcer.systemMessage(moved, 'system.transferredTo', {
      topic: topicName(topic.names, chat.language, topic.id),
    });
    await this.announcer.announceState(chat.id, 'queued');
    await this.options.alerts.schedule(chat.id, now);
  }

  async close(chat: Chat, person: Person, reason: string | undefined): Promise<void> {
    const actor = await this.agent(chat, person);
    const result = await this.options.closer.close(chat, { type: 'close', reason: reason ?? null }, actor, nameOf(person));
    if (!result.ok && result.error) await this.refuse(chat, person, result.error);
  }
}
