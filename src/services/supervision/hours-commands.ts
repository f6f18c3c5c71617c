// The supervisors' opening-hours commands (week, holidays, special days) and the hours Edit
// card. Changes go through the HoursService, which stores them with their actor and tells
// every instance.
import { z } from 'zod';
import {
  addHoliday,
  addSpecialDay,
  availability,
  formatHoliday,
  formatSpecialDay,
  formatWeek,
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
import { plain } from '../../domain/rich-text.js';
import type { Topic } from '../../domain/types.js';
import type { Logger } from '../../logger.js';
import type { CardSpec, Clock } from '../../ports.js';
import type { HoursService } from '../hours-service.js';
import type { Reply } from './reply.js';
import { formatInstant, hoursView, problemView, reportView, topicLabel } from './views.js';

export const WEEK_EXAMPLE = 'Mon 09:00-17:00, 18:00-20:00 · Sat 10:00-14:00 · Sun closed';

const hoursEdit = z.object({
  action: z.literal('hours_edit'),
  topic: z.string().max(100).default(''),
  timezone: z.string().max(64).default(''),
  inherit: z.union([z.string(), z.boolean()]).optional(),
  /** The hours' version the card was made from: a card older than the stored hours is refused. */
  version: z.coerce.number().int().min(0).optional(),
  ...Object.fromEntries(WEEKDAYS.map((d) => [d, z.string().max(200).default('')])),
});

type HoursForm = z.infer<typeof hoursEdit> & Record<string, string>;

export interface HoursCommandsOptions {
  hours: Pick<HoursService, 'get' | 'update' | 'version'>;
  clock: Clock;
  log: Logger;
  /** How a person is named to supervisors (their display name, else the e-mail). */
  nameOf: (email: string) => Promise<string>;
}

/** "a moment ago", "5 min ago", or the time. */
export function ago(at: Date | null, now: Date, timeZone: string): string {
  if (!at) return 'earlier';
  const ms = now.getTime() - at.getTime();
  if (ms < 90_000) return 'a moment ago';
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min ago`;
  return `on ${formatInstant(at, timeZone)}`;
}

/** Applies an edit to the default hours or to one topic's override. */
function edit(settings: HoursSettings, topicId: string | null, change: (h: TopicHours) => TopicHours): HoursSettings {
  if (topicId === null) {
    const next = change(settings.default);
    return { ...settings, default: { ...settings.default, ...next } as HoursSettings['default'] };
  }
  return { ...settings, topics: { ...settings.topics, [topicId]: change(settings.topics[topicId] ?? {}) } };
}

export function scopeLabel(topicId: string | null, topics: Topic[]): string {
  if (topicId === null) return 'default (every topic)';
  return topicLabel(topics.find((t) => t.id === topicId), topicId);
}

/** The week and time zone of the Edit card, or the problems with them. */
function weekOf(form: HoursForm, topicId: string | null): { weekly: WeeklyRange[]; timeZone?: string } | { errors: string[] } {
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
  if (errors.length) return { errors };
  return timeZone ? { weekly, timeZone } : { weekly };
}

export class HoursCommands {
  constructor(private readonly options: HoursCommandsOptions) {}

  async change(
    reply: Reply,
    actor: string,
    topicId: string | null,
    topics: Topic[],
    change: (h: TopicHours) => TopicHours,
    done: string,
    ifVersion?: number,
  ): Promise<void> {
    const result = await this.options.hours.update(actor, (s) => edit(s, topicId, change), ifVersion);
    if (!result.ok && result.stale) {
      const { stale } = result;
      const by = stale.actor ? await this.options.nameOf(stale.actor) : 'someone';
      const zone = (await this.options.hours.get()).default.timeZone;
      await reply.say(plain(`⚠️ Not saved: the hours were changed by ${by} ${ago(stale.at, this.options.clock.now(), zone)}, here is the current one.`));
      await reply.show(await this.view(topicId, topics));
      return;
    }
    if (!result.ok) {
      await reply.show(problemView(result.errors, WEEK_EXAMPLE));
      return;
    }
    this.options.log.info({ actor, topic: topicId }, 'hours changed by a supervisor');
    const scope = topicId === null ? 'every topic (the default)' : scopeLabel(topicId, topics);
    await reply.say(plain(`✅ ${await this.options.nameOf(actor)} ${done} for ${scope}.`));
    await reply.show(await this.view(topicId, topics));
  }

  async remove(
    reply: Reply,
    actor: string,
    topicId: string | null,
    topics: Topic[],
    remove: (h: TopicHours) => { hours: TopicHours; removed: boolean },
    what: string,
  ): Promise<void> {
    const current = await this.options.hours.get();
    const scope = topicId === null ? current.default : (current.topics[topicId] ?? {});
    if (!remove(scope).removed) {
      await reply.say(plain(`Nothing to remove: ${what} is not in ${scopeLabel(topicId, topics)}. Nothing was changed.`));
      return;
    }
    await this.change(reply, actor, topicId, topics, (h) => remove(h).hours, `removed ${what}`);
  }

  addHoliday = (reply: Reply, actor: string, topicId: string | null, topics: Topic[], holiday: Parameters<typeof addHoliday>[1]) =>
    this.change(reply, actor, topicId, topics, (h) => addHoliday(h, holiday), `added the holiday ${formatHoliday(holiday)}`);

  removeHoliday = (reply: Reply, actor: string, topicId: string | null, topics: Topic[], holiday: Parameters<typeof removeHoliday>[1]) =>
    this.remove(reply, actor, topicId, topics, (h) => removeHoliday(h, holiday), `the holiday ${formatHoliday(holiday)}`);

  addSpecialDay = (reply: Reply, actor: string, topicId: string | null, topics: Topic[], day: Parameters<typeof addSpecialDay>[1]) =>
    this.change(reply, actor, topicId, topics, (h) => addSpecialDay(h, day), `set the special day ${formatSpecialDay(day)}`);

  removeSpecialDay = (reply: Reply, actor: string, topicId: string | null, topics: Topic[], date: string) =>
    this.remove(reply, actor, topicId, topics, (h) => removeSpecialDay(h, date), `the special day ${date}`);

  async view(topicId: string | null, topics: Topic[]): Promise<CardSpec> {
    const [settings, { version }] = await Promise.all([this.options.hours.get(), this.options.hours.version()]);
    const hours = scheduleFor(settings, topicId);
    const now = this.options.clock.now();
    const today = localDate(hours, now);
    const year = Number(today.slice(0, 4));
    return hoursView({
      scopeLabel: scopeLabel(topicId, topics),
      topicId,
      hours,
      ownWeek: topicId !== null && settings.topics[topicId]?.weekly !== undefined,
      now: availability(hours, now),
      today,
      year,
      holidaysThisYear: holidaysInYear(hours, year),
      version,
    });
  }

  async holidays(topicId: string | null, year: number | null, topics: Topic[]): Promise<CardSpec> {
    const hours = scheduleFor(await this.options.hours.get(), topicId);
    const y = year ?? Number(localDate(hours, this.options.clock.now()).slice(0, 4));
    const days = [...holidaysInYear(hours, y)].sort((a, b) => a.date.localeCompare(b.date));
    return reportView(`Holidays ${y} · ${scopeLabel(topicId, topics)}`, '', [
      { title: 'Rules', lines: hours.holidays.length ? hours.holidays.map(formatHoliday).sort() : ['none'] },
      { title: 'Dates', lines: days.length ? days.map((d) => `${d.date}${d.name ? ` ${d.name}` : ''}`) : ['none'] },
    ]);
  }

  async specials(topicId: string | null, topics: Topic[]): Promise<CardSpec> {
    const hours = scheduleFor(await this.options.hours.get(), topicId);
    const today = localDate(hours, this.options.clock.now());
    const days = hours.specialDays.filter((s) => s.date >= today).sort((a, b) => a.date.localeCompare(b.date));
    return reportView(`Special days · ${scopeLabel(topicId, topics)}`, '', [
      { title: 'Coming', lines: days.length ? days.map(formatSpecialDay) : ['none'] },
    ]);
  }

  /** The hours Edit card's submission. */
  async editFromCard(reply: Reply, actor: string, inputs: Record<string, unknown>, topics: Topic[]): Promise<void> {
    const parsed = hoursEdit.safeParse(inputs);
    if (!parsed.success) {
      await reply.show(problemView(['The form was not understood.'], WEEK_EXAMPLE));
      return;
    }
    const form = parsed.data as HoursForm;
    const topicId = form.topic ? form.topic : null;
    if (topicId !== null && !topics.some((t) => t.id === topicId)) {
      await reply.show(problemView([`There is no topic "${topicId}".`], 'hours sales'));
      return;
    }
    if (topicId !== null && (form.inherit === true || form.inherit === 'true')) {
      const inherit = (h: TopicHours): TopicHours => {
        const { weekly: _w, timeZone: _z, ...rest } = h;
        return rest;
      };
      await this.change(reply, actor, topicId, topics, inherit, 'set the default week and time zone', form.version);
      return;
    }
    const week = weekOf(form, topicId);
    if ('errors' in week) {
      await reply.show(problemView(week.errors, WEEK_EXAMPLE));
      return;
    }
    await this.change(reply, actor, topicId, topics, (h) => ({ ...h, ...week }), `saved the week (${formatWeek(week.weekly).join('; ') || 'closed every day'})`, form.version);
  }
}
