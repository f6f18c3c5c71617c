// The config file's `hours` section, in the file's own spelling (`timezone`, a week by day name,
// `special` days, `{ date }` / `{ yearly }` / `{ country }` holidays), turned into the hours
// domain's shape. What the values mean is checked by the domain's schema (see ../config.ts).
import { z } from 'zod';
import { WEEKDAYS, type Holiday, type HoursSettings, type SpecialDay, type TopicHours, type WeeklyRange } from '../domain/hours.js';
import { timeZone } from './values.js';

const clock = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time "HH:MM" (00:00 to 24:00)');
/** `end` not after `start` runs past midnight (e.g. 22:00 to 06:00). */
const range = z.strictObject({ start: clock, end: clock });
const ranges = z.array(range);
const isoDate = z.iso.date();
const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a yearly date "MM-DD"');

const weekly = z.partialRecord(z.enum(WEEKDAYS), ranges);
const holidays = z.array(
  z.union([
    z.strictObject({ date: isoDate, name: z.string().optional() }),
    z.strictObject({ yearly: monthDay, name: z.string().optional() }),
    z.strictObject({
      country: z.string().regex(/^[A-Z]{2}$/, 'an ISO country code such as "PL"'),
      region: z.string().optional(),
      name: z.string().optional(),
    }),
  ]),
);
const special = z.array(z.strictObject({ date: isoDate, ranges, name: z.string().optional() }));

const topicHours = z.strictObject({
  timezone: timeZone.optional(),
  /** Replaces the default week. */
  weekly: weekly.optional(),
  /** Added to the default holidays. */
  holidays: holidays.optional(),
  /** Added to the default special days (the topic's wins on the same date). */
  special: special.optional(),
  /** false: the default holidays and special days do not apply to this topic. */
  inheritHolidays: z.boolean().optional(),
});

const ALWAYS = [{ start: '00:00', end: '24:00' }];
export const hoursSection = z.strictObject({
  timezone: timeZone.default('UTC'),
  /** Open ranges per weekday; a missing day is closed. Default: open at all hours. */
  weekly: weekly.default(Object.fromEntries(WEEKDAYS.map((day) => [day, ALWAYS]))),
  holidays: holidays.default([]),
  /** Days with their own ranges (an empty list: closed all day). */
  special: special.default([]),
  /** Per-topic differences from the default hours. */
  topics: z.record(z.string(), topicHours).default({}),
});

type FileHolidays = z.output<typeof holidays>;
type FileWeekly = z.output<typeof weekly>;

function toHolidays(list: FileHolidays): Holiday[] {
  return list.map((h): Holiday => {
    const name = h.name ? { name: h.name } : {};
    if ('date' in h) return { kind: 'date', date: h.date, ...name };
    if ('yearly' in h) return { kind: 'yearly', date: h.yearly, ...name };
    return { kind: 'country', country: h.country, ...(h.region ? { region: h.region } : {}), ...name };
  });
}

function toWeekly(week: FileWeekly): WeeklyRange[] {
  return WEEKDAYS.flatMap((day) => (week[day] ?? []).map((r) => ({ day, start: r.start, end: r.end })));
}

function toSpecial(list: z.output<typeof special>): SpecialDay[] {
  return list.map((d) => ({ date: d.date, ranges: d.ranges, ...(d.name ? { name: d.name } : {}) }));
}

/** The file's hours in the shape of the hours domain (src/domain/hours.ts). */
export function toHoursSettings(h: z.output<typeof hoursSection>): HoursSettings {
  const topics: Record<string, TopicHours> = {};
  for (const [id, t] of Object.entries(h.topics)) {
    topics[id] = {
      ...(t.timezone ? { timeZone: t.timezone } : {}),
      ...(t.weekly ? { weekly: toWeekly(t.weekly) } : {}),
      ...(t.holidays ? { holidays: toHolidays(t.holidays) } : {}),
      ...(t.special ? { specialDays: toSpecial(t.special) } : {}),
      ...(t.inheritHolidays !== undefined ? { inheritHolidays: t.inheritHolidays } : {}),
    };
  }
  const defaults = {
    timeZone: h.timezone,
    weekly: toWeekly(h.weekly),
    holidays: toHolidays(h.holidays),
    specialDays: toSpecial(h.special),
  };
  return { default: defaults, topics };
}
