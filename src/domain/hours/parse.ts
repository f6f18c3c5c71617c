// Hours as people type them (the supervisors' commands): dates, time ranges, weekdays, a week,
// a time zone, a country's holidays. Each answers a value or a sentence saying what to type.
import Holidays from 'date-holidays';
import { IANAZone } from 'luxon';
import { isRealDate, MINUTES_PER_DAY, pad2, WEEKDAYS, type Holiday, type Parsed, type TimeRange, type Weekday, type WeeklyRange } from './model.js';

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
export const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

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
