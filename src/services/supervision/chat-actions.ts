// Supervisors act on one chat from their space: join its space, close it, reassign it to a
// person or a topic, read its whole transcript. The chat's own space hears what happened (the
// desk applies closes and transfers exactly as for the card buttons); the supervisors' space
// gets a line that names what changed.
import { DateTime } from 'luxon';
import type { ChatRef, ReassignTarget } from '../../domain/commands.js';
import { paragraph, plain, strong, type Block } from '../../domain/rich-text.js';
import { visitorDisplayName } from '../../domain/text.js';
import type { Chat, ChatMessage, Topic } from '../../domain/types.js';
import type { Logger } from '../../logger.js';
import type { AgentChannel, ChatStore, MessageStore, Person, TopicStore } from '../../ports.js';
import type { ChatAnnouncer } from '../announcer.js';
import { OPEN_STATES } from '../context.js';
import type { Desk } from '../desk.js';
import type { HoursService } from '../hours-service.js';
import type { Reply } from './reply.js';
import { problemView, topicLabel } from './views.js';

export interface ChatActionsOptions {
  store: Pick<ChatStore, 'getChat' | 'listChats'> & Pick<MessageStore, 'listMessages'> & Pick<TopicStore, 'getTopic'>;
  channel: Pick<AgentChannel, 'post' | 'findPerson' | 'spaceLink'>;
  desk: Pick<Desk, 'close' | 'transfer'>;
  announcer: Pick<ChatAnnouncer, 'deliver' | 'tellSpace'>;
  hours: Pick<HoursService, 'get'>;
  log: Logger;
}

/** Lines of a transcript per posted message: the adapter splits further when one is too long. */
const TRANSCRIPT_LINES_PER_POST = 40;

function nameOf(person: Person): string {
  return person.displayName || person.email;
}

const ref = (chat: Chat) => `#${chat.shortId}`;

export class ChatActions {
  constructor(private readonly options: ChatActionsOptions) {}

  /** The chat a supervisor named, or null after saying why there is none. */
  async find(reply: Reply, chatRef: ChatRef, example: string): Promise<Chat | null> {
    const { store } = this.options;
    if ('id' in chatRef) {
      const chat = await store.getChat(chatRef.id);
      if (!chat) await reply.show(problemView([`There is no chat with the id ${chatRef.id} (closed chats are kept until retention removes them).`], example));
      return chat;
    }
    const found = await store.listChats({ shortId: chatRef.shortId, limit: 20 });
    // A short id can repeat over months: an open chat is the one meant; otherwise the latest.
    const open = found.filter((c) => OPEN_STATES.includes(c.state));
    const candidates = open.length ? open : found.slice(-1);
    if (candidates.length === 1) return candidates[0]!;
    await reply.show(
      problemView(
        candidates.length
          ? [`Several open chats are #${chatRef.shortId}; name one by its full id: ${candidates.map((c) => c.id).join(', ')}`]
          : [`There is no chat #${chatRef.shortId} (closed chats are kept until retention removes them).`],
        example,
      ),
    );
    return null;
  }

  async join(reply: Reply, person: Person, chat: Chat): Promise<void> {
    if (!chat.spaceId) {
      await reply.show(problemView([`Chat ${ref(chat)} has no space yet; try again in a moment.`], `join ${ref(chat)}`));
      return;
    }
    const email = person.email.toLowerCase();
    await this.options.announcer.deliver(chat.id, { kind: 'add_members', emails: [email] });
    await this.options.announcer.tellSpace(chat, [paragraph('👀 ', strong(nameOf(person)), ' (supervisor) joined this space.')]);
    this.options.log.info({ chatId: chat.id }, 'supervisor joined a chat');
    const link = this.options.channel.spaceLink(chat.spaceId);
    await reply.say(plain(`✅ ${nameOf(person)} joins chat ${ref(chat)}${link ? `: ${link}` : ''}.`));
  }

  async close(reply: Reply, person: Person, chat: Chat, reason: string | null): Promise<void> {
    if (chat.state === 'closed') {
      await reply.show(problemView([`Chat ${ref(chat)} is already closed.`], `transcript ${ref(chat)}`));
      return;
    }
    await this.options.desk.close(chat, person, reason ?? undefined);
    const after = await this.options.store.getChat(chat.id);
    if (after?.state !== 'closed') {
      await reply.say(plain(`Chat ${ref(chat)} was not closed (it is ${after?.state ?? 'gone'}); see its space.`));
      return;
    }
    await reply.say(plain(`✅ ${nameOf(person)} closed chat ${ref(chat)}${reason ? ` (reason: ${reason})` : ''}. The visitor was told.`));
  }

  async reassign(reply: Reply, person: Person, chat: Chat, to: ReassignTarget): Promise<void> {
    const example = `reassign ${ref(chat)} to ann@example.com`;
    if (chat.state === 'closed') {
      await reply.show(problemView([`Chat ${ref(chat)} is closed: it cannot be reassigned.`], `transcript ${ref(chat)}`));
      return;
    }
    let target: string;
    if (to.kind === 'person') {
      const found = await this.options.channel.findPerson(to.email);
      if (!found) {
        await reply.show(problemView([`Nobody with the address ${to.email} was found.`], example));
        return;
      }
      if (chat.ownerEmail?.toLowerCase() === to.email) {
        await reply.show(problemView([`Chat ${ref(chat)} is already ${to.email}'s.`], example));
        return;
      }
      target = found.displayName ? `${found.displayName} (${to.email})` : to.email;
    } else {
      const topic = await this.options.store.getTopic(to.topicId);
      if (!topic) {
        await reply.show(problemView([`There is no topic "${to.topicId}".`], example));
        return;
      }
      target = `the topic ${topicLabel(topic, topic.id)}`;
    }
    const actor = { kind: 'agent' as const, email: person.email.toLowerCase(), name: nameOf(person), isMember: false, isSupervisor: true };
    await this.options.desk.transfer(chat, person, actor, to.kind === 'topic' ? to.topicId : undefined, to.kind === 'person' ? to.email : undefined);
    const after = await this.options.store.getChat(chat.id);
    const moved =
      after &&
      after.state !== 'closed' &&
      (to.kind === 'person' ? after.ownerEmail?.toLowerCase() === to.email : after.topicId === to.topicId && after.state === 'queued');
    if (!moved) {
      await reply.say(plain(`Chat ${ref(chat)} was not reassigned (it is ${after?.state ?? 'gone'}); see its space.`));
      return;
    }
    await reply.say(plain(`✅ ${nameOf(person)} reassigned chat ${ref(chat)} to ${target}.`));
  }

  /** The whole conversation, in the desk's time zone, in as many messages as it takes. */
  async transcript(space: string, chat: Chat): Promise<void> {
    const { store, channel, hours } = this.options;
    const zone = (await hours.get()).default.timeZone;
    const messages: ChatMessage[] = [];
    for (let after = 0; ; ) {
      const page = await store.listMessages(chat.id, after, 1000);
      messages.push(...page);
      if (page.length < 1000) break;
      after = page[page.length - 1]!.seq;
    }
    const topic = await store.getTopic(chat.topicId);
    const at = (d: Date) => DateTime.fromJSDate(d, { zone }).toFormat('yyyy-MM-dd HH:mm:ss');
    const heading = transcriptHeading(chat, topic, zone, at);
    const lines = messages.map((m) => paragraph(`${at(m.at)} `, strong(speakerOf(chat, m)), `: ${m.text}`));
    if (lines.length === 0) lines.push(paragraph('(no messages)'));
    for (let i = 0; i < lines.length; i += TRANSCRIPT_LINES_PER_POST) {
      const part: Block[] = lines.slice(i, i + TRANSCRIPT_LINES_PER_POST);
      if (i === 0) part.unshift(...heading);
      await channel.post(space, { speaker: { kind: 'bot' }, text: part });
    }
  }
}

function speakerOf(chat: Chat, m: ChatMessage): string {
  switch (m.from) {
    case 'visitor':
      return visitorDisplayName(chat.visitor) ?? 'Visitor';
    case 'agent':
      return m.authorName ? `${m.authorName} (agent)` : 'Agent';
    case 'bot':
      return 'Assistant';
    default:
      return 'System';
  }
}

function transcriptHeading(chat: Chat, topic: Topic | null, zone: string, at: (d: Date) => string): Block[] {
  const who = visitorDisplayName(chat.visitor) ?? 'Visitor';
  const closed = chat.closedAt ? `; closed ${at(chat.closedAt)}${chat.closeReason ? ` (${chat.closeReason})` : ''}` : `; ${chat.state}`;
  return [
    paragraph(strong(`Transcript of chat #${chat.shortId}`), ` · ${topicLabel(topic, chat.topicId)} · ${who}`),
    paragraph(`Full id ${chat.id}; started ${at(chat.createdAt)}${closed}. Times in ${zone}.`),
  ];
}
