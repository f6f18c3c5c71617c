// The one zod schema of hours as stored and configured (HoursSettings: a default schedule and
// per-topic overrides). The config file (src/config.ts) and the stored setting are both checked
// with it; each problem is named by its place, e.g. `holidays[1]: "XX" is not a country …`.
import { z } from 'zod';
import { WEEKDAYS, type Hours, type HoursSettings, type Parsed, type TopicHours } from './model.js';
import { parseCountryHoliday, parseDate, parseTimeRange, parseTimeZone, parseYearlyDate } from './parse.js';

/** A date the parser understands, spelled the way it writes it (`2026-12-24`, `12-24`). */
const dateLike = (parse: (input: string) => Parsed<string>) =>
  z.string({ error: 'date is missing' }).superRefine((given, ctx) => {
    const parsed = parse(given);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
    else if (parsed.value !== given) ctx.addIssue({ code: 'custom', message: `write it as ${parsed.value}` });
  });

const text = z.string({ error: 'must be text' });

const timeZone = z.string({ error: 'timeZone is missing' }).superRefine((zone, ctx) => {
  const parsed = parseTimeZone(zone);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
});

const timeRange = z
  .object(
    { start: z.string({ error: 'start and end must be "HH:MM" strings' }), end: z.string({ error: 'start and end must be "HH:MM" strings' }) },
    { error: 'expected { start, end }' },
  )
  .superRefine((r, ctx) => {
    const parsed = parseTimeRange(`${r.start}-${r.end}`);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
    else if (parsed.value.start !== r.start || parsed.value.end !== r.end) {
      ctx.addIssue({ code: 'custom', message: `write times as HH:MM, e.g. ${parsed.value.start}-${parsed.value.end}` });
    }
  });

const weeklyRange = z
  .object({
    day: z.enum(WEEKDAYS as [string, ...string[]], { error: `must be one of ${WEEKDAYS.join(', ')}` }),
    start: z.string({ error: 'start and end must be "HH:MM" strings' }),
    end: z.string({ error: 'start and end must be "HH:MM" strings' }),
  }, { error: 'expected { day, start, end }' })
  .superRefine((r, ctx) => {
    const parsed = timeRange.safeParse({ start: r.start, end: r.end });
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
  });

const holiday = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('date'),
      date: dateLike(parseDate),
      name: text.optional(),
    }),
    z.object({
      kind: z.literal('yearly'),
      date: dateLike(parseYearlyDate),
      name: text.optional(),
    }),
    z
      .object({ kind: z.literal('country'), country: z.string({ error: 'expected a two-letter code' }), region: text.optional(), name: text.optional() })
      .superRefine((h, ctx) => {
        const parsed = parseCountryHoliday(h.country, h.region);
        if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error });
      }),
  ],
  { error: 'must be "date", "yearly" or "country"' },
);

const specialDay = z.object(
  {
    date: dateLike(parseDate),
    ranges: z.array(timeRange, { error: 'expected a list (empty: closed)' }),
    name: text.optional(),
  },
  { error: 'expected { date, ranges }' },
);

const list = <T extends z.ZodType>(item: T) => z.array(item, { error: 'expected a list' });

export const hoursSchema = z.object(
  { timeZone, weekly: list(weeklyRange), holidays: list(holiday), specialDays: list(specialDay) },
  { error: 'hours: expected an object' },
);

export const topicHoursSchema = z.object(
  {
    timeZone: timeZone.optional(),
    weekly: list(weeklyRange).optional(),
    holidays: list(holiday).optional(),
    specialDays: list(specialDay).optional(),
    inheritHolidays: z.boolean({ error: 'must be true or false' }).optional(),
  },
  { error: 'hours: expected an object' },
);

export const hoursSettingsSchema = z.object(
  { default: hoursSchema, topics: z.record(z.string(), topicHoursSchema, { error: 'expected an object' }) },
  { error: 'hours: expected an object' },
);

/** `weekly[0].day: must be one of …`: a zod path in the way people write it. */
function place(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** Each problem as `place: sentence` (just the sentence for the value itself). */
export function hoursProblems(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const at = place(issue.path);
    return at ? `${at}: ${issue.message}` : issue.message;
  });
}

export type Checked<T> = { ok: true; value: T } | { ok: false; errors: string[] };

function checked<T>(result: { success: true; data: unknown } | { success: false; error: z.ZodError }): Checked<T> {
  return result.success ? { ok: true, value: result.data as T } : { ok: false, errors: hoursProblems(result.error) };
}

/**
 * Checks one schedule (plain data from a file or the database) and names every problem found.
 * @internal The product checks whole settings (validateHoursSettings); the schema's tests use it.
 */
export function validateHours(input: unknown): Checked<Hours> {
  return checked(hoursSchema.safeParse(input));
}

/**
 * Checks a topic's override: it may leave anything out, but what it gives is checked.
 * @internal As validateHours.
 */
export function validateTopicHours(input: unknown): Checked<TopicHours> {
  return checked(topicHoursSchema.safeParse(input));
}

export interface SettingsProblem {
  /** `default`, `topics.<id>`, or '' for the value itself. */
  at: string;
  /** `weekly[1]: write times as HH:MM, …` */
  problem: string;
}

/** Every problem of a whole HoursSettings value, by the schedule it is in; none when valid. */
export function hoursSettingsProblems(input: unknown): SettingsProblem[] {
  const result = hoursSettingsSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => {
    const [section, ...rest] = issue.path;
    const at = section === undefined ? '' : section === 'topics' && rest.length > 0 ? `topics.${String(rest.shift())}` : String(section);
    const where = place(rest);
    return { at, problem: where ? `${where}: ${issue.message}` : issue.message };
  });
}

/** Checks a whole HoursSettings value: problems are named `default: …` and `topics.<id>: …`. */
export function validateHoursSettings(input: unknown): Checked<HoursSettings> {
  const problems = hoursSettingsProblems(input);
  if (problems.length === 0) return { ok: true, value: hoursSettingsSchema.parse(input) as HoursSettings };
  return { ok: false, errors: problems.map((p) => (p.at ? `${p.at}: ${p.problem}` : p.problem)) };
}
