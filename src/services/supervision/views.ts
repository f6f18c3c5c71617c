// What the bot shows supervisors: each view is a card (templates in cards/supervisor) and the
// same content as markdown, the fallback text for clients that show no cards.
import path from 'node:path';
import { COMMANDS } from '../../domain/commands.js';
import {
  WEEKDAYS,
  formatHoliday,
  formatSpecialDay,
  formatWeek,
  type Availability,
  type Hours,
  type HolidayOnDate,
} from '../../domain/hours.js';
import { assistantEnabled } from '../../domain/handoff.js';
import { formatDuration, type ChatStats, type StatsRow } from '../../domain/stats.js';
import type { Topic } from '../../domain/types.js';
import type { Json } from '../../ports.js';
import { CardBuilder, DEFAULT_CARDS_DIR, type Fact } from '../cards.js';

export interface View {
  card: Json;
  /** Markdown with the same content. */
  fallback: string;
}

export interface Section {
  title: string;
  facts?: Fact[];
  /** Markdown lines. */
  lines?: string[];
}

export function topicLabel(topic: Pick<Topic, 'id' | 'names'> | null | undefined, id: string): string {
  if (!topic) return id;
  return topic.names.en ?? Object.values(topic.names)[0] ?? topic.id;
}

/** `Wed 24 Nov 2026, 09:00 (Europe/Warsaw)`. */
export function formatInstant(at: Date, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
  return `${text} (${timeZone})`;
}

export class SupervisorViews {
  private readonly cards: CardBuilder;

  constructor(dir: string = path.join(DEFAULT_CARDS_DIR, 'supervisor')) {
    this.cards = new CardBuilder(dir);
  }

  report(heading: string, summary: string, sections: Section[]): View {
    const card = this.cards.expand('report', {
      heading,
      summary,
      sections: sections.map((s) => ({ title: s.title, facts: s.facts ?? [], lines: s.lines ?? [] })),
    });
    const md = [`**${heading}**`, ...(summary ? [summary] : [])];
    for (const s of sections) {
      md.push('', `**${s.title}**`);
      for (const f of s.facts ?? []) md.push(`- ${f.title}: ${f.value}`);
      for (const l of s.lines ?? []) md.push(`- ${l}`);
    }
    return { card, fallback: md.join('\n') };
  }

  problem(errors: string[], example: string, heading = 'That did not work'): View {
    const card = this.cards.expand('problem', { heading, errors, example });
    return {
      card,
      fallback: [`**${heading}**`, ...errors, '', `For example: \`${example}\``, 'Nothing was changed.'].join('\n'),
    };
  }

  help(intro?: string): string {
    return [
      ...(intro ? [intro, ''] : []),
      'Mention me with a command (plain words work too, e.g. `add holiday 2026-12-24 for sales`):',
      ...COMMANDS.map((c) => `- \`${c.usage}\`: ${c.does}`),
      'Without a topic, hours, holidays and special days are the default for every topic.',
    ].join('\n');
  }

  hours(input: {
    scopeLabel: string;
    topicId: string | null;
    hours: Hours;
    ownWeek: boolean;
    now: Availability;
    today: string;
    year: number;
    holidaysThisYear: HolidayOnDate[];
  }): View {
    const { hours } = input;
    const week = formatWeek(hours.weekly).map((line) => {
      const [day, ...rest] = line.split(' ');
      return { title: day!, value: rest.join(' ') };
    });
    const nowLine = input.now.open
      ? `Open now${input.now.closesAt ? `, until ${formatInstant(input.now.closesAt, hours.timeZone)}` : ' (no closing within a week)'}.`
      : `Closed now${input.now.nextOpening ? `; opens ${formatInstant(input.now.nextOpening, hours.timeZone)}` : '; no opening within a year'}.`;
    const holidays = hours.holidays.length ? hours.holidays.map(formatHoliday) : ['none'];
    const upcoming = input.holidaysThisYear.filter((h) => h.date >= input.today).slice(0, 5);
    if (upcoming.length) holidays.push(`Next: ${upcoming.map((h) => `${h.date}${h.name ? ` ${h.name}` : ''}`).join('; ')}`);
    const specialsAll = hours.specialDays.filter((s) => s.date >= input.today);
    const specials = specialsAll.length ? specialsAll.map(formatSpecialDay) : ['none coming'];
    const weekSource = input.topicId ? (input.ownWeek ? 'its own week' : 'the default week') : 'every topic without its own week';
    const heading = `Opening hours · ${input.scopeLabel}`;
    const card = this.cards.expand('hours', {
      heading,
      now: nowLine,
      week,
      zoneLine: `Time zone ${hours.timeZone}; ${weekSource}.`,
      holidays,
      specials,
      days: WEEKDAYS.map((day) => ({
        id: day,
        label: day.charAt(0).toUpperCase() + day.slice(1),
        value: hours.weekly
          .filter((w) => w.day === day)
          .sort((a, b) => a.start.localeCompare(b.start))
          .map((w) => `${w.start}-${w.end}`)
          .join(', '),
      })),
      timezone: hours.timeZone,
      isTopic: input.topicId !== null,
      topic: input.topicId ?? '',
    });
    const fallback = [
      `**${heading}**`,
      nowLine,
      ...week.map((w) => `- ${w.title} ${w.value}`),
      `Time zone ${hours.timeZone}; ${weekSource}.`,
      `**Holidays:** ${holidays.join('; ')}`,
      `**Special days:** ${specials.join('; ')}`,
    ].join('\n');
    return { card, fallback };
  }

  /** `assistantDefault`: an assistant provider is configured. */
  topic(topic: Topic, assistantDefault: boolean): View {
    const enabled = assistantEnabled(topic, assistantDefault);
    const assistant =
      (enabled ? 'on' : 'off') +
      (topic.assistant === null ? ' (as configured for all topics)' : '') +
      (topic.assistant === true && !assistantDefault ? ' (no assistant provider is configured)' : '');
    const facts: Fact[] = [
      { title: 'Id', value: topic.id },
      { title: 'Mode', value: topic.mode },
      { title: 'Agents', value: topic.agents.length ? topic.agents.join(', ') : 'none' },
      { title: 'Assistant', value: assistant },
      { title: 'Agents join', value: topic.addAgentsAt === 'start' ? 'when the chat starts' : 'at handoff' },
    ];
    const heading = `Topic · ${topicLabel(topic, topic.id)}`;
    const card = this.cards.expand('topic', {
      heading,
      facts,
      agents: topic.agents,
      mode: topic.mode,
      assistant: topic.assistant === null ? 'default' : topic.assistant ? 'on' : 'off',
      addAgentsAt: topic.addAgentsAt,
      topic: topic.id,
    });
    return { card, fallback: [`**${heading}**`, ...facts.map((f) => `- ${f.title}: ${f.value}`)].join('\n') };
  }

  stats(label: string, stats: ChatStats, topics: Map<string, Topic>): View {
    const rowFacts = (r: StatsRow): Fact[] => [
      { title: 'Chats', value: `${r.chats}${r.open ? ` (${r.open} still open)` : ''}` },
      { title: 'Assistant alone', value: String(r.assistantOnly) },
      { title: 'Handed off', value: String(r.handedOff) },
      { title: 'First agent response (median)', value: formatDuration(r.medianFirstResponseMs) },
      { title: 'Duration (median)', value: formatDuration(r.medianDurationMs) },
      { title: 'Abandoned', value: String(r.abandoned) },
    ];
    const sections: Section[] = [{ title: 'All topics', facts: rowFacts(stats.total) }];
    for (const [id, r] of Object.entries(stats.topics)) {
      sections.push({ title: topicLabel(topics.get(id), id), facts: rowFacts(r) });
    }
    return this.report(
      `Statistics · ${label}`,
      'Abandoned: reached the agents, closed before anyone claimed it. First response: from reaching the agents to the first claim or reply.',
      sections,
    );
  }
}
