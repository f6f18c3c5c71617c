// The supervisors' read-only reports: the live status of open chats (with links into their
// spaces), statistics over a period, and the latest offline messages.
import { DateTime } from 'luxon';
import type { StatsPeriod } from '../../domain/commands.js';
import { list, paragraph, strong, type RichText } from '../../domain/rich-text.js';
import { computeStats } from '../../domain/stats.js';
import { spaceTitle, truncate, visitorDisplayName } from '../../domain/text.js';
import type { Chat, Topic } from '../../domain/types.js';
import type { AgentChannel, CardSpec, ChatStore, Clock, OfflineMessageStore } from '../../ports.js';
import { OPEN_STATES } from '../context.js';
import type { HoursService } from '../hours-service.js';
import { queuedSince } from '../unclaimed.js';
import { formatInstant, reportView, statsView, topicLabel, type Line, type Section } from './views.js';

export interface SupervisorReportsOptions {
  store: Pick<ChatStore, 'listChats' | 'listEvents' | 'listEventsOfChatsSince'> & Pick<OfflineMessageStore, 'listOfflineMessages'>;
  channel: Pick<AgentChannel, 'spaceLink'>;
  hours: Pick<HoursService, 'get'>;
  clock: Clock;
  /** An assistant provider is configured: the reports show the assistant's counts and chats. */
  assistantConfigured: boolean;
}

function minutesSince(from: Date, now: Date): string {
  const m = Math.max(0, Math.round((now.getTime() - from.getTime()) / 60_000));
  return m < 1 ? 'under a minute' : `${m} min`;
}

type Counts = Record<Chat['state'], number>;

function countByState(chats: Chat[]): Counts {
  const counts: Counts = { bot: 0, queued: 0, active: 0, closed: 0 };
  for (const chat of chats) counts[chat.state]++;
  return counts;
}

/** `assistant`: say how many chats the assistant has (left out when it has none and none is configured). */
function describeCounts(c: Counts, assistant: boolean): string {
  return `${assistant ? `${c.bot} with the assistant · ` : ''}${c.queued} waiting · ${c.active} claimed`;
}

export class SupervisorReports {
  constructor(private readonly options: SupervisorReportsOptions) {}

  /** A line ending with the chat's space title, which opens the space when the messenger links it. */
  private chatLine(text: string, chat: Chat, byId: Map<string, Topic>): Line {
    // The title ends with the short id: the line shows it once.
    const title = spaceTitle(topicLabel(byId.get(chat.topicId), chat.topicId), visitorDisplayName(chat.visitor), chat.shortId);
    const url = chat.spaceId ? this.options.channel.spaceLink(chat.spaceId) : null;
    return { text, linkText: title, url: url ?? '', chatId: chat.id };
  }

  /** Each queued chat with when it last entered the queue (start, handoff or a transfer to a topic), longest first. */
  private async waits(queued: Chat[]): Promise<{ chat: Chat; since: Date }[]> {
    const waits = await Promise.all(
      queued.slice(0, 100).map(async (chat) => {
        return { chat, since: queuedSince(chat, await this.options.store.listEvents(chat.id)) };
      }),
    );
    return waits.sort((a, b) => a.since.getTime() - b.since.getTime());
  }

  async status(topics: Topic[]): Promise<CardSpec> {
    const now = this.options.clock.now();
    const byId = new Map(topics.map((t) => [t.id, t]));
    const open = await this.options.store.listChats({ states: OPEN_STATES, limit: 500 });
    const waits = await this.waits(open.filter((c) => c.state === 'queued'));
    const withBot = open.filter((c) => c.state === 'bot');
    // Chats left with the assistant after it was turned off still show.
    const assistant = this.options.assistantConfigured || withBot.length > 0;
    const longest = waits[0];
    const summary = open.length
      ? `${open.length} open · ${describeCounts(countByState(open), assistant)}` +
        (longest
          ? `\nLongest wait: #${longest.chat.shortId} (${topicLabel(byId.get(longest.chat.topicId), longest.chat.topicId)}), ${minutesSince(longest.since, now)}`
          : '')
      : 'No open chats.';
    const byTopic = topics.flatMap((t) => {
      const mine = open.filter((c) => c.topicId === t.id);
      return mine.length ? [{ title: topicLabel(t, t.id), value: describeCounts(countByState(mine), assistant) }] : [];
    });
    const sections: Section[] = [];
    if (byTopic.length) sections.push({ title: 'By topic', facts: byTopic });
    if (waits.length) {
      sections.push({
        title: 'Waiting for an agent',
        lines: waits.map((w) => this.chatLine(`${minutesSince(w.since, now)} · `, w.chat, byId)),
      });
    }
    const active = open.filter((c) => c.state === 'active');
    if (active.length) {
      const owner = (c: Chat) => `${c.ownerName ?? c.ownerEmail ?? 'an agent'}${c.ownerEmail ? ` (${c.ownerEmail})` : ''}`;
      sections.push({ title: 'Who holds which chat', lines: active.map((c) => this.chatLine(`${owner(c)} · `, c, byId)) });
    }
    if (withBot.length) sections.push({ title: 'With the assistant', lines: withBot.map((c) => this.chatLine('', c, byId)) });
    const zone = (await this.options.hours.get()).default.timeZone;
    return reportView(`Status · ${formatInstant(now, zone)}`, summary, sections);
  }

  async stats(period: StatsPeriod, topics: Topic[]): Promise<CardSpec> {
    const now = this.options.clock.now();
    const zone = (await this.options.hours.get()).default.timeZone;
    const since =
      period === 'today'
        ? DateTime.fromJSDate(now, { zone }).startOf('day').toJSDate()
        : new Date(now.getTime() - (period === '7d' ? 7 : 30) * 86_400_000);
    const [chats, events] = await Promise.all([
      this.options.store.listChats({ createdSince: since, limit: 100_000 }),
      this.options.store.listEventsOfChatsSince(since),
    ]);
    const label = period === 'today' ? `today (${zone})` : period === '7d' ? 'last 7 days' : 'last 30 days';
    const stats = computeStats(chats, events);
    return statsView(label, stats, new Map(topics.map((t) => [t.id, t])), this.options.assistantConfigured);
  }

  /** The latest offline messages, newest first. */
  async offline(limit: number, topics: Topic[]): Promise<RichText> {
    const messages = await this.options.store.listOfflineMessages(limit);
    if (messages.length === 0) return [paragraph('No offline messages.')];
    const timeZone = (await this.options.hours.get()).default.timeZone;
    const items = messages.map((m) => [
      `${formatInstant(m.at, timeZone)} · ${topicLabel(topics.find((t) => t.id === m.topicId), m.topicId)} · `,
      strong(m.name),
      ` (${m.email})`,
      // One line each: long messages are cut here (the whole text stays in the database).
      `: ${truncate(m.message.replace(/\s+/g, ' '), 300)}`,
    ]);
    return [paragraph(strong('Offline messages'), ' (newest first)'), list(items)];
  }
}
