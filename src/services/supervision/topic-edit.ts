// The topic Edit card's submission: agents added or removed, mode, assistant, when agents join.
// New agents must exist in the messenger; the change is stored with its actor.
import { z } from 'zod';
import { plain } from '../../domain/rich-text.js';
import type { Topic } from '../../domain/types.js';
import type { Logger } from '../../logger.js';
import type { AgentChannel, ChatStore, Clock, TopicStore } from '../../ports.js';
import { OPEN_STATES } from '../context.js';
import { ago } from './hours-commands.js';
import type { Reply } from './reply.js';
import { problemView, topicLabel, topicView } from './views.js';

const emailSchema = z.email();

const listInput = z
  .union([z.string().max(4000), z.array(z.string().max(320)).max(200)])
  .default('')
  .transform((v) => (Array.isArray(v) ? v : v.split(/[\s,;]+/)).map((e) => e.trim().toLowerCase()).filter(Boolean));

const topicEdit = z.object({
  action: z.literal('topic_edit'),
  topic: z.string().max(100),
  add: listInput,
  remove: listInput,
  mode: z.enum(['group', 'personal']).optional(),
  assistant: z.enum(['default', 'on', 'off']).optional(),
  addAgentsAt: z.enum(['start', 'handoff']).optional(),
  /** The topic's version the card was made from: a card older than the stored topic is refused. */
  version: z.coerce.number().int().min(0).optional(),
});

type TopicForm = z.infer<typeof topicEdit>;

const MESSENGER_NAMES = { webex: 'Webex', slack: 'Slack' } as const;

const AGENTS_EXAMPLE = 'Add agents: ann@example.com, ben@example.com';

export interface TopicEditorOptions {
  store: Pick<TopicStore, 'getTopic' | 'saveTopic' | 'topicVersion' | 'listTopics' | 'deleteTopic'> & Pick<ChatStore, 'listChats'>;
  channel: Pick<AgentChannel, 'findPerson' | 'messenger'>;
  log: Logger;
  clock: Clock;
  nameOf: (email: string) => Promise<string>;
  /** The desk's time zone, for when an older change was made. */
  timeZone: () => Promise<string>;
  /** Whether a topic with `assistant: null` has the assistant (a provider is configured). */
  assistantDefault: boolean;
}

function edited(topic: Topic, form: TopicForm): Topic {
  const agents = [...new Set([...topic.agents.filter((a) => !form.remove.includes(a.toLowerCase())), ...form.add])];
  return {
    ...topic,
    agents,
    mode: form.mode ?? topic.mode,
    assistant: form.assistant === undefined ? topic.assistant : form.assistant === 'default' ? null : form.assistant === 'on',
    addAgentsAt: form.addAgentsAt ?? topic.addAgentsAt,
  };
}

export class TopicEditor {
  constructor(private readonly options: TopicEditorOptions) {}

  async edit(reply: Reply, actor: string, inputs: Record<string, unknown>): Promise<void> {
    const parsed = topicEdit.safeParse(inputs);
    if (!parsed.success) {
      await reply.show(problemView(['The form was not understood.'], AGENTS_EXAMPLE));
      return;
    }
    const form = parsed.data;
    const topic = await this.options.store.getTopic(form.topic);
    if (!topic) {
      await reply.show(problemView([`There is no topic "${form.topic}".`], 'topics'));
      return;
    }
    const invalid = form.add.filter((e) => !emailSchema.safeParse(e).success);
    if (invalid.length) {
      await reply.show(problemView([`Not e-mail addresses: ${invalid.join(', ')}`], AGENTS_EXAMPLE));
      return;
    }
    const unknown = await this.unknownPeople(form.add.filter((email) => !topic.agents.includes(email)));
    if (unknown.length) {
      await reply.show(problemView([`Nobody with these addresses in ${MESSENGER_NAMES[this.options.channel.messenger]}: ${unknown.join(', ')}`], 'Add agents: ann@example.com'));
      return;
    }
    const next = edited(topic, form);
    const saved = await this.options.store.saveTopic(next, actor, form.version);
    if (saved === false) {
      const stale = await this.options.store.topicVersion(topic.id);
      const by = stale.actor ? await this.options.nameOf(stale.actor) : 'someone';
      const when = ago(stale.at, this.options.clock.now(), await this.options.timeZone());
      await reply.say(plain(`⚠️ Not saved: the topic ${topicLabel(topic, topic.id)} was changed by ${by} ${when}, here is the current one.`));
      await this.show(reply, topic.id);
      return;
    }
    this.options.log.info({ actor, topic: topic.id }, 'topic changed by a supervisor');
    const what = describeTopicChange(topic, next);
    await reply.say(plain(`✅ ${await this.options.nameOf(actor)} saved the topic ${topicLabel(next, next.id)}${what ? ` (${what})` : ''}: new chats follow it.`));
    await this.show(reply, topic.id);
  }

  async add(reply: Reply, actor: string, id: string, name: string): Promise<void> {
    const topics = await this.options.store.listTopics();
    if (topics.some((t) => t.id === id)) {
      await reply.show(problemView([`There is already a topic "${id}".`], `topic ${id}`));
      return;
    }
    const position = Math.max(-1, ...topics.map((t) => t.position)) + 1;
    const topic: Topic = { id, names: { en: name }, mode: 'group', agents: [], assistant: null, addAgentsAt: 'start', fields: [], position };
    await this.options.store.saveTopic(topic, actor, 0);
    await reply.say(plain(`✅ ${await this.options.nameOf(actor)} added the topic ${name} (${id}); it has no agents yet: add them with Edit.`));
    await this.show(reply, id);
  }

  async rename(reply: Reply, actor: string, id: string, name: string): Promise<void> {
    const topic = await this.options.store.getTopic(id);
    if (!topic) return reply.show(problemView([`There is no topic "${id}".`], 'topics'));
    const old = topicLabel(topic, id);
    await this.options.store.saveTopic({ ...topic, names: { ...topic.names, en: name } }, actor);
    await reply.say(plain(`✅ ${await this.options.nameOf(actor)} renamed the topic ${old} to ${name}.`));
  }

  async remove(reply: Reply, actor: string, id: string): Promise<void> {
    const topic = await this.options.store.getTopic(id);
    if (!topic) return reply.show(problemView([`There is no topic "${id}".`], 'topics'));
    const open = await this.options.store.listChats({ states: OPEN_STATES, topicId: id, limit: 100 });
    if (open.length) {
      const chats = open.slice(0, 10).map((c) => `#${c.shortId}`).join(', ');
      const why = `The topic ${topicLabel(topic, id)} has ${open.length} open chat${open.length === 1 ? '' : 's'} (${chats}): close or reassign them first.`;
      return reply.show(problemView([why], `reassign ${open[0] ? `#${open[0].shortId}` : '#d7dc65'} to another-topic`));
    }
    await this.options.store.deleteTopic(id, actor);
    await reply.say(plain(`✅ ${await this.options.nameOf(actor)} removed the topic ${topicLabel(topic, id)}.`));
  }

  /** The topic's card, with its current version. */
  async show(reply: Reply, id: string): Promise<void> {
    const [topic, { version }] = await Promise.all([this.options.store.getTopic(id), this.options.store.topicVersion(id)]);
    if (topic) await reply.show(topicView(topic, this.options.assistantDefault, version));
  }

  private async unknownPeople(emails: string[]): Promise<string[]> {
    const unknown: string[] = [];
    for (const email of emails) if (!(await this.options.channel.findPerson(email))) unknown.push(email);
    return unknown;
  }
}

/** "added carol@example.com; removed bob@example.com; mode group". */
function describeTopicChange(before: Topic, after: Topic): string {
  const parts: string[] = [];
  const added = after.agents.filter((a) => !before.agents.includes(a));
  const removed = before.agents.filter((a) => !after.agents.includes(a));
  if (added.length) parts.push(`added ${added.join(', ')}`);
  if (removed.length) parts.push(`removed ${removed.join(', ')}`);
  if (after.mode !== before.mode) parts.push(`mode ${after.mode}`);
  if (after.assistant !== before.assistant) parts.push(`assistant ${after.assistant === null ? 'as configured' : after.assistant ? 'on' : 'off'}`);
  if (after.addAgentsAt !== before.addAgentsAt) parts.push(`agents join ${after.addAgentsAt === 'start' ? 'at the start' : 'at handoff'}`);
  return parts.join('; ');
}
