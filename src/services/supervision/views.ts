// What the bot shows supervisors: each view is a card (templates in cards/supervisor) with the
// same content as plain rich text, the fallback for clients that show no cards. Every value is
// literal: the channel adapter makes it inert for its messenger.
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
import { code, list, paragraph, strong, type Block, type RichText } from '../../domain/rich-text.js';
import { formatDuration, type ChatStats, type StatsRow } from '../../domain/stats.js';
import type { Topic } from '../../domain/types.js';
import type { CardSpec } from '../../ports.js';
import { topicLabel, type Fact } from '../cards.js';

export { topicLabel };

/**
 * A line of a report; `linkText` (after `text`) opens `url` when there is one. A line with a
 * `chatId` carries that chat's Join, Close and Reassign buttons.
 */
export type Line = { text: string; linkText: string; url: string; chatId?: string };

export interface Section {
  title: string;
  facts?: Fact[];
  lines?: (Line | string)[];
}

function lineOf(value: Line | string): Required<Line> {
  return typeof value === 'string' ? { text: value, linkText: '', url: '', chatId: '' } : { chatId: '', ...value };
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

function factItems(facts: Fact[]): string[][] {
  return facts.map((f) => [`${f.title}: ${f.value}`]);
}

export function reportView(heading: string, summary: string, sections: Section[]): CardSpec {
  const data = sections.map((s) => ({ title: s.title, facts: s.facts ?? [], lines: (s.lines ?? []).map(lineOf) }));
  const fallback: Block[] = [paragraph(strong(heading)), ...(summary ? [paragraph(summary)] : [])];
  for (const s of data) {
    fallback.push(paragraph(strong(s.title)));
    const items = [...factItems(s.facts), ...s.lines.map((l) => [`${l.text}${l.linkText}`])];
    if (items.length) fallback.push(list(items));
  }
  return { template: 'supervisor/report', data: { heading, summary, sections: data }, fallback };
}

export function problemView(errors: string[], example: string, heading = 'That did not work'): CardSpec {
  return {
    template: 'supervisor/problem',
    data: { heading, errors, example },
    fallback: [
      paragraph(strong(heading)),
      ...errors.map((e) => paragraph(e)),
      paragraph('For example: ', code(example)),
      paragraph('Nothing was changed.'),
    ],
  };
}

export function helpText(intro?: string): RichText {
  return [
    ...(intro ? [paragraph(intro)] : []),
    paragraph('Mention me with a command (plain words work too, e.g. ', code('add holiday 2026-12-24 for sales'), '):'),
    list(COMMANDS.map((c) => [code(c.usage), `: ${c.does}`])),
    paragraph('Without a topic, hours, holidays and special days are the default for every topic.'),
  ];
}

export interface HoursViewInput {
  scopeLabel: string;
  topicId: string | null;
  hours: Hours;
  ownWeek: boolean;
  now: Availability;
  today: string;
  year: number;
  holidaysThisYear: HolidayOnDate[];
  /** The stored hours' version: the Edit card sends it back, so a stale card is refused. */
  version: number;
}

function nowLine(now: Availability, timeZone: string): string {
  return now.open
    ? `Open now${now.closesAt ? `, until ${formatInstant(now.closesAt, timeZone)}` : ' (no closing within a week)'}.`
    : `Closed now${now.nextOpening ? `; opens ${formatInstant(now.nextOpening, timeZone)}` : '; no opening within a year'}.`;
}

function dayRanges(hours: Hours, day: (typeof WEEKDAYS)[number]): string {
  return hours.weekly
    .filter((w) => w.day === day)
    .sort((a, b) => a.start.localeCompare(b.start))
    .map((w) => `${w.start}-${w.end}`)
    .join(', ');
}

export function hoursView(input: HoursViewInput): CardSpec {
  const { hours } = input;
  const week: Fact[] = formatWeek(hours.weekly).map((line) => {
    const [day, ...rest] = line.split(' ');
    return { title: day!, value: rest.join(' ') };
  });
  const holidays = hours.holidays.length ? hours.holidays.map(formatHoliday) : ['none'];
  const upcoming = input.holidaysThisYear.filter((h) => h.date >= input.today).slice(0, 5);
  if (upcoming.length) holidays.push(`Next: ${upcoming.map((h) => `${h.date}${h.name ? ` ${h.name}` : ''}`).join('; ')}`);
  const coming = hours.specialDays.filter((s) => s.date >= input.today).sort((a, b) => a.date.localeCompare(b.date));
  const specials = coming.length ? coming.map(formatSpecialDay) : ['none coming'];
  const weekSource = input.topicId ? (input.ownWeek ? 'its own week' : 'the default week') : 'every topic without its own week';
  const heading = `Opening hours · ${input.scopeLabel}`;
  const now = nowLine(input.now, hours.timeZone);
  const zoneLine = `Time zone ${hours.timeZone}; ${weekSource}.`;
  return {
    template: 'supervisor/hours',
    data: {
      heading,
      now,
      week,
      zoneLine,
      holidays,
      specials,
      days: WEEKDAYS.map((day) => ({ id: day, label: day.charAt(0).toUpperCase() + day.slice(1), value: dayRanges(hours, day) })),
      timezone: hours.timeZone,
      isTopic: input.topicId !== null,
      // A topic on the default week keeps it when the card is saved unchanged.
      inherit: input.topicId !== null && !input.ownWeek ? 'true' : 'false',
      topic: input.topicId ?? '',
      version: String(input.version),
    },
    fallback: [
      paragraph(strong(heading)),
      paragraph(now),
      list(week.map((w) => [`${w.title} ${w.value}`])),
      paragraph(zoneLine),
      paragraph(strong('Holidays:'), ` ${holidays.join('; ')}`),
      paragraph(strong('Special days:'), ` ${specials.join('; ')}`),
    ],
  };
}

/** `assistantDefault`: an assistant provider is configured. */
export function topicView(topic: Topic, assistantDefault: boolean, version: number): CardSpec {
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
  return {
    template: 'supervisor/topic',
    data: {
      heading,
      facts,
      agents: topic.agents,
      mode: topic.mode,
      assistant: topic.assistant === null ? 'default' : topic.assistant ? 'on' : 'off',
      addAgentsAt: topic.addAgentsAt,
      topic: topic.id,
      version: String(version),
    },
    fallback: [paragraph(strong(heading)), list(factItems(facts))],
  };
}

function rowFacts(r: StatsRow, assistant: boolean): Fact[] {
  const assistantFacts: Fact[] = [
    { title: 'Assistant alone', value: String(r.assistantOnly) },
    { title: 'Handed off', value: String(r.handedOff) },
  ];
  return [
    { title: 'Chats', value: `${r.chats}${r.open ? ` (${r.open} still open)` : ''}` },
    ...(assistant ? assistantFacts : []),
    { title: 'First agent response (median)', value: formatDuration(r.medianFirstResponseMs) },
    { title: 'Duration (median)', value: formatDuration(r.medianDurationMs) },
    { title: 'Abandoned', value: String(r.abandoned) },
  ];
}

/**
 * `assistantConfigured`: an assistant provider is configured. Without one the assistant's lines
 * are left out, unless the period still holds chats the assistant had (before it was turned off).
 */
export function statsView(label: string, stats: ChatStats, topics: Map<string, Topic>, assistantConfigured: boolean): CardSpec {
  const assistant = assistantConfigured || stats.total.assistantOnly + stats.total.handedOff > 0;
  const sections: Section[] = [{ title: 'All topics', facts: rowFacts(stats.total, assistant) }];
  for (const [id, r] of Object.entries(stats.topics)) sections.push({ title: topicLabel(topics.get(id), id), facts: rowFacts(r, assistant) });
  return reportView(
    `Statistics · ${label}`,
    'Abandoned: reached the agents, closed before anyone claimed it. First response: from reaching the agents to the first claim or reply.' +
      (assistant ? ' Handed off: the assistant had the chat and passed it to the agents.' : ''),
    sections,
  );
}
