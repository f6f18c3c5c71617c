// The supervisors' space: commands to the bot (status, hours, holidays, special days, topics,
// statistics) and the Edit cards' submissions. Only the configured supervisors may use them;
// anyone else gets a polite refusal and nothing changes. Every change is stored with its actor
// (the store audits settings and topics).
import { DateTime } from 'luxon';
import { z } from 'zod';
import { isChange, parseCommand, type Command, type StatsPeriod } from '../../domain/commands.js';
import {
  addHoliday,
  addSpecialDay,
  availability,
  formatHoliday,
  formatSpecialDay,
  holidaysInYear,
  localDate,
  parseTimeRanges,
  parseTimeZone,
  removeHoliday,
  removeSpecialDay,
  scheduleFor,
  WEEKDAYS,
  type HoursSettings,
  type TopicHours,
  type WeeklyRange,
} from '../../domain/hours.js';
import { escapeMarkdown } from '../../domain/escape.js';
import { computeStats } from '../../domain/stats.js';
import { spaceTitle, truncate, visitorDisplayName } from '../../domain/text.js';
import type { Chat, ChatEvent, Topic } from '../../domain/types.js';
import type { Logger } from '../../logger.js';
import type { AgentChannel, AgentMessage, CardAction, Clock, Person, Store } from '../../ports.js';
import { inertCardText } from '../cards.js';
import { OPEN_STATES } from '../context.js';
import { SUPERVISORS_SPACE_SETTING } from '../deliveries.js';
import type { HoursService } from '../hours-service.js';
import { formatInstant, SupervisorViews, topicLabel, type View } from './views.js';

export interface SupervisionOptions {
  store: Store;
  hours: HoursService;
  log: Logger;
  clock?: Clock;
  /** The configured supervisors' e-mails. */
  supervisors: string[];
  /** Whether a topic with `assistant: null` has the assistant (a provider is configured). */
  assistantDefault: boolean;
  cardsDir?: string;
}

const emailSchema = z.email();

const hoursEdit = z.object({
  action: z.literal('hours_edit'),
  topic: z.string().max(100).default(''),
  timezone: z.string().max(64).default(''),
  inherit: z.union([z.string(), z.boolean()]).optional(),
  ...Object.fromEntries(WEEKDAYS.map((d) => [d, z.string().max(200).default('')])),
});

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
});

const WEEK_EXAMPLE = 'Mon 09:00-17:00, 18:00-20:00 · Sat 10:00-14:00 · Sun closed';

/** The Webex space's UUID for a `webexteams://` link, when the id is a Webex one. */
export function spaceLink(spaceId: string): string | null {
  try {
    const decoded = Buffer.from(spaceId, 'base64').toString('utf8');
    const m = /^ciscospark:\/\/[a-z0-9-]+\/ROOM\/([0-9a-f-]{36})$/i.exec(decoded);
    return m ? `webexteams://im?space=${m[1]}` : null;
  } catch {
    return null;
  }
}

function nameOf(person: Person): string {
  return person.displayName || person.email;
}

function minutesSince(from: Date, now: Date): string {
  const m = Math.max(0, Math.round((now.getTime() - from.getTime()) / 60_000));
  return m < 1 ? 'under a minute' : `${m} min`;
}

export class Supervision {
  private channel: AgentChannel | null = null;
  private readonly views: SupervisorViews;
  private readonly clock: Clock;
  private readonly supervisors: Set<string>;

  constructor(private readonly options: SupervisionOptions) {
    this.views = new SupervisorViews(options.cardsDir);
    this.clock = options.clock ?? { now: () => new Date() };
    this.supervisors = new Set(options.supervisors.map((e) => e.toLowerCase()));
  }

  attach(channel: AgentChannel): void {
    this.channel = channel;
  }

  private get store(): Store {
    return this.options.store;
  }

  /** The supervisors' space id, once the chat module has created it. */
  private async space(): Promise<string | null> {
    const id = await this.store.getSetting<string>(SUPERVISORS_SPACE_SETTING);
    return typeof id === 'string' ? id : null;
  }

  isSupervisor(email: string): boolean {
    return this.supervisors.has(email.toLowerCase());
  }

  // -------------------------------------------------------------------------------------------
  // Entry points (the chat module hands over messages and card actions of spaces without a chat)

  readonly onMessage = async (message: AgentMessage): Promise<void> => {
    if (!message.mentionsBot || !this.channel) return;
    const space = await this.space();
    if (!space || message.spaceId !== space) return;
    const actor = message.author.email.toLowerCase();
    const topics = await this.store.listTopics();
    const parsed = parseCommand(message.text, topics.map((t) => t.id));
    if (!this.isSupervisor(actor)) {
      this.options.log.info({ kind: parsed.ok ? parsed.command.kind : 'unknown' }, 'supervisor command by a non-supervisor refused');
      await this.say(space, `Sorry, ${inertCardText(nameOf(message.author))}: only supervisors can give me commands here. Nothing was changed.`);
      return;
    }
    if (!parsed.ok) {
      if (parsed.unknown) await this.say(space, this.views.help(parsed.error));
      else await this.post(space, this.views.problem([parsed.error], parsed.example));
      return;
    }
    try {
      await this.run(space, parsed.command, actor, topics);
    } catch (error) {
      this.options.log.error({ err: error, kind: parsed.command.kind }, 'supervisor command failed');
      await this.say(space, `Sorry, that failed on my side${isChange(parsed.command) ? '; nothing was changed' : ''}. Please try again.`).catch(() => {});
    }
  };

  readonly onAction = async (action: CardAction): Promise<void> => {
    if (!this.channel) return;
    const space = await this.space();
    if (!space || action.spaceId !== space) return;
    const actor = action.actor.email.toLowerCase();
    if (!this.isSupervisor(actor)) {
      this.options.log.info('supervisor card action by a non-supervisor refused');
      await this.say(space, `Sorry, ${inertCardText(nameOf(action.actor))}: only supervisors can change these settings. Nothing was changed.`);
      return;
    }
    const kind = action.inputs.action;
    try {
      if (kind === 'hours_edit') await this.editHours(space, actor, action.inputs);
      else if (kind === 'topic_edit') await this.editTopic(space, actor, action.inputs);
      else await this.post(space, this.views.problem(['That card is not one of mine, or its form was not understood.'], 'hours'));
    } catch (error) {
      this.options.log.error({ err: error, kind }, 'supervisor card action failed');
      await this.say(space, 'Sorry, that failed on my side; nothing was changed. Please try again.').catch(() => {});
    }
  };

  // -------------------------------------------------------------------------------------------

  private async say(space: string, markdown: string): Promise<void> {
    await this.channel!.postAsBot(space, markdown);
  }

  private async post(space: string, view: View): Promise<void> {
    await this.channel!.postCard(space, view.card, view.fallback);
  }

  private async run(space: string, command: Command, actor: string, topics: Topic[]): Promise<void> {
    switch (command.kind) {
      case 'help':
        return this.say(space, this.views.help());
      case 'status':
        return this.post(space, await this.status(topics));
      case 'hours':
        return this.post(space, await this.hoursView(command.topic, topics));
      case 'hours_set':
        return this.changeHours(space, actor, command.topic, topics, (h) => ({ ...h, weekly: command.weekly }), 'set the week');
      case 'holiday_add':
        return this.changeHours(space, actor, command.topic, topics, (h) => addHoliday(h, command.holiday), `added the holiday ${formatHoliday(command.holiday)}`);
      case 'holiday_remove':
        return this.removeFromHours(space, actor, command.topic, topics, (h) => removeHoliday(h, command.holiday), `the holiday ${formatHoliday(command.holiday)}`);
      case 'special_add':
        return this.changeHours(space, actor, command.topic, topics, (h) => addSpecialDay(h, command.day), `set the special day ${formatSpecialDay(command.day)}`);
      case 'special_remove':
        return this.removeFromHours(space, actor, command.topic, topics, (h) => removeSpecialDay(h, command.date), `the special day ${command.date}`);
      case 'holidays':
        return this.post(space, await this.holidaysView(command.topic, command.year, topics));
      case 'specials':
        return this.post(space, await this.specialsView(command.topic, topics));
      case 'topics': {
        if (topics.length === 0) return this.say(space, 'There are no topics.');
        for (const topic of topics.sort((a, b) => a.position - b.position)) {
          await this.post(space, this.views.topic(topic, this.options.assistantDefault));
        }
        return;
      }
      case 'topic': {
        const topic = topics.find((t) => t.id === command.topic);
        return topic ? this.post(space, this.views.topic(topic, this.options.assistantDefault)) : this.say(space, `There is no topic "${command.topic}".`);
      }
      case 'stats':
        return this.post(space, await this.statsView(command.period, topics));
      case 'offline':
        return this.say(space, await this.offlineList(command.limit, topics));
    }
  }

  /** The latest offline messages, newest first; every visitor value escaped. */
  private async offlineList(limit: number, topics: Topic[]): Promise<string> {
    const messages = await this.store.listOfflineMessages(limit);
    if (messages.length === 0) return 'No offline messages.';
    const timeZone = (await this.options.hours.get()).default.timeZone;
    const lines = messages.map((m) => {
      const topic = escapeMarkdown(topicLabel(topics.find((t) => t.id === m.topicId), m.topicId));
      const who = `**${escapeMarkdown(m.name)}** (${escapeMarkdown(m.email)})`;
      // One line each: long messages are cut here (the whole text stays in the database).
      return `- ${formatInstant(m.at, timeZone)} · ${topic} · ${who}: ${escapeMarkdown(truncate(m.message.replace(/\s+/g, ' '), 300))}`;
    });
    return `**Offline messages** (newest first)\n\n${lines.join('\n')}`;
  }

  // -------------------------------------------------------------------------------------------
  // Hours

  private scopeLabel(topicId: string | null, topics: Topic[]): string {
    if (topicId === null) return 'default (every topic)';
    return topicLabel(topics.find((t) => t.id === topicId), topicId);
  }

  /** Applies an edit to the default hours or to one topic's override. */
  private static edit(settings: HoursSettings, topicId: string | null, change: (h: TopicHours) => TopicHours): HoursSettings {
    if (topicId === null) {
      const next = change(settings.default);
      return { ...settings, default: { ...settings.default, ...next } as HoursSettings['default'] };
    }
    return { ...settings, topics: { ...settings.topics, [topicId]: change(settings.topics[topicId] ?? {}) } };
  }

  private async changeHours(
    space: string,
    actor: string,
    topicId: string | null,
    topics: Topic[],
    change: (h: TopicHours) => TopicHours,
    done: string,
  ): Promise<void> {
    const result = await this.options.hours.update(actor, (s) => Supervision.edit(s, topicId, change));
    if (!result.ok) {
      await this.post(space, this.views.problem(result.errors, WEEK_EXAMPLE));
      return;
    }
    this.options.log.info({ actor, topic: topicId }, 'hours changed by a supervisor');
    await this.say(space, `✅ ${done} · ${this.scopeLabel(topicId, topics)}.`);
    await this.post(space, await this.hoursView(topicId, topics));
  }

  private async removeFromHours(
    space: string,
    actor: string,
    topicId: string | null,
    topics: Topic[],
    remove: (h: TopicHours) => { hours: TopicHours; removed: boolean },
    what: string,
  ): Promise<void> {
    const current = await this.options.hours.get();
    const scope = topicId === null ? current.default : (current.topics[topicId] ?? {});
    if (!remove(scope).removed) {
      await this.say(space, `Nothing to remove: ${what} is not in ${this.scopeLabel(topicId, topics)}. Nothing was changed.`);
      return;
    }
    await this.changeHours(space, actor, topicId, topics, (h) => remove(h).hours, `removed ${what}`);
  }

  private async hoursView(topicId: string | null, topics: Topic[]): Promise<View> {
    const settings = await this.options.hours.get();
    const hours = scheduleFor(settings, topicId);
    const now = this.clock.now();
    const today = localDate(hours, now);
    const year = Number(today.slice(0, 4));
    return this.views.hours({
      scopeLabel: this.scopeLabel(topicId, topics),
      topicId,
      hours,
      ownWeek: topicId !== null && settings.topics[topicId]?.weekly !== undefined,
      now: availability(hours, now),
      today,
      year,
      holidaysThisYear: holidaysInYear(hours, year),
    });
  }

  private async holidaysView(topicId: string | null, year: number | null, topics: Topic[]): Promise<View> {
    const hours = scheduleFor(await this.options.hours.get(), topicId);
    const y = year ?? Number(localDate(hours, this.clock.now()).slice(0, 4));
    const days = holidaysInYear(hours, y);
    return this.views.report(`Holidays ${y} · ${this.scopeLabel(topicId, topics)}`, '', [
      { title: 'Rules', lines: hours.holidays.length ? hours.holidays.map(formatHoliday) : ['none'] },
      { title: 'Dates', lines: days.length ? days.map((d) => `${d.date}${d.name ? ` ${d.name}` : ''}`) : ['none'] },
    ]);
  }

  private async specialsView(topicId: string | null, topics: Topic[]): Promise<View> {
    const hours = scheduleFor(await this.options.hours.get(), topicId);
    const today = localDate(hours, this.clock.now());
    const days = hours.specialDays.filter((s) => s.date >= today);
    return this.views.report(`Special days · ${this.scopeLabel(topicId, topics)}`, '', [
      { title: 'Coming', lines: days.length ? days.map(formatSpecialDay) : ['none'] },
    ]);
  }

  private async editHours(space: string, actor: string, inputs: Record<string, unknown>): Promise<void> {
    const parsed = hoursEdit.safeParse(inputs);
    const topics = await this.store.listTopics();
    if (!parsed.success) {
      await this.post(space, this.views.problem(['The form was not understood.'], WEEK_EXAMPLE));
      return;
    }
    const form = parsed.data as z.infer<typeof hoursEdit> & Record<string, string>;
    const topicId = form.topic ? form.topic : null;
    if (topicId !== null && !topics.some((t) => t.id === topicId)) {
      await this.post(space, this.views.problem([`There is no topic "${topicId}".`], 'hours sales'));
      return;
    }
    if (topicId !== null && (form.inherit === true || form.inherit === 'true')) {
      await this.changeHours(space, actor, topicId, topics, (h) => {
        const { weekly: _w, timeZone: _z, ...rest } = h;
        return rest;
      }, 'now follows the default week and time zone');
      return;
    }
    const errors: string[] = [];
    const weekly: WeeklyRange[] = [];
    for (const day of WEEKDAYS) {
      const ranges = parseTimeRanges(form[day] ?? '');
      if (!ranges.ok) errors.push(`${day.charAt(0).toUpperCase()}${day.slice(1)}: ${ranges.error}`);
      else for (const r of ranges.value) weekly.push({ day, ...r });
    }
    let timeZone: string | undefined;
    if (form.timezone.trim()) {
      const zone = parseTimeZone(form.timezone);
      if (!zone.ok) errors.push(`Time zone: ${zone.error}`);
      else timeZone = zone.value;
    } else if (topicId === null) {
      errors.push('Time zone: the default hours need one, e.g. Europe/Warsaw');
    }
    if (errors.length) {
      await this.post(space, this.views.problem(errors, WEEK_EXAMPLE));
      return;
    }
    await this.changeHours(space, actor, topicId, topics, (h) => ({ ...h, weekly, ...(timeZone ? { timeZone } : {}) }), 'saved the week');
  }

  // -------------------------------------------------------------------------------------------
  // Topics

  private async editTopic(space: string, actor: string, inputs: Record<string, unknown>): Promise<void> {
    const parsed = topicEdit.safeParse(inputs);
    if (!parsed.success) {
      await this.post(space, this.views.problem(['The form was not understood.'], 'Add agents: ann@example.com, ben@example.com'));
      return;
    }
    const form = parsed.data;
    const topic = await this.store.getTopic(form.topic);
    if (!topic) {
      await this.post(space, this.views.problem([`There is no topic "${form.topic}".`], 'topics'));
      return;
    }
    const invalid = form.add.filter((e) => !emailSchema.safeParse(e).success);
    if (invalid.length) {
      await this.post(space, this.views.problem([`Not e-mail addresses: ${invalid.map(inertCardText).join(', ')}`], 'Add agents: ann@example.com, ben@example.com'));
      return;
    }
    const unknown: string[] = [];
    for (const email of form.add) {
      if (topic.agents.includes(email)) continue;
      if (!(await this.channel!.findPerson(email))) unknown.push(email);
    }
    if (unknown.length) {
      await this.post(space, this.views.problem([`Nobody with these addresses in Webex: ${unknown.join(', ')}`], 'Add agents: ann@example.com'));
      return;
    }
    const agents = [...new Set([...topic.agents.filter((a) => !form.remove.includes(a.toLowerCase())), ...form.add])];
    const next: Topic = {
      ...topic,
      agents,
      mode: form.mode ?? topic.mode,
      assistant: form.assistant === undefined ? topic.assistant : form.assistant === 'default' ? null : form.assistant === 'on',
      addAgentsAt: form.addAgentsAt ?? topic.addAgentsAt,
    };
    await this.store.saveTopic(next, actor);
    this.options.log.info({ actor, topic: topic.id }, 'topic changed by a supervisor');
    await this.say(space, `✅ Saved the topic ${topicLabel(next, next.id)}: new chats follow it.`);
    await this.post(space, this.views.topic(next, this.options.assistantDefault));
  }

  // -------------------------------------------------------------------------------------------
  // Status and statistics

  private async status(topics: Topic[]): Promise<View> {
    const now = this.clock.now();
    const byId = new Map(topics.map((t) => [t.id, t]));
    const open = await this.store.listChats({ states: OPEN_STATES, limit: 500 });
    const count = (state: Chat['state'], list = open) => list.filter((c) => c.state === state).length;
    const link = (chat: Chat) => {
      const title = inertCardText(
        spaceTitle(topicLabel(byId.get(chat.topicId), chat.topicId), visitorDisplayName(chat.visitor), chat.shortId),
      );
      const url = chat.spaceId ? spaceLink(chat.spaceId) : null;
      return url ? `[${title}](${url})` : title;
    };
    const queued = open.filter((c) => c.state === 'queued');
    // Waiting since the chat last entered the queue (start, handoff or a transfer to a topic).
    const waits = await Promise.all(
      queued.slice(0, 100).map(async (chat) => {
        const events: ChatEvent[] = await this.store.listEvents(chat.id);
        const entered = events.filter((e) => e.type === 'handed_off' || e.type === 'transferred').at(-1)?.at ?? chat.createdAt;
        return { chat, since: entered };
      }),
    );
    waits.sort((a, b) => a.since.getTime() - b.since.getTime());
    const longest = waits[0];
    const summary = open.length
      ? `**${open.length} open** · ${count('bot')} with the assistant · ${count('queued')} waiting · ${count('active')} claimed` +
        (longest ? `\nLongest wait: #${longest.chat.shortId} (${topicLabel(byId.get(longest.chat.topicId), longest.chat.topicId)}), ${minutesSince(longest.since, now)}` : '')
      : 'No open chats.';
    const byTopic = topics
      .map((t) => {
        const mine = open.filter((c) => c.topicId === t.id);
        return mine.length
          ? { title: topicLabel(t, t.id), value: `${count('bot', mine)} with the assistant · ${count('queued', mine)} waiting · ${count('active', mine)} claimed` }
          : null;
      })
      .filter((f): f is { title: string; value: string } => f !== null);
    const sections = [];
    if (byTopic.length) sections.push({ title: 'By topic', facts: byTopic });
    if (waits.length) {
      sections.push({ title: 'Waiting for an agent', lines: waits.map((w) => `#${w.chat.shortId} · ${minutesSince(w.since, now)} · ${link(w.chat)}`) });
    }
    const active = open.filter((c) => c.state === 'active');
    if (active.length) {
      sections.push({
        title: 'Who holds which chat',
        lines: active.map((c) => `#${c.shortId} · ${inertCardText(c.ownerName ?? c.ownerEmail ?? 'an agent')}${c.ownerEmail ? ` (${c.ownerEmail})` : ''} · ${link(c)}`),
      });
    }
    const withBot = open.filter((c) => c.state === 'bot');
    if (withBot.length) sections.push({ title: 'With the assistant', lines: withBot.map((c) => `#${c.shortId} · ${link(c)}`) });
    return this.views.report(`Status · ${formatInstant(now, 'UTC')}`, summary, sections);
  }

  private async statsView(period: StatsPeriod, topics: Topic[]): Promise<View> {
    const now = this.clock.now();
    const zone = (await this.options.hours.get()).default.timeZone;
    const since =
      period === 'today'
        ? DateTime.fromJSDate(now, { zone }).startOf('day').toJSDate()
        : new Date(now.getTime() - (period === '7d' ? 7 : 30) * 86_400_000);
    const chats = await this.store.listChats({ createdSince: since, limit: 100_000 });
    const events = this.store.listEventsOfChatsSince
      ? await this.store.listEventsOfChatsSince(since)
      : (await Promise.all(chats.map((c) => this.store.listEvents(c.id)))).flat();
    const stats = computeStats(chats, events);
    const label = period === 'today' ? `today (${zone})` : period === '7d' ? 'last 7 days' : 'last 30 days';
    return this.views.stats(label, stats, new Map(topics.map((t) => [t.id, t])));
  }
}
