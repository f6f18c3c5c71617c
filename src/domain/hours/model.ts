// The hours domain's data: a week of ranges, holidays and special days in a time zone, and a
// topic's differences from the default (the rules are at the top of ../hours.ts).
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

export const MINUTES_PER_DAY = 24 * 60;

/** Open all the time, in UTC: the demo's and a fresh install's default. */
/** @internal Tests' fixture: a week open around the clock. */
export function alwaysOpen(timeZone = 'UTC'): Hours {
  return {
    timeZone,
    weekly: WEEKDAYS.map((day) => ({ day, start: '00:00', end: '24:00' })),
    holidays: [],
    specialDays: [],
  };
}

export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Whether year-month-day exists (02-29 only in leap years). */
export function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
