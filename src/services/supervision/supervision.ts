// The supervisors' space: commands to the bot (status, hours, holidays, special days, topics,
// statistics, offline messages) and the Edit cards' submissions. Only the configured
// supervisors may use them; anyone else gets a polite refusal and nothing changes. Every change
// is stored with its actor (the store audits settings and topics).
import { parseChatRef } from '../../domain/chat-commands.js';
import { isChange, parseCommand, type ChatRef, type Command, type ReassignTarget } from '../../domain/commands.js';
import { code, paragraph, plain, type RichText } from '../../domain/rich-text.js';
import type { Chat, Topic } from '../../domain/types.js';
import type { Logger } from '../../logger.js';
import type {
  AgentChannel,
  AgentMessage,
  CardAction,
  CardSpec,
  ChatStore,
  Clock,
  MessageStore,
  OfflineMessageStore,
  Person,
  SettingsStore,
  TopicStore,
} from '../../ports.js';
import type { ChatAnnouncer } from '../announcer.js';
import { SUPERVISORS_SPACE_SETTING } from '../deliveries.js';
import type { Desk } from '../desk.js';
import type { HoursService } from '../hours-service.js';
import { ChatActions } from './chat-actions.js';
import { historyView } from './history.js';
import { HoursCommands } from './hours-commands.js';
import { HINTED_SETTING_PREFIX, replyIn, type Reply } from './reply.js';
import { SupervisorReports } from './reports.js';
import { TopicEditor } from './topic-edit.js';
import { helpText, problemView } from './views.js';

export interface SupervisionOptions {
  store: ChatStore & MessageStore & TopicStore & SettingsStore & OfflineMessageStore;
  channel: Pick<AgentChannel, 'post' | 'postCard' | 'findPerson' | 'messenger' | 'spaceLink'>;
  hours: HoursService;
  /** Closes and transfers go through the desk, exactly as the chat space's own buttons. */
  desk: Pick<Desk, 'close' | 'transfer'>;
  announcer: Pick<ChatAnnouncer, 'deliver' | 'tellSpace'>;
  log: Logger;
  clock: Clock;
  /** The configured supervisors' e-mails. */
  supervisors: string[];
  /** Whether a topic with `assistant: null` has the assistant (a provider is configured). */
  assistantDefault: boolean;
}

function nameOf(person: Person): string {
  return person.displayName || person.email;
}

export class Supervision {
  private readonly supervisors: Set<string>;
  private readonly hours: HoursCommands;
  private readonly topics: TopicEditor;
  private readonly reports: SupervisorReports;
  private readonly chats: ChatActions;

  constructor(private readonly options: SupervisionOptions) {
    const { store, channel, hours, clock, log, assistantDefault } = options;
    this.supervisors = new Set(options.supervisors.map((e) => e.toLowerCase()));
    this.hours = new HoursCommands({ hours, clock, log, nameOf: this.nameOf });
    const timeZone = async () => (await hours.get()).default.timeZone;
    this.topics = new TopicEditor({ store, channel, log, assistantDefault, clock, nameOf: this.nameOf, timeZone });
    this.reports = new SupervisorReports({ store, channel, hours, clock, assistantConfigured: assistantDefault });
    this.chats = new ChatActions({ store, channel, desk: options.desk, announcer: options.announcer, hours, log });
  }

  private readonly names = new Map<string, string>();

  /** A person as supervisors read them: their display name, else the e-mail ('config', 'system' stay). */
  readonly nameOf = async (email: string): Promise<string> => {
    if (!email.includes('@')) return email;
    let name = this.names.get(email);
    if (name === undefined) {
      name = (await this.options.channel.findPerson(email).catch(() => null))?.displayName || email;
      if (this.names.size > 1000) this.names.clear();
      this.names.set(email, name);
    }
    return name;
  };

  private async history(limit: number): Promise<CardSpec> {
    const entries = await this.options.store.listAudit(limit);
    const names = new Map<string, string>();
    for (const actor of new Set(entries.map((e) => e.actor))) names.set(actor, await this.nameOf(actor));
    return historyView(entries, names, (await this.options.hours.get()).default.timeZone);
  }

  /** The supervisors' space id, once the deliverer has created it. */
  private async space(): Promise<string | null> {
    const id = await this.options.store.getSetting<string>(SUPERVISORS_SPACE_SETTING);
    return typeof id === 'string' ? id : null;
  }

  private isSupervisor(email: string): boolean {
    return this.supervisors.has(email.toLowerCase());
  }

  // -------------------------------------------------------------------------------------------
  // Entry points (the desk hands over messages and card actions of spaces without a chat)

  readonly onMessage = async (message: AgentMessage): Promise<void> => {
    const space = await this.space();
    if (!space || message.spaceId !== space) return;
    const reply = replyIn(this.options.channel, space);
    // Only relay mode hears messages that do not mention the bot.
    if (!message.mentionsBot) return this.hintOnce(reply, message.author);
    const actor = message.author.email.toLowerCase();
    const topics = await this.options.store.listTopics();
    const parsed = parseCommand(message.text, topics.map((t) => t.id));
    if (!this.isSupervisor(actor)) {
      this.options.log.info({ kind: parsed.ok ? parsed.command.kind : 'unknown' }, 'supervisor command by a non-supervisor refused');
      await reply.say(plain(`Sorry, ${nameOf(message.author)}: only supervisors can give me commands here. Nothing was changed.`));
      return;
    }
    if (!parsed.ok) {
      if (parsed.unknown) await reply.say(helpText(parsed.error));
      else await reply.show(problemView([parsed.error], parsed.example));
      return;
    }
    try {
      await this.run(reply, space, parsed.command, message.author, topics);
    } catch (error) {
      this.options.log.error({ err: error, kind: parsed.command.kind }, 'supervisor command failed');
      await this.sayFailed(reply, isChange(parsed.command) ? '; nothing was changed' : '');
    }
  };

  readonly onAction = async (action: CardAction): Promise<void> => {
    const space = await this.space();
    if (!space || action.spaceId !== space) return;
    const reply = replyIn(this.options.channel, space);
    const actor = action.actor.email.toLowerCase();
    if (!this.isSupervisor(actor)) {
      this.options.log.info('supervisor card action by a non-supervisor refused');
      await reply.say(plain(`Sorry, ${nameOf(action.actor)}: only supervisors can change these settings. Nothing was changed.`));
      return;
    }
    const kind = action.inputs.action;
    try {
      if (kind === 'hours_edit') await this.hours.editFromCard(reply, actor, action.inputs, await this.options.store.listTopics());
      else if (kind === 'topic_edit') await this.topics.edit(reply, actor, action.inputs);
      else if (kind === 'chat_join' || kind === 'chat_close' || kind === 'chat_reassign') await this.chatButton(reply, action);
      else await reply.show(problemView(['That card is not one of mine, or its form was not understood.'], 'hours'));
    } catch (error) {
      this.options.log.error({ err: error, kind }, 'supervisor card action failed');
      await this.sayFailed(reply, '; nothing was changed');
    }
  };

  /** A supervisor who wrote without mentioning the bot learns, once, how to give it commands. */
  private async hintOnce(reply: Reply, author: Person): Promise<void> {
    const email = author.email.toLowerCase();
    if (!this.isSupervisor(email)) return;
    const key = `${HINTED_SETTING_PREFIX}${email}`;
    if ((await this.options.store.getSetting(key)) !== undefined) return;
    // Stored only while never set: of two instances hearing it at once, one answers.
    if ((await this.options.store.setSetting(key, true, email, 0)) === false) return;
    await reply.say([
      paragraph(
        `${nameOf(author)}, I only read messages that mention me. To give me a command, mention me first (type @ and pick me), then the command, e.g. `,
        code('help'),
        ' or ',
        code('status'),
        '. I will not say this again.',
      ),
    ]);
  }

  private async sayFailed(reply: Reply, nothingChanged: string): Promise<void> {
    const text: RichText = plain(`Sorry, that failed on my side${nothingChanged}. Please try again.`);
    await reply.say(text).catch(() => {});
  }

  // -------------------------------------------------------------------------------------------

  /** A chat's Join, Close or Reassign button (on the status card or an alert). */
  private async chatButton(reply: Reply, action: CardAction): Promise<void> {
    const { inputs } = action;
    const chatId = typeof inputs.chatId === 'string' ? inputs.chatId : '';
    const chat = parseChatRef(chatId);
    // Inputs are named per chat (`reason:<id>`): one card carries the buttons of many chats.
    const input = (name: string) => {
      const value = inputs[`${name}:${chatId}`] ?? inputs[name];
      return typeof value === 'string' ? value.trim().slice(0, 500) : '';
    };
    if (!chat) return reply.show(problemView(['That button does not name a chat.'], 'status'));
    if (inputs.action === 'chat_join') return this.onChat(reply, chat, 'join', (c) => this.chats.join(reply, action.actor, c));
    if (inputs.action === 'chat_close') {
      return this.onChat(reply, chat, 'close', (c) => this.chats.close(reply, action.actor, c, input('reason') || null));
    }
    const to = input('to');
    const topics = (await this.options.store.listTopics()).map((t) => t.id);
    const target: ReassignTarget | null = to.includes('@')
      ? { kind: 'person', email: to.toLowerCase() }
      : topics.includes(to)
        ? { kind: 'topic', topicId: to }
        : null;
    if (!target) {
      const why = to ? `"${to}" is neither an e-mail address nor a topic (topics: ${topics.join(', ')}).` : 'Say to whom: an e-mail address or a topic id.';
      return reply.show(problemView([why], `ann@example.com or ${topics[0] ?? 'sales'}`));
    }
    return this.onChat(reply, chat, 'reassign', (c) => this.chats.reassign(reply, action.actor, c, target));
  }

  private async onChat(reply: Reply, ref: ChatRef, verb: string, act: (chat: Chat) => Promise<void>): Promise<void> {
    const chat = await this.chats.find(reply, ref, `${verb} #d7dc65`);
    if (chat) await act(chat);
  }

  private async run(reply: Reply, space: string, command: Command, person: Person, topics: Topic[]): Promise<void> {
    const { hours, reports, chats } = this;
    const actor = person.email.toLowerCase();
    switch (command.kind) {
      case 'help':
        return reply.say(helpText());
      case 'status':
        return reply.show(await reports.status(topics));
      case 'hours':
        return reply.show(await hours.view(command.topic, topics));
      case 'hours_set':
        return hours.change(reply, actor, command.topic, topics, (h) => ({ ...h, weekly: command.weekly }), 'set the week');
      case 'holiday_add':
        return hours.addHoliday(reply, actor, command.topic, topics, command.holiday);
      case 'holiday_remove':
        return hours.removeHoliday(reply, actor, command.topic, topics, command.holiday);
      case 'special_add':
        return hours.addSpecialDay(reply, actor, command.topic, topics, command.day);
      case 'special_remove':
        return hours.removeSpecialDay(reply, actor, command.topic, topics, command.date);
      case 'holidays':
        return reply.show(await hours.holidays(command.topic, command.year, topics));
      case 'specials':
        return reply.show(await hours.specials(command.topic, topics));
      case 'topics':
        return this.showTopics(reply, topics);
      case 'topic': {
        const topic = topics.find((t) => t.id === command.topic);
        return topic ? this.topics.show(reply, topic.id) : reply.say(plain(`There is no topic "${command.topic}".`));
      }
      case 'stats':
        return reply.show(await reports.stats(command.period, topics));
      case 'offline':
        return reply.say(await reports.offline(command.limit, topics));
      case 'join':
        return this.onChat(reply, command.chat, 'join', (c) => chats.join(reply, person, c));
      case 'close':
        return this.onChat(reply, command.chat, 'close', (c) => chats.close(reply, person, c, command.reason));
      case 'reassign':
        return this.onChat(reply, command.chat, 'reassign', (c) => chats.reassign(reply, person, c, command.to));
      case 'topic_add':
        return this.topics.add(reply, actor, command.id, command.name);
      case 'topic_rename':
        return this.topics.rename(reply, actor, command.topic, command.name);
      case 'topic_remove':
        return this.topics.remove(reply, actor, command.topic);
      case 'history':
        return reply.show(await this.history(command.limit));
      case 'transcript':
        return this.onChat(reply, command.chat, 'transcript', (c) => chats.transcript(space, c));
    }
  }

  private async showTopics(reply: Reply, topics: Topic[]): Promise<void> {
    if (topics.length === 0) return reply.say(plain('There are no topics.'));
    for (const topic of [...topics].sort((a, b) => a.position - b.position)) {
      await this.topics.show(reply, topic.id);
    }
  }
}
