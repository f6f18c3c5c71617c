// Opening hours: a default schedule and per-topic overrides, in an IANA time zone.
//
// Rules, in one place:
// - A schedule is open exactly when the wall clock in its zone shows a time inside one of the
//   day's ranges. On the autumn DST change 02:00-03:00 happens twice: a range covering it is
//   open during both passes (and `00:00-02:30` is open until the first 02:30, closed, then open
//   again from the second 02:00 to the second 02:30). On the spring change 02:00-03:00 never
//   happens: a range inside it is never open, and a range across it is open for its real (one
//   hour shorter) length.
// - A range ends the same day, or the next day when its end is not after its start
//   (`22:00-02:00`); `24:00` is the end of the day. A range belongs to the day it starts on:
//   that day's holiday or special day decides it, including the part after midnight.
// - Which ranges a date gets, strongest first:
//     1. a one-off holiday on that date (kind `date`): closed;
//     2. a special day on that date: its own ranges (none = closed);
//     3. a recurring holiday (kind `yearly`, or a country's/region's public holiday): closed;
//     4. the weekly ranges of its weekday.
//   So a special day reopens a recurring holiday (Christmas Eve 09:00-13:00 although the country
//   lists it), while a holiday added for one date closes even a special day: it is the more
//   specific decision.
// - A topic override replaces the zone and/or the week when it gives them, adds its holidays and
//   special days to the default's (its special day wins on the same date), and with
//   `inheritHolidays: false` ignores the default's holidays and special days (a 24/7 line).
import Holidays from 'date-holidays';
import { DateTime, IANAZone } from 'luxon';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `HH:MM` wall-clock times; `end` may be `24:00`, or not after `start` to end the next day. */
export interface TimeRange {
  start: string;
  end: string;
}

export interface WeeklyRange extends TimeRange {
  day: Weekday;
}

export type Holiday =
  /** One date, `YYYY-MM-DD`. */
  | { kind: 'date'; date: string; name?: string }
  /** Every year, `MM-DD` (`02-29` only in leap years). */
  | { kind: 'yearly'; date: string; name?: string }
  /** A country's public holidays (ISO 3166 code), optionally with a region's (`DE` + `BY`). */
  | { kind: 'country'; country: string; region?: string; name?: string };

export interface SpecialDay {
  /** `YYYY-MM-DD`. */
  date: string;
  /** The day's own ranges; empty means closed all day. */
  ranges: TimeRange[];
  name?: string;
}

export interface Hours {
  /** IANA zone, e.g. `Europe/Warsaw`. */
  timeZone: string;
  weekly: WeeklyRange[];
  holidays: Holiday[];
  specialDays: SpecialDay[];
}

/** A topic's differences from the default schedule. */
export interface TopicHours {
  timeZone?: string;
  /** Replaces the default week. */
  weekly?: WeeklyRange[];
  /** Added to the default's holidays. */
  holidays?: Holiday[];
  /** Added to the default's; on the same date the topic's wins. */
  specialDays?: SpecialDay[];
  /** false: the default's holidays and special days do not apply to this topic. Default true. */
  inheritHolidays?: boolean;
}

export interface HoursSettings {
  default: Hours;
  topics: Record<string, TopicHours>;
}

/** An opening: from `start` (inclusive) to `end` (exclusive). */
export interface Opening {
  start: Date;
  end: Date;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Searching further than this for an opening gives up: the schedule is closed for good. */
export const DEFAULT_HORIZON_DAYS = 400;
/** Open longer than this without a break counts as "does not close" (24/7): closesAt gives null. */
export const CLOSES_AT_HORIZON_DAYS = 8;

const MINUTES_PER_DAY = 24 * 60;

/** Open all the time, in UTC: the demo's and a fresh install's default. */
export function alwaysOpen(timeZone = 'UTC'): Hours {
  return {
    timeZone,
    weekly: WEEKDAYS.map((day) => ({ day, start: '00:00', end: '24:00' })),
    holidays: [],
    specialDays: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Parsing and validation (the supervisors' commands and the config file)

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `2026-12-24` → the same string, checked to be a real date. */
export function parseDate(input: string): Parsed<string> {
  const text = input.trim();
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m && isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    return ok(`${m[1]}-${pad2(Number(m[2]))}-${pad2(Number(m[3]))}`);
  }
  return fail(`"${text}" is not a date: use YYYY-MM-DD, e.g. 2026-12-24`);
}

/** `12-24` → the same string, checked (02-29 is allowed: it counts in leap years). */
export function parseYearlyDate(input: string): Parsed<string> {
  const text = input.trim();
  const m = /^(\d{1,2})-(\d{1,2})$/.exec(text);
  if (m && isRealDate(2024, Number(m[1]), Number(m[2]))) {
    return ok(`${pad2(Number(m[1]))}-${pad2(Number(m[2]))}`);
  }
  return fail(`"${text}" is not a yearly date: use MM-DD, e.g. 12-24`);
}

/** `2026-12-24` (that day) or `12-24` (every year) → a holiday. */
export function parseHolidayDate(input: string, name?: string): Parsed<Holiday> {
  const text = input.trim();
  const named = name?.trim() ? { name: name.trim() } : {};
  if (/^\d{1,2}-\d{1,2}$/.test(text)) {
    const yearly = parseYearlyDate(text);
    return yearly.ok ? ok({ kind: 'yearly', date: yearly.value, ...named }) : yearly;
  }
  const date = parseDate(text);
  if (date.ok) return ok({ kind: 'date', date: date.value, ...named });
  return fail(
    `"${text}" is not a date: use YYYY-MM-DD for one day (e.g. 2026-12-24) or MM-DD for every year (e.g. 12-24)`,
  );
}

function parseClock(text: string, allow24: boolean): number | null {
  const m = /^(\d{1,2})(?::(\d{2}))?$/.exec(text);
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2] ?? '0');
  if (min > 59) return null;
  if (h === 24 && min === 0 && allow24) return MINUTES_PER_DAY;
  if (h > 23) return null;
  return h * 60 + min;
}

function formatClock(minutes: number): string {
  return `${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/** `09:00-13:00` (also `9-13`, `9:00 – 13:00`, `22:00-02:00`) → a normalised range. */
export function parseTimeRange(input: string): Parsed<TimeRange> {
  const text = input.trim();
  const bad = fail<TimeRange>(
    `"${text}" is not a time range: use HH:MM-HH:MM, e.g. 09:00-13:00 (22:00-02:00 ends the next day)`,
  );
  const m = /^(\S+?)\s*[-–—]\s*(\S+)$/.exec(text);
  if (!m) return bad;
  const start = parseClock(m[1]!, false);
  const end = parseClock(m[2]!, true);
  if (start === null || end === null) return bad;
  if (start === end) {
    return fail(`"${text}" starts and ends at the same time: use 00:00-24:00 for the whole day`);
  }
  return ok({ start: formatClock(start), end: formatClock(end) });
}

/** `09:00-12:00, 13:00-17:00` (commas or spaces) → ranges; `closed` or empty → none. */
export function parseTimeRanges(input: string): Parsed<TimeRange[]> {
  const text = input.trim();
  if (text === '' || /^(closed|none|-)$/i.test(text)) return ok([]);
  const pieces = text.replace(/\s*[-–—]\s*/g, '-').split(/[\s,;]+/).filter(Boolean);
  const ranges: TimeRange[] = [];
  for (const piece of pieces) {
    const range = parseTimeRange(piece);
    if (!range.ok) return range;
    ranges.push(range.value);
  }
  return ok(ranges);
}

const DAY_NAMES: Record<string, Weekday> = {
  mon: 'mon', monday: 'mon', '1': 'mon',
  tue: 'tue', tues: 'tue', tuesday: 'tue', '2': 'tue',
  wed: 'wed', wednesday: 'wed', '3': 'wed',
  thu: 'thu', thur: 'thu', thurs: 'thu', thursday: 'thu', '4': 'thu',
  fri: 'fri', friday: 'fri', '5': 'fri',
  sat: 'sat', saturday: 'sat', '6': 'sat',
  sun: 'sun', sunday: 'sun', '7': 'sun',
};

/** `mon`, `Monday` or `1` (ISO: Monday is 1) → a weekday. */
export function parseWeekday(input: string): Parsed<Weekday> {
  const day = DAY_NAMES[input.trim().toLowerCase()];
  return day ? ok(day) : fail(`"${input.trim()}" is not a weekday: use mon, tue, wed, thu, fri, sat or sun`);
}

/** `mon-fri`, `sat,sun`, `daily` → weekdays (a span may wrap: `fri-mon`). */
export function parseWeekdays(input: string): Parsed<Weekday[]> {
  const text = input.trim().toLowerCase();
  if (/^(daily|every ?day|all|mon-sun)$/.test(text)) return ok([...WEEKDAYS]);
  if (/^(weekdays|workdays)$/.test(text)) return ok(['mon', 'tue', 'wed', 'thu', 'fri']);
  if (text === 'weekend') return ok(['sat', 'sun']);
  const days: Weekday[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const span = part.split('-');
    if (span.length > 2) return fail(`"${part}" is not a weekday or a span of them, e.g. mon-fri`);
    const first = parseWeekday(span[0]!);
    if (!first.ok) return first;
    if (span.length === 1) {
      days.push(first.value);
      continue;
    }
    const last = parseWeekday(span[1]!);
    if (!last.ok) return last;
    let i = WEEKDAYS.indexOf(first.value);
    for (;;) {
      days.push(WEEKDAYS[i]!);
      if (WEEKDAYS[i] === last.value) break;
      i = (i + 1) % 7;
    }
  }
  if (days.length === 0) return fail('no weekday given: use e.g. mon-fri');
  return ok([...new Set(days)]);
}

/**
 * A week as supervisors type it, one line (or `;`) per group of days:
 * `mon-fri 09:00-17:00`, `sat 10:00-14:00`, `sun closed`. Days not named are closed.
 */
export function parseWeek(input: string): Parsed<WeeklyRange[]> {
  const lines = input.split(/[\n;]+/).map((l) => l.trim()).filter(Boolean);
  if (lines.length === 0) return fail('no hours given: use e.g. "mon-fri 09:00-17:00; sat 10:00-14:00"');
  const byDay = new Map<Weekday, TimeRange[]>();
  for (const line of lines) {
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    const days = parseWeekdays(m[1]!);
    if (!days.ok) return days;
    const ranges = parseTimeRanges(m[2]!);
    if (!ranges.ok) return ranges;
    for (const day of days.value) byDay.set(day, ranges.value);
  }
  const weekly: WeeklyRange[] = [];
  for (const day of WEEKDAYS) for (const r of byDay.get(day) ?? []) weekly.push({ day, ...r });
  return ok(weekly);
}

/** An IANA time zone name such as `Europe/Warsaw`. */
export function parseTimeZone(input: string): Parsed<string> {
  const text = input.trim();
  return IANAZone.isValidZone(text)
    ? ok(text)
    : fail(`"${text}" is not a time zone: use an IANA name, e.g. Europe/Warsaw`);
}

const holidayData = new Holidays();

/** `PL`, `de BY` → a country holiday rule, checked against date-holidays' data. */
export function parseCountryHoliday(country: string, region?: string): Parsed<Holiday> {
  const code = country.trim().toUpperCase();
  const countries = holidayData.getCountries('en');
  if (!/^[A-Z]{2}$/.test(code) || !countries[code]) {
    return fail(`"${country.trim()}" is not a country with known public holidays: use a two-letter code, e.g. PL`);
  }
  if (region && region.trim()) {
    const r = region.trim().toUpperCase();
    const regions = holidayData.getStates(code, 'en') ?? {};
    if (!regions[r]) {
      const known = Object.keys(regions);
      return fail(
        known.length > 0
          ? `"${region.trim()}" is not a region of ${code}: use one of ${known.join(', ')}`
          : `${code} has no regions with their own holidays: use the country alone`,
      );
    }
    return ok({ kind: 'country', country: code, region: r });
  }
  return ok({ kind: 'country', country: code });
}

function checkRange(range: unknown, where: string, errors: string[]): void {
  if (typeof range !== 'object' || range === null) {
    errors.push(`${where}: expected { start, end }`);
    return;
  }
  const r = range as Record<string, unknown>;
  if (typeof r.start !== 'string' || typeof r.end !== 'string') {
    errors.push(`${where}: start and end must be "HH:MM" strings`);
    return;
  }
  const parsed = parseTimeRange(`${r.start}-${r.end}`);
  if (!parsed.ok) errors.push(`${where}: ${parsed.error}`);
  else if (parsed.value.start !== r.start || parsed.value.end !== r.end) {
    errors.push(`${where}: write times as HH:MM, e.g. ${parsed.value.start}-${parsed.value.end}`);
  }
}

function checkHoliday(h: unknown, where: string, errors: string[]): void {
  if (typeof h !== 'object' || h === null) {
    errors.push(`${where}: expected a holiday`);
    return;
  }
  const x = h as Record<string, unknown>;
  if (x.name !== undefined && typeof x.name !== 'string') errors.push(`${where}.name: must be text`);
  if (x.kind === 'date' || x.kind === 'yearly') {
    const parsed =
      typeof x.date !== 'string'
        ? fail('date is missing')
        : x.kind === 'date'
          ? parseDate(x.date)
          : parseYearlyDate(x.date);
    if (!parsed.ok) errors.push(`${where}.date: ${parsed.error}`);
    else if (parsed.value !== x.date) errors.push(`${where}.date: write it as ${parsed.value}`);
  } else if (x.kind === 'country') {
    if (typeof x.country !== 'string') errors.push(`${where}.country: expected a two-letter code`);
    else if (x.region !== undefined && typeof x.region !== 'string') errors.push(`${where}.region: must be text`);
    else {
      const parsed = parseCountryHoliday(x.country, x.region as string | undefined);
      if (!parsed.ok) errors.push(`${where}: ${parsed.error}`);
    }
  } else errors.push(`${where}.kind: must be "date", "yearly" or "country"`);
}

function checkSpecialDay(s: unknown, where: string, errors: string[]): void {
  if (typeof s !== 'object' || s === null) {
    errors.push(`${where}: expected { date, ranges }`);
    return;
  }
  const x = s as Record<string, unknown>;
  const date = typeof x.date === 'string' ? parseDate(x.date) : fail<string>('date is missing');
  if (!date.ok) errors.push(`${where}.date: ${date.error}`);
  else if (date.value !== x.date) errors.push(`${where}.date: write it as ${date.value}`);
  if (!Array.isArray(x.ranges)) errors.push(`${where}.ranges: expected a list (empty: closed)`);
  else x.ranges.forEach((r, i) => checkRange(r, `${where}.ranges[${i}]`, errors));
  if (x.name !== undefined && typeof x.name !== 'string') errors.push(`${where}.name: must be text`);
}

function checkParts(x: Record<string, unknown>, partial: boolean, errors: string[]): void {
  if (x.timeZone !== undefined || !partial) {
    const zone = typeof x.timeZone === 'string' ? parseTimeZone(x.timeZone) : fail<string>('timeZone is missing');
    if (!zone.ok) errors.push(`timeZone: ${zone.error}`);
  }
  const list = (key: string, check: (v: unknown, where: string, errors: string[]) => void) => {
    const v = x[key];
    if (v === undefined && partial) return;
    if (!Array.isArray(v)) errors.push(`${key}: expected a list`);
    else v.forEach((item, i) => check(item, `${key}[${i}]`, errors));
  };
  list('weekly', (w, where, errs) => {
    checkRange(w, where, errs);
    const day = (w as Record<string, unknown> | null)?.day;
    if (typeof day !== 'string' || !WEEKDAYS.includes(day as Weekday)) {
      errs.push(`${where}.day: must be one of ${WEEKDAYS.join(', ')}`);
    }
  });
  list('holidays', checkHoliday);
  list('specialDays', checkSpecialDay);
}

/** Checks plain data (a config file, a stored setting) and names every problem found. */
export function validateHours(input: unknown): { ok: true; value: Hours } | { ok: false; errors: string[] } {
  if (typeof input !== 'object' || input === null) return { ok: false, errors: ['hours: expected an object'] };
  const errors: string[] = [];
  checkParts(input as Record<string, unknown>, false, errors);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: input as Hours };
}

export function validateTopicHours(
  input: unknown,
): { ok: true; value: TopicHours } | { ok: false; errors: string[] } {
  if (typeof input !== 'object' || input === null) return { ok: false, errors: ['hours: expected an object'] };
  const errors: string[] = [];
  const x = input as Record<string, unknown>;
  checkParts(x, true, errors);
  if (x.inheritHolidays !== undefined && typeof x.inheritHolidays !== 'boolean') {
    errors.push('inheritHolidays: must be true or false');
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: x as TopicHours };
}

// ---------------------------------------------------------------------------------------------
// Editing (pure: new values, never mutation)

function sameHoliday(a: Holiday, b: Holiday): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'country' && b.kind === 'country') {
    return a.country.toUpperCase() === b.country.toUpperCase() &&
      (a.region ?? '').toUpperCase() === (b.region ?? '').toUpperCase();
  }
  return (a as { date: string }).date === (b as { date: string }).date;
}

/** Adds the holiday (replacing an equal one, so a new name sticks). */
export function addHoliday<T extends { holidays?: Holiday[] }>(hours: T, holiday: Holiday): T {
  const rest = (hours.holidays ?? []).filter((h) => !sameHoliday(h, holiday));
  return { ...hours, holidays: [...rest, holiday] };
}

/** Removes the equal holiday; `removed` says whether there was one. */
export function removeHoliday<T extends { holidays?: Holiday[] }>(
  hours: T,
  holiday: Holiday,
): { hours: T; removed: boolean } {
  const before = hours.holidays ?? [];
  const after = before.filter((h) => !sameHoliday(h, holiday));
  return { hours: { ...hours, holidays: after }, removed: after.length !== before.length };
}

/** Sets the special day of its date (replacing the one there). */
export function addSpecialDay<T extends { specialDays?: SpecialDay[] }>(hours: T, day: SpecialDay): T {
  const rest = (hours.specialDays ?? []).filter((s) => s.date !== day.date);
  const specialDays = [...rest, day].sort((a, b) => a.date.localeCompare(b.date));
  return { ...hours, specialDays };
}

export function removeSpecialDay<T extends { specialDays?: SpecialDay[] }>(
  hours: T,
  date: string,
): { hours: T; removed: boolean } {
  const before = hours.specialDays ?? [];
  const after = before.filter((s) => s.date !== date);
  return { hours: { ...hours, specialDays: after }, removed: after.length !== before.length };
}

// ---------------------------------------------------------------------------------------------
// The effective schedule of a topic

/** The default with the topic's override applied (see the rules at the top). */
export function scheduleFor(settings: HoursSettings, topicId: string | null | undefined): Hours {
  const base = settings.default;
  const o = topicId ? settings.topics[topicId] : undefined;
  if (!o) return base;
  return mergeHours(base, o);
}

export function mergeHours(base: Hours, o: TopicHours): Hours {
  const inherit = o.inheritHolidays !== false;
  const own = o.specialDays ?? [];
  const ownDates = new Set(own.map((s) => s.date));
  return {
    timeZone: o.timeZone ?? base.timeZone,
    weekly: o.weekly ?? base.weekly,
    holidays: [...(inherit ? base.holidays : []), ...(o.holidays ?? [])],
    specialDays: [...(inherit ? base.specialDays.filter((s) => !ownDates.has(s.date)) : []), ...own],
  };
}

// ---------------------------------------------------------------------------------------------
// Country holidays through date-holidays: data, looked up once per country, region and year.

const countryCache = new Map<string, Map<string, string>>();

/** Public holidays (date → English name) of a country (and region) in a year. */
export function publicHolidays(country: string, region: string | undefined, year: number): Map<string, string> {
  const key = `${country.toUpperCase()}|${(region ?? '').toUpperCase()}|${year}`;
  let days = countryCache.get(key);
  if (!days) {
    days = new Map();
    const calendar = region
      ? new Holidays(country.toUpperCase(), region.toUpperCase())
      : new Holidays(country.toUpperCase());
    for (const h of calendar.getHolidays(year, 'en') || []) {
      // Only full public holidays close; bank/school/observance days and half days do not.
      if (h.type !== 'public') continue;
      const [date, time] = h.date.split(' ');
      if (date && (!time || time === '00:00:00') && !days.has(date)) days.set(date, h.name);
    }
    countryCache.set(key, days);
  }
  return days;
}

export interface DayRule {
  /** What decided the day. */
  source: 'holiday' | 'special' | 'weekly';
  ranges: TimeRange[];
  /** The holiday's or special day's name, if any. */
  name?: string;
}

/** Which rule governs a local date (`YYYY-MM-DD`) and its ranges. */
export function ruleFor(hours: Hours, date: string): DayRule {
  const oneOff = hours.holidays.find((h) => h.kind === 'date' && h.date === date);
  if (oneOff) return { source: 'holiday', ranges: [], ...(oneOff.name ? { name: oneOff.name } : {}) };
  const special = hours.specialDays.find((s) => s.date === date);
  if (special) return { source: 'special', ranges: special.ranges, ...(special.name ? { name: special.name } : {}) };
  const recurring = recurringHolidayOn(hours.holidays, date);
  if (recurring !== null) return { source: 'holiday', ranges: [], ...(recurring ? { name: recurring } : {}) };
  const day = weekdayOf(date);
  return { source: 'weekly', ranges: hours.weekly.filter((w) => w.day === day) };
}

/** The name ('' if unnamed) of a yearly or country holiday on that date, or null. */
function recurringHolidayOn(holidays: Holiday[], date: string): string | null {
  const year = Number(date.slice(0, 4));
  const monthDay = date.slice(5);
  for (const h of holidays) {
    if (h.kind === 'yearly' && h.date === monthDay) return h.name ?? '';
    if (h.kind === 'country') {
      const name = publicHolidays(h.country, h.region, year).get(date);
      if (name !== undefined) return h.name ?? name;
    }
  }
  return null;
}

export interface HolidayOnDate {
  date: string;
  name: string | null;
  kind: Holiday['kind'];
}

/** Every holiday date of a year, sorted: for `holidays [year]`. */
export function holidaysInYear(hours: Pick<Hours, 'holidays'>, year: number): HolidayOnDate[] {
  const out = new Map<string, HolidayOnDate>();
  const add = (date: string, name: string | null, kind: Holiday['kind']) => {
    if (!out.has(date)) out.set(date, { date, name, kind });
  };
  for (const h of hours.holidays) {
    if (h.kind === 'date' && h.date.startsWith(`${year}-`)) add(h.date, h.name ?? null, 'date');
    if (h.kind === 'yearly') {
      const [m, d] = h.date.split('-').map(Number);
      if (isRealDate(year, m!, d!)) add(`${year}-${h.date}`, h.name ?? null, 'yearly');
    }
    if (h.kind === 'country') {
      for (const [date, name] of publicHolidays(h.country, h.region, year)) add(date, h.name ?? name, 'country');
    }
  }
  return [...out.values()].sort((a, b) => a.date.localeCompare(b.date));
}

// ---------------------------------------------------------------------------------------------
// Time arithmetic: wall clock of a zone ↔ instants

function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number);
  const js = new Date(Date.UTC(y!, m! - 1, d!)).getUTCDay(); // 0 = Sunday
  return WEEKDAYS[(js + 6) % 7]!;
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

function minutesOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number);
  return h! * 60 + m!;
}

interface OffsetSegment {
  from: number;
  to: number;
  /** Minutes east of UTC during the segment. */
  offset: number;
}

/**
 * The zone's UTC offsets over [from, to) (a window of about three days), split where they
 * change. Zones change offset at most once in a few days, so equal offsets at both ends mean
 * none in between; otherwise the change is found to the millisecond by bisection.
 */
function offsetSegments(zone: IANAZone, from: number, to: number): OffsetSegment[] {
  const first = zone.offset(from);
  const last = zone.offset(to);
  if (first === last) return [{ from, to, offset: first }];
  let lo = from;
  let hi = to;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (zone.offset(mid) === first) lo = mid;
    else hi = mid;
  }
  return [
    { from, to: hi, offset: first },
    { from: hi, to, offset: last },
  ];
}

const HOUR = 3600_000;
function zoneOf(hours: Hours): IANAZone {
  const zone = IANAZone.create(hours.timeZone);
  if (!zone.isValid) throw new RangeError(`unknown time zone "${hours.timeZone}"`);
  return zone;
}

/** The local date (`YYYY-MM-DD`) of an instant in the schedule's zone. */
export function localDate(hours: Hours, at: Date): string {
  return DateTime.fromJSDate(at, { zone: zoneOf(hours) }).toISODate()!;
}

function openingsOfDay(hours: Hours, zone: IANAZone, date: string): Opening[] {
  const ranges = ruleFor(hours, date).ranges;
  if (ranges.length === 0) return [];
  const [y, m, d] = date.split('-').map(Number);
  // "Wall time as if it were UTC": the local midnight of the date, before any offset.
  const midnight = Date.UTC(y!, m! - 1, d!);
  const walls = ranges.map((r) => {
    const start = minutesOf(r.start);
    let end = minutesOf(r.end);
    if (end <= start) end += MINUTES_PER_DAY;
    return { from: midnight + start * 60_000, to: midnight + end * 60_000 };
  });
  // Offsets lie within ±14 hours, so these instants cover every reading of those wall times.
  const maxWall = Math.max(...walls.map((w) => w.to));
  const segments = offsetSegments(zone, midnight - 15 * HOUR, maxWall + 15 * HOUR);
  // An instant is open when its wall time (instant + offset) falls in a range.
  const pieces: Array<[number, number]> = [];
  for (const w of walls) {
    for (const seg of segments) {
      const from = Math.max(w.from - seg.offset * 60_000, seg.from);
      const to = Math.min(w.to - seg.offset * 60_000, seg.to);
      if (to > from) pieces.push([from, to]);
    }
  }
  pieces.sort((p, q) => p[0] - q[0]);
  const openings: Opening[] = [];
  let current: [number, number] | null = null;
  for (const piece of pieces) {
    if (current && piece[0] <= current[1]) current[1] = Math.max(current[1], piece[1]);
    else {
      if (current) openings.push({ start: new Date(current[0]), end: new Date(current[1]) });
      current = [piece[0], piece[1]];
    }
  }
  if (current) openings.push({ start: new Date(current[0]), end: new Date(current[1]) });
  return openings;
}

// ---------------------------------------------------------------------------------------------
// The questions

/** The openings that start on a local date (the last may run past midnight), in order. */
export function openingsOn(hours: Hours, date: string): Opening[] {
  const parsed = parseDate(date);
  if (!parsed.ok) throw new RangeError(parsed.error);
  return openingsOfDay(hours, zoneOf(hours), parsed.value);
}

/** The opening that contains `at`, if any. */
function openingAt(hours: Hours, zone: IANAZone, at: number): Opening | null {
  const today = DateTime.fromMillis(at, { zone }).toISODate()!;
  // A range can start at most a day before (past midnight) and, for a wall time skipped by DST,
  // the local date bookkeeping is exact, so yesterday and today suffice.
  for (const date of [addDays(today, -1), today]) {
    for (const o of openingsOfDay(hours, zone, date)) {
      if (o.start.getTime() <= at && at < o.end.getTime()) return o;
    }
  }
  return null;
}

export function isOpen(hours: Hours, at: Date): boolean {
  return openingAt(hours, zoneOf(hours), at.getTime()) !== null;
}

/** The first instant at or after `at` when the schedule is open; null if none within the horizon. */
export function nextOpening(hours: Hours, at: Date, horizonDays = DEFAULT_HORIZON_DAYS): Date | null {
  const zone = zoneOf(hours);
  const t = at.getTime();
  if (openingAt(hours, zone, t)) return new Date(t);
  const today = DateTime.fromMillis(t, { zone }).toISODate()!;
  for (let i = 0; i <= horizonDays; i++) {
    const next = openingsOfDay(hours, zone, addDays(today, i)).find((o) => o.start.getTime() > t);
    if (next) return next.start;
  }
  return null;
}

/**
 * When the opening around `at` ends, joining openings that touch or overlap. Null when it does
 * not end within the horizon (a 24/7 week), and when closed at `at`.
 */
export function closesAt(hours: Hours, at: Date, horizonDays = CLOSES_AT_HORIZON_DAYS): Date | null {
  const zone = zoneOf(hours);
  const current = openingAt(hours, zone, at.getTime());
  if (!current) return null;
  let end = current.end.getTime();
  const today = DateTime.fromMillis(at.getTime(), { zone }).toISODate()!;
  let date = addDays(today, -1);
  for (let i = 0; i <= horizonDays + 1; i++, date = addDays(date, 1)) {
    for (const o of openingsOfDay(hours, zone, date)) {
      if (o.start.getTime() <= end && o.end.getTime() > end) end = o.end.getTime();
    }
    // Past the end by more than a day: nothing later can join.
    if (Date.parse(`${date}T00:00:00Z`) - end > 2 * 86_400_000) return new Date(end);
  }
  return null;
}

export interface Availability {
  open: boolean;
  /** When closed: the next opening (null: none within the horizon). When open: null. */
  nextOpening: Date | null;
  /** When open: when it closes (null: not within CLOSES_AT_HORIZON_DAYS, e.g. 24/7). When closed: null. */
  closesAt: Date | null;
}

/** Everything the widget's config needs about one schedule, at once. */
export function availability(hours: Hours, at: Date, horizonDays = DEFAULT_HORIZON_DAYS): Availability {
  if (isOpen(hours, at)) return { open: true, nextOpening: null, closesAt: closesAt(hours, at) };
  return { open: false, nextOpening: nextOpening(hours, at, horizonDays), closesAt: null };
}

/** The week as lines for a card: `Mon 09:00-17:00, 18:00-20:00`, `Sun closed`. */
export function formatWeek(weekly: WeeklyRange[]): string[] {
  return WEEKDAYS.map((day) => {
    const ranges = weekly
      .filter((w) => w.day === day)
      .sort((a, b) => a.start.localeCompare(b.start))
      .map((w) => `${w.start}-${w.end}`);
    const label = day.charAt(0).toUpperCase() + day.slice(1);
    return `${label} ${ranges.length > 0 ? ranges.join(', ') : 'closed'}`;
  });
}

/** A holiday rule in words for a card: `2026-12-24 Christmas Eve`, `every 12-24`, `public holidays: DE-BY`. */
export function formatHoliday(h: Holiday): string {
  const name = h.name ? ` ${h.name}` : '';
  if (h.kind === 'date') return `${h.date}${name}`;
  if (h.kind === 'yearly') return `every ${h.date}${name}`;
  return `public holidays: ${h.country.toUpperCase()}${h.region ? `-${h.region.toUpperCase()}` : ''}${name}`;
}

/** A special day in words: `2026-12-31 09:00-13:00`, `2026-12-24 closed`. */
export function formatSpecialDay(s: SpecialDay): string {
  const ranges = s.ranges.length > 0 ? s.ranges.map((r) => `${r.start}-${r.end}`).join(', ') : 'closed';
  return `${s.date} ${ranges}${s.name ? ` (${s.name})` : ''}`;
}
