// Which rule governs a date (holiday, special day or the week), and country holidays through
// date-holidays' data, looked up once per country, region and year.
import Holidays from 'date-holidays';
import { isRealDate, WEEKDAYS, type Holiday, type Hours, type TimeRange, type Weekday } from './model.js';

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

function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number);
  const js = new Date(Date.UTC(y!, m! - 1, d!)).getUTCDay(); // 0 = Sunday
  return WEEKDAYS[(js + 6) % 7]!;
}
