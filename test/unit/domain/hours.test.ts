import { describe, expect, it } from 'vitest';
import {
  type Hours,
  type HoursSettings,
  addHoliday,
  addSpecialDay,
  availability,
  formatHoliday,
  formatSpecialDay,
  formatWeek,
  holidaysInYear,
  localDate,
  parseCountryHoliday,
  parseDate,
  parseHolidayDate,
  parseTimeRanges,
  parseTimeZone,
  parseWeek,
  removeHoliday,
  removeSpecialDay,
  scheduleFor,
  validateHoursSettings,
} from '../../../src/domain/hours.js';
import { publicHolidays, ruleFor } from '../../../src/domain/hours/holidays.js';
import { alwaysOpen } from '../../../src/domain/hours/model.js';
import { closesAt, isOpen, nextOpening, openingsOn } from '../../../src/domain/hours/openings.js';
import { parseTimeRange, parseWeekdays, parseYearlyDate } from '../../../src/domain/hours/parse.js';
import { validateHours, validateTopicHours } from '../../../src/domain/hours/schema.js';

const at = (iso: string) => new Date(iso);
const iso = (d: Date | null) => d?.toISOString() ?? null;
const WARSAW = 'Europe/Warsaw';

/** Mon–Fri 09:00–17:00 in Warsaw (UTC+1 in winter, +2 in summer). */
function office(extra: Partial<Hours> = {}): Hours {
  const weekly = (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({ day, start: '09:00', end: '17:00' }));
  return { timeZone: WARSAW, weekly, holidays: [], specialDays: [], ...extra };
}

describe('a plain office week', () => {
  const h = office();

  it('is open inside the range, closed at and after its end, closed at weekends', () => {
    // Tuesday 2026-11-24, Warsaw is UTC+1.
    expect(isOpen(h, at('2026-11-24T08:00:00Z'))).toBe(true); // 09:00 local
    expect(isOpen(h, at('2026-11-24T07:59:59Z'))).toBe(false);
    expect(isOpen(h, at('2026-11-24T15:59:59Z'))).toBe(true);
    expect(isOpen(h, at('2026-11-24T16:00:00Z'))).toBe(false); // 17:00 local: closed
    expect(isOpen(h, at('2026-11-28T10:00:00Z'))).toBe(false); // Saturday
  });

  it('nextOpening: now when open, else the next start', () => {
    expect(iso(nextOpening(h, at('2026-11-24T10:00:00Z')))).toBe('2026-11-24T10:00:00.000Z');
    expect(iso(nextOpening(h, at('2026-11-24T06:00:00Z')))).toBe('2026-11-24T08:00:00.000Z');
    expect(iso(nextOpening(h, at('2026-11-24T17:00:00Z')))).toBe('2026-11-25T08:00:00.000Z');
  });

  it('nextOpening across a weekend', () => {
    // Friday 2026-11-27 18:00 local → Monday 2026-11-30 09:00 local.
    expect(iso(nextOpening(h, at('2026-11-27T17:00:00Z')))).toBe('2026-11-30T08:00:00.000Z');
  });

  it('nextOpening across a weekend and a holiday on Monday', () => {
    const withHoliday = addHoliday(h, { kind: 'date', date: '2026-11-30' });
    expect(iso(nextOpening(withHoliday, at('2026-11-27T17:00:00Z')))).toBe('2026-12-01T08:00:00.000Z');
  });

  it('openingsOn lists the day in instants; closed days give none', () => {
    expect(openingsOn(h, '2026-11-24')).toEqual([
      { start: at('2026-11-24T08:00:00Z'), end: at('2026-11-24T16:00:00Z') },
    ]);
    expect(openingsOn(h, '2026-11-29')).toEqual([]);
    // Summer time: UTC+2.
    expect(openingsOn(h, '2026-07-01')).toEqual([
      { start: at('2026-07-01T07:00:00Z'), end: at('2026-07-01T15:00:00Z') },
    ]);
    expect(() => openingsOn(h, '2026-13-01')).toThrow(/not a date/);
  });

  it('availability tells the widget what it needs', () => {
    expect(availability(h, at('2026-11-24T10:00:00Z'))).toEqual({
      open: true,
      nextOpening: null,
      closesAt: at('2026-11-24T16:00:00Z'),
    });
    expect(availability(h, at('2026-11-28T10:00:00Z'))).toEqual({
      open: false,
      nextOpening: at('2026-11-30T08:00:00Z'),
      closesAt: null,
    });
  });
});

describe('several ranges a day', () => {
  const h: Hours = {
    timeZone: WARSAW,
    weekly: [
      { day: 'tue', start: '13:00', end: '17:00' },
      { day: 'tue', start: '09:00', end: '12:00' },
    ],
    holidays: [],
    specialDays: [],
  };

  it('is closed over lunch and opens again after it', () => {
    expect(isOpen(h, at('2026-11-24T10:30:00Z'))).toBe(true); // 11:30
    expect(isOpen(h, at('2026-11-24T11:30:00Z'))).toBe(false); // 12:30
    expect(iso(nextOpening(h, at('2026-11-24T11:30:00Z')))).toBe('2026-11-24T12:00:00.000Z');
    expect(openingsOn(h, '2026-11-24').map((o) => o.start.toISOString())).toEqual([
      '2026-11-24T08:00:00.000Z',
      '2026-11-24T12:00:00.000Z',
    ]);
    expect(iso(closesAt(h, at('2026-11-24T08:30:00Z')))).toBe('2026-11-24T11:00:00.000Z');
  });

  it('touching ranges join into one opening', () => {
    const joined: Hours = {
      ...h,
      weekly: [
        { day: 'tue', start: '09:00', end: '12:00' },
        { day: 'tue', start: '12:00', end: '15:00' },
      ],
    };
    expect(openingsOn(joined, '2026-11-24')).toHaveLength(1);
    expect(iso(closesAt(joined, at('2026-11-24T08:30:00Z')))).toBe('2026-11-24T14:00:00.000Z');
  });
});

describe('ranges past midnight', () => {
  // Friday night shift 22:00–02:00, in Warsaw winter (UTC+1).
  const h: Hours = { timeZone: WARSAW, weekly: [{ day: 'fri', start: '22:00', end: '02:00' }], holidays: [], specialDays: [] };

  it('runs into Saturday and closes at 02:00', () => {
    expect(isOpen(h, at('2026-11-27T20:59:00Z'))).toBe(false); // Fri 21:59
    expect(isOpen(h, at('2026-11-27T21:00:00Z'))).toBe(true); // Fri 22:00
    expect(isOpen(h, at('2026-11-28T00:30:00Z'))).toBe(true); // Sat 01:30
    expect(isOpen(h, at('2026-11-28T01:00:00Z'))).toBe(false); // Sat 02:00
    expect(openingsOn(h, '2026-11-27')).toEqual([{ start: at('2026-11-27T21:00:00Z'), end: at('2026-11-28T01:00:00Z') }]);
    expect(openingsOn(h, '2026-11-28')).toEqual([]);
  });

  it('belongs to the day it starts on: a Saturday holiday leaves it, a Friday holiday removes it', () => {
    const saturdayOff = addHoliday(h, { kind: 'date', date: '2026-11-28' });
    expect(isOpen(saturdayOff, at('2026-11-28T00:30:00Z'))).toBe(true);
    const fridayOff = addHoliday(h, { kind: 'date', date: '2026-11-27' });
    expect(isOpen(fridayOff, at('2026-11-28T00:30:00Z'))).toBe(false);
    expect(iso(nextOpening(fridayOff, at('2026-11-27T12:00:00Z')))).toBe('2026-12-04T21:00:00.000Z');
  });

  it('24:00 ends at midnight and joins the next day', () => {
    const late: Hours = {
      ...h,
      weekly: [
        { day: 'fri', start: '20:00', end: '24:00' },
        { day: 'sat', start: '00:00', end: '03:00' },
      ],
    };
    expect(isOpen(late, at('2026-11-27T22:59:00Z'))).toBe(true);
    expect(isOpen(late, at('2026-11-27T23:00:00Z'))).toBe(true); // Sat 00:00
    expect(iso(closesAt(late, at('2026-11-27T20:00:00Z')))).toBe('2026-11-28T02:00:00.000Z');
  });
});

describe('DST in Europe/Warsaw', () => {
  // 2026-03-29 (Sunday): 02:00 CET becomes 03:00 CEST at 01:00Z.
  // 2026-10-25 (Sunday): 03:00 CEST becomes 02:00 CET at 01:00Z; 02:00–03:00 happens twice.
  const sunday = (start: string, end: string): Hours => ({
    timeZone: WARSAW,
    weekly: [{ day: 'sun', start, end }],
    holidays: [],
    specialDays: [],
  });

  it('spring forward: 02:00–03:00 does not exist, so a range inside it never opens', () => {
    const h = sunday('02:00', '03:00');
    expect(openingsOn(h, '2026-03-29')).toEqual([]);
    expect(isOpen(h, at('2026-03-29T01:00:00Z'))).toBe(false); // 03:00 CEST
    expect(isOpen(h, at('2026-03-29T00:59:59Z'))).toBe(false); // 01:59:59 CET
    // The next Sunday has the hour again (CEST, UTC+2).
    expect(iso(nextOpening(h, at('2026-03-29T00:00:00Z')))).toBe('2026-04-05T00:00:00.000Z');
  });

  it('spring forward: a range across the gap is an hour shorter', () => {
    const h = sunday('01:00', '04:00');
    expect(openingsOn(h, '2026-03-29')).toEqual([{ start: at('2026-03-29T00:00:00Z'), end: at('2026-03-29T02:00:00Z') }]);
    expect(isOpen(h, at('2026-03-29T00:59:00Z'))).toBe(true); // 01:59 CET
    expect(isOpen(h, at('2026-03-29T01:00:00Z'))).toBe(true); // 03:00 CEST
    expect(isOpen(h, at('2026-03-29T02:00:00Z'))).toBe(false); // 04:00 CEST
  });

  it('spring forward: a range starting in the gap opens when the clock jumps past its start', () => {
    const h = sunday('02:30', '05:00');
    expect(openingsOn(h, '2026-03-29')).toEqual([{ start: at('2026-03-29T01:00:00Z'), end: at('2026-03-29T03:00:00Z') }]);
    expect(iso(nextOpening(h, at('2026-03-29T00:30:00Z')))).toBe('2026-03-29T01:00:00.000Z');
  });

  it('fall back: 02:00–03:00 happens twice and a range over it is open both times', () => {
    const h = sunday('02:00', '03:00');
    expect(openingsOn(h, '2026-10-25')).toEqual([{ start: at('2026-10-25T00:00:00Z'), end: at('2026-10-25T02:00:00Z') }]);
    expect(isOpen(h, at('2026-10-24T23:59:00Z'))).toBe(false); // 01:59 CEST
    expect(isOpen(h, at('2026-10-25T00:30:00Z'))).toBe(true); // 02:30 CEST
    expect(isOpen(h, at('2026-10-25T01:30:00Z'))).toBe(true); // 02:30 CET
    expect(isOpen(h, at('2026-10-25T02:00:00Z'))).toBe(false); // 03:00 CET
  });

  it('fall back: a range ending inside the repeated hour follows the wall clock both times', () => {
    const h = sunday('00:00', '02:30');
    expect(openingsOn(h, '2026-10-25')).toEqual([
      { start: at('2026-10-24T22:00:00Z'), end: at('2026-10-25T00:30:00Z') },
      { start: at('2026-10-25T01:00:00Z'), end: at('2026-10-25T01:30:00Z') },
    ]);
    expect(isOpen(h, at('2026-10-25T00:45:00Z'))).toBe(false); // 02:45 CEST
    expect(isOpen(h, at('2026-10-25T01:15:00Z'))).toBe(true); // 02:15 CET
    expect(iso(nextOpening(h, at('2026-10-25T00:45:00Z')))).toBe('2026-10-25T01:00:00.000Z');
  });

  it('fall back: a whole day lasts 25 hours, a spring day 23', () => {
    const h = sunday('00:00', '24:00');
    const [autumn] = openingsOn(h, '2026-10-25');
    const [spring] = openingsOn(h, '2026-03-29');
    expect((autumn!.end.getTime() - autumn!.start.getTime()) / 3600_000).toBe(25);
    expect((spring!.end.getTime() - spring!.start.getTime()) / 3600_000).toBe(23);
  });

  it('other zones and hemispheres: New York springs forward, Sydney falls back', () => {
    const day = (timeZone: string, date: string) => {
      const [o] = openingsOn({ ...alwaysOpen(timeZone) }, date);
      return (o!.end.getTime() - o!.start.getTime()) / 3600_000;
    };
    expect(day('America/New_York', '2026-03-08')).toBe(23);
    expect(day('Australia/Sydney', '2026-04-05')).toBe(25);
    expect(day('Australia/Sydney', '2026-10-04')).toBe(23);
    expect(day('Asia/Kolkata', '2026-03-29')).toBe(24);
  });

  it('an office week keeps 09:00 local on both sides of the change', () => {
    const h = office();
    expect(openingsOn(h, '2026-10-23')[0]!.start).toEqual(at('2026-10-23T07:00:00Z')); // Fri, CEST
    expect(openingsOn(h, '2026-10-26')[0]!.start).toEqual(at('2026-10-26T08:00:00Z')); // Mon, CET
    expect(iso(nextOpening(h, at('2026-10-23T16:00:00Z')))).toBe('2026-10-26T08:00:00.000Z');
    expect(localDate(h, at('2026-10-24T22:30:00Z'))).toBe('2026-10-25');
  });
});

describe('holidays', () => {
  it('a one-off date closes that day', () => {
    const h = addHoliday(office(), { kind: 'date', date: '2026-11-24' });
    expect(isOpen(h, at('2026-11-24T10:00:00Z'))).toBe(false);
    expect(isOpen(h, at('2026-11-25T10:00:00Z'))).toBe(true);
  });

  it('a yearly date closes it every year', () => {
    const h = addHoliday(office(), { kind: 'yearly', date: '11-24', name: 'Founders day' });
    expect(isOpen(h, at('2026-11-24T10:00:00Z'))).toBe(false);
    expect(isOpen(h, at('2027-11-24T10:00:00Z'))).toBe(false);
    expect(ruleFor(h, '2027-11-24')).toEqual({ source: 'holiday', ranges: [], name: 'Founders day' });
  });

  it("Poland's public holidays close: Independence Day and Christmas", () => {
    const h = addHoliday(office(), { kind: 'country', country: 'PL' });
    expect(isOpen(h, at('2026-11-11T10:00:00Z'))).toBe(false); // Wednesday, Independence Day
    expect(isOpen(h, at('2026-11-12T10:00:00Z'))).toBe(true);
    expect(isOpen(h, at('2026-12-25T10:00:00Z'))).toBe(false); // Friday
    expect(ruleFor(h, '2026-11-11').source).toBe('holiday');
    expect(ruleFor(h, '2026-11-11').name).toMatch(/Independence/);
    // From Thursday 2026-12-24 evening: 25th holiday, weekend, → Monday 28th.
    expect(iso(nextOpening(h, at('2026-12-24T17:00:00Z')))).toBe('2026-12-28T08:00:00.000Z');
  });

  it('only public holidays count, not observances', () => {
    const pl = publicHolidays('PL', undefined, 2026);
    expect(pl.has('2026-11-11')).toBe(true);
    expect(pl.has('2026-12-25')).toBe(true);
    expect(pl.has('2026-02-14')).toBe(false); // Valentine's day is an observance
    expect(publicHolidays('PL', undefined, 2026)).toBe(pl); // cached per year
  });

  it("a region's holidays add to its country's", () => {
    // Epiphany (01-06) is public in Bavaria but not in Berlin.
    expect(publicHolidays('DE', 'BY', 2026).has('2026-01-06')).toBe(true);
    expect(publicHolidays('DE', 'BE', 2026).has('2026-01-06')).toBe(false);
  });

  it('holidaysInYear lists every source, sorted, once per date', () => {
    let h = addHoliday(office(), { kind: 'country', country: 'PL' });
    h = addHoliday(h, { kind: 'yearly', date: '12-24', name: 'Wigilia' });
    h = addHoliday(h, { kind: 'date', date: '2026-08-14', name: 'Bridge day' });
    h = addHoliday(h, { kind: 'date', date: '2027-01-02' });
    const list = holidaysInYear(h, 2026);
    expect(list.map((x) => x.date)).toEqual([...list.map((x) => x.date)].sort());
    expect(list.find((x) => x.date === '2026-08-14')).toEqual({ date: '2026-08-14', name: 'Bridge day', kind: 'date' });
    expect(list.find((x) => x.date === '2026-11-11')?.kind).toBe('country');
    expect(list.some((x) => x.date === '2027-01-02')).toBe(false);
    expect(new Set(list.map((x) => x.date)).size).toBe(list.length);
    expect(holidaysInYear({ holidays: [{ kind: 'yearly', date: '02-29' }] }, 2027)).toEqual([]);
    expect(holidaysInYear({ holidays: [{ kind: 'yearly', date: '02-29' }] }, 2028)).toHaveLength(1);
  });

  it('add replaces an equal holiday; remove says whether it found one', () => {
    let h = addHoliday(office(), { kind: 'date', date: '2026-12-24' });
    h = addHoliday(h, { kind: 'date', date: '2026-12-24', name: 'Eve' });
    expect(h.holidays).toEqual([{ kind: 'date', date: '2026-12-24', name: 'Eve' }]);
    h = addHoliday(h, { kind: 'country', country: 'pl' });
    h = addHoliday(h, { kind: 'country', country: 'PL' });
    expect(h.holidays).toHaveLength(2);
    const removed = removeHoliday(h, { kind: 'date', date: '2026-12-24' });
    expect(removed.removed).toBe(true);
    expect(removed.hours.holidays).toEqual([{ kind: 'country', country: 'PL' }]);
    expect(removeHoliday(removed.hours, { kind: 'yearly', date: '12-24' }).removed).toBe(false);
  });
});

describe('special days', () => {
  it('replace the week for that date: shorter hours', () => {
    const h = addSpecialDay(office(), { date: '2026-12-31', ranges: [{ start: '09:00', end: '13:00' }] });
    expect(isOpen(h, at('2026-12-31T11:00:00Z'))).toBe(true); // 12:00
    expect(isOpen(h, at('2026-12-31T12:30:00Z'))).toBe(false); // 13:30
    expect(iso(closesAt(h, at('2026-12-31T09:00:00Z')))).toBe('2026-12-31T12:00:00.000Z');
  });

  it('can open a weekend day or close a working day', () => {
    let h = addSpecialDay(office(), { date: '2026-11-28', ranges: [{ start: '10:00', end: '14:00' }] });
    h = addSpecialDay(h, { date: '2026-11-24', ranges: [] });
    expect(isOpen(h, at('2026-11-28T10:00:00Z'))).toBe(true); // Saturday 11:00
    expect(isOpen(h, at('2026-11-24T10:00:00Z'))).toBe(false);
    expect(iso(nextOpening(h, at('2026-11-24T10:00:00Z')))).toBe('2026-11-25T08:00:00.000Z');
  });

  it('precedence: a special day reopens a recurring or country holiday', () => {
    let h = addHoliday(office(), { kind: 'country', country: 'PL' });
    h = addHoliday(h, { kind: 'yearly', date: '12-31' });
    h = addSpecialDay(h, { date: '2026-11-11', ranges: [{ start: '10:00', end: '12:00' }], name: 'Sale' });
    h = addSpecialDay(h, { date: '2026-12-31', ranges: [{ start: '09:00', end: '13:00' }] });
    expect(isOpen(h, at('2026-11-11T09:30:00Z'))).toBe(true);
    expect(ruleFor(h, '2026-11-11')).toMatchObject({ source: 'special', name: 'Sale' });
    expect(isOpen(h, at('2026-12-31T09:30:00Z'))).toBe(true);
  });

  it('precedence: a one-off holiday on the same date closes even a special day', () => {
    let h = addSpecialDay(office(), { date: '2026-12-31', ranges: [{ start: '09:00', end: '13:00' }] });
    h = addHoliday(h, { kind: 'date', date: '2026-12-31' });
    expect(isOpen(h, at('2026-12-31T09:30:00Z'))).toBe(false);
    expect(ruleFor(h, '2026-12-31').source).toBe('holiday');
    // Removing the holiday brings the special day back.
    expect(isOpen(removeHoliday(h, { kind: 'date', date: '2026-12-31' }).hours, at('2026-12-31T09:30:00Z'))).toBe(true);
  });

  it('add replaces the date, keeps them sorted; remove by date', () => {
    let h = addSpecialDay(office(), { date: '2026-12-31', ranges: [] });
    h = addSpecialDay(h, { date: '2026-12-24', ranges: [] });
    h = addSpecialDay(h, { date: '2026-12-31', ranges: [{ start: '09:00', end: '13:00' }] });
    expect(h.specialDays.map((s) => [s.date, s.ranges.length])).toEqual([['2026-12-24', 0], ['2026-12-31', 1]]);
    expect(removeSpecialDay(h, '2026-12-24').hours.specialDays).toHaveLength(1);
    expect(removeSpecialDay(h, '2026-01-01').removed).toBe(false);
  });
});

describe('a topic override', () => {
  const settings: HoursSettings = {
    default: addSpecialDay(addHoliday(office(), { kind: 'country', country: 'PL' }), {
      date: '2026-12-31',
      ranges: [{ start: '09:00', end: '13:00' }],
    }),
    topics: {
      support: {
        weekly: [{ day: 'sat', start: '10:00', end: '14:00' }],
        holidays: [{ kind: 'date', date: '2026-12-05' }],
      },
      emergency: { ...alwaysOpen(WARSAW), inheritHolidays: false },
      london: { timeZone: 'Europe/London', specialDays: [{ date: '2026-12-31', ranges: [] }] },
    },
  };

  it('a topic without an override follows the default', () => {
    expect(scheduleFor(settings, 'sales')).toBe(settings.default);
    expect(scheduleFor(settings, null)).toBe(settings.default);
  });

  it('replaces the week and adds its own holidays to the default ones', () => {
    const h = scheduleFor(settings, 'support');
    expect(isOpen(h, at('2026-11-28T10:00:00Z'))).toBe(true); // Saturday 11:00
    expect(isOpen(h, at('2026-11-24T10:00:00Z'))).toBe(false); // Tuesday: not in its week
    expect(isOpen(h, at('2026-12-05T10:00:00Z'))).toBe(false); // its own holiday
    expect(h.holidays).toContainEqual({ kind: 'country', country: 'PL' });
    expect(iso(nextOpening(h, at('2026-11-29T12:00:00Z')))).toBe('2026-12-12T09:00:00.000Z');
  });

  it('with inheritHolidays false, a 24/7 topic stays open on the default holidays', () => {
    const h = scheduleFor(settings, 'emergency');
    expect(isOpen(h, at('2026-11-11T03:00:00Z'))).toBe(true);
    expect(isOpen(h, at('2026-12-31T20:00:00Z'))).toBe(true);
  });

  it('its special day wins over the default one on the same date; its zone is used', () => {
    const h = scheduleFor(settings, 'london');
    expect(h.specialDays).toEqual([{ date: '2026-12-31', ranges: [] }]);
    expect(isOpen(h, at('2026-12-31T10:00:00Z'))).toBe(false);
    // 09:00 London (UTC in winter) on an ordinary Tuesday.
    expect(openingsOn(h, '2026-11-24')[0]!.start).toEqual(at('2026-11-24T09:00:00Z'));
  });
});

describe('always open and never open', () => {
  it('24/7: open at any instant, across DST, never closes within the horizon', () => {
    const h = alwaysOpen(WARSAW);
    for (const t of ['2026-03-29T01:00:00Z', '2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2026-12-31T23:00:00Z', '2026-11-29T23:59:59Z']) {
      expect(isOpen(h, at(t))).toBe(true);
    }
    expect(closesAt(h, at('2026-11-24T10:00:00Z'))).toBeNull();
    // Open for a long stretch: only within the horizon does it count as closing.
    expect(iso(closesAt(h, at('2026-11-24T10:00:00Z'), 400))).toBeNull();
    expect(availability(h, at('2026-11-24T10:00:00Z'))).toEqual({ open: true, nextOpening: null, closesAt: null });
  });

  it('no ranges at all: nextOpening gives up with null', () => {
    const h: Hours = { timeZone: WARSAW, weekly: [], holidays: [], specialDays: [] };
    expect(isOpen(h, at('2026-11-24T10:00:00Z'))).toBe(false);
    expect(nextOpening(h, at('2026-11-24T10:00:00Z'))).toBeNull();
  });

  it('the horizon bounds the search', () => {
    const h = addSpecialDay(
      { timeZone: 'UTC', weekly: [], holidays: [], specialDays: [] },
      { date: '2027-06-01', ranges: [{ start: '10:00', end: '11:00' }] },
    );
    expect(iso(nextOpening(h, at('2026-11-24T00:00:00Z')))).toBe('2027-06-01T10:00:00.000Z');
    expect(nextOpening(h, at('2026-11-24T00:00:00Z'), 30)).toBeNull();
  });

  it('an unknown zone is an error, not a silent UTC', () => {
    expect(() => isOpen({ ...alwaysOpen(), timeZone: 'Mars/Olympus' }, at('2026-11-24T10:00:00Z'))).toThrow(/time zone/);
  });
});

describe('parsing what supervisors type', () => {
  it('dates', () => {
    expect(parseDate('2026-12-24')).toEqual({ ok: true, value: '2026-12-24' });
    expect(parseDate(' 2026-2-3 ')).toEqual({ ok: true, value: '2026-02-03' });
    expect(parseDate('31-31-2026')).toEqual({ ok: false, error: '"31-31-2026" is not a date: use YYYY-MM-DD, e.g. 2026-12-24' });
    expect(parseDate('2026-02-29').ok).toBe(false);
    expect(parseDate('2028-02-29').ok).toBe(true);
    expect(parseDate('2026-04-31').ok).toBe(false);
  });

  it('yearly dates and holiday dates', () => {
    expect(parseYearlyDate('12-24')).toEqual({ ok: true, value: '12-24' });
    expect(parseYearlyDate('2-29')).toEqual({ ok: true, value: '02-29' });
    expect(parseYearlyDate('13-01')).toEqual({ ok: false, error: '"13-01" is not a yearly date: use MM-DD, e.g. 12-24' });
    expect(parseHolidayDate('2026-12-24')).toEqual({ ok: true, value: { kind: 'date', date: '2026-12-24' } });
    expect(parseHolidayDate('12-24', ' Wigilia ')).toEqual({ ok: true, value: { kind: 'yearly', date: '12-24', name: 'Wigilia' } });
    const bad = parseHolidayDate('31-31-2026');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^"31-31-2026" is not a date: use YYYY-MM-DD .*2026-12-24.* MM-DD/);
  });

  it('time ranges', () => {
    expect(parseTimeRange('09:00-13:00')).toEqual({ ok: true, value: { start: '09:00', end: '13:00' } });
    expect(parseTimeRange('9-17')).toEqual({ ok: true, value: { start: '09:00', end: '17:00' } });
    expect(parseTimeRange('9:30 – 13:00')).toEqual({ ok: true, value: { start: '09:30', end: '13:00' } });
    expect(parseTimeRange('22:00-02:00')).toEqual({ ok: true, value: { start: '22:00', end: '02:00' } });
    expect(parseTimeRange('00:00-24:00')).toEqual({ ok: true, value: { start: '00:00', end: '24:00' } });
    expect(parseTimeRange('25:00-13:00')).toEqual({
      ok: false,
      error: '"25:00-13:00" is not a time range: use HH:MM-HH:MM, e.g. 09:00-13:00 (22:00-02:00 ends the next day)',
    });
    expect(parseTimeRange('24:00-02:00').ok).toBe(false);
    expect(parseTimeRange('09:60-10:00').ok).toBe(false);
    expect(parseTimeRange('nine to five').ok).toBe(false);
    expect(parseTimeRange('09:00-09:00')).toEqual({
      ok: false,
      error: '"09:00-09:00" starts and ends at the same time: use 00:00-24:00 for the whole day',
    });
  });

  it('lists of ranges', () => {
    expect(parseTimeRanges('09:00-12:00, 13:00 - 17:00')).toEqual({
      ok: true,
      value: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '17:00' }],
    });
    expect(parseTimeRanges('closed')).toEqual({ ok: true, value: [] });
    expect(parseTimeRanges('09:00-12:00, lunch').ok).toBe(false);
  });

  it('weekdays and weeks', () => {
    expect(parseWeekdays('mon-fri')).toEqual({ ok: true, value: ['mon', 'tue', 'wed', 'thu', 'fri'] });
    expect(parseWeekdays('fri-mon')).toEqual({ ok: true, value: ['fri', 'sat', 'sun', 'mon'] });
    expect(parseWeekdays('Sat,Sunday')).toEqual({ ok: true, value: ['sat', 'sun'] });
    expect(parseWeekdays('daily')).toMatchObject({ ok: true, value: { length: 7 } });
    expect(parseWeekdays('funday')).toEqual({ ok: false, error: '"funday" is not a weekday: use mon, tue, wed, thu, fri, sat or sun' });
    const week = parseWeek('mon-fri 09:00-17:00\nsat 10:00-14:00; sun closed');
    expect(week.ok && week.value).toHaveLength(6);
    expect(week.ok && formatWeek(week.value)).toEqual([
      'Mon 09:00-17:00', 'Tue 09:00-17:00', 'Wed 09:00-17:00', 'Thu 09:00-17:00', 'Fri 09:00-17:00',
      'Sat 10:00-14:00', 'Sun closed',
    ]);
    expect(parseWeek('mon-fri 9-17x').ok).toBe(false);
    expect(parseWeek('').ok).toBe(false);
  });

  it('time zones and countries', () => {
    expect(parseTimeZone('Europe/Warsaw')).toEqual({ ok: true, value: 'Europe/Warsaw' });
    expect(parseTimeZone('Europe/Gdansk')).toEqual({ ok: false, error: '"Europe/Gdansk" is not a time zone: use an IANA name, e.g. Europe/Warsaw' });
    expect(parseCountryHoliday('pl')).toEqual({ ok: true, value: { kind: 'country', country: 'PL' } });
    expect(parseCountryHoliday('DE', 'by')).toEqual({ ok: true, value: { kind: 'country', country: 'DE', region: 'BY' } });
    expect(parseCountryHoliday('XX').ok).toBe(false);
    const badRegion = parseCountryHoliday('DE', 'ZZ');
    expect(!badRegion.ok && badRegion.error).toMatch(/^"ZZ" is not a region of DE: use one of .*BY/);
  });
});

describe('validateHours (plain data from a file or the database)', () => {
  it('accepts a good schedule', () => {
    const h = addSpecialDay(addHoliday(office(), { kind: 'country', country: 'PL' }), { date: '2026-12-31', ranges: [{ start: '09:00', end: '13:00' }] });
    expect(validateHours(h)).toEqual({ ok: true, value: h });
    expect(validateHours(alwaysOpen()).ok).toBe(true);
  });

  it('names every problem with its place', () => {
    const result = validateHours({
      timeZone: 'Nowhere/Land',
      weekly: [{ day: 'funday', start: '09:00', end: '17:00' }, { day: 'mon', start: '9:00', end: '17:00' }, { day: 'tue', start: '25:00', end: '17:00' }],
      holidays: [{ kind: 'date', date: '31-31-2026' }, { kind: 'country', country: 'XX' }, { kind: 'easter' }],
      specialDays: [{ date: '2026-12-31', ranges: 'closed' }],
    });
    expect(result.ok).toBe(false);
    const errors = !result.ok ? result.errors : [];
    expect(errors).toEqual([
      'timeZone: "Nowhere/Land" is not a time zone: use an IANA name, e.g. Europe/Warsaw',
      'weekly[0].day: must be one of mon, tue, wed, thu, fri, sat, sun',
      'weekly[1]: write times as HH:MM, e.g. 09:00-17:00',
      expect.stringMatching(/^weekly\[2\]: "25:00-17:00" is not a time range/),
      'holidays[0].date: "31-31-2026" is not a date: use YYYY-MM-DD, e.g. 2026-12-24',
      expect.stringMatching(/^holidays\[1\]: "XX" is not a country/),
      'holidays[2].kind: must be "date", "yearly" or "country"',
      'specialDays[0].ranges: expected a list (empty: closed)',
    ]);
    expect(validateHours(null)).toEqual({ ok: false, errors: ['hours: expected an object'] });
    expect(validateHours({})).toMatchObject({ ok: false, errors: expect.arrayContaining(['weekly: expected a list']) });
  });

  it('topic overrides may leave anything out, but what they give is checked', () => {
    expect(validateTopicHours({}).ok).toBe(true);
    expect(validateTopicHours({ weekly: [], inheritHolidays: false }).ok).toBe(true);
    expect(validateTopicHours({ inheritHolidays: 'no' })).toEqual({ ok: false, errors: ['inheritHolidays: must be true or false'] });
    expect(validateTopicHours({ holidays: [{ kind: 'yearly', date: '12-24' }], timeZone: 'Europe/Nowhere' }).ok).toBe(false);
  });
});

describe('formatting for cards', () => {
  it('holidays and special days in words', () => {
    expect(formatHoliday({ kind: 'date', date: '2026-12-24', name: 'Christmas Eve' })).toBe('2026-12-24 Christmas Eve');
    expect(formatHoliday({ kind: 'yearly', date: '12-24' })).toBe('every 12-24');
    expect(formatHoliday({ kind: 'country', country: 'de', region: 'by' })).toBe('public holidays: DE-BY');
    expect(formatSpecialDay({ date: '2026-12-31', ranges: [{ start: '09:00', end: '13:00' }], name: 'New Year' })).toBe('2026-12-31 09:00-13:00 (New Year)');
    expect(formatSpecialDay({ date: '2026-12-24', ranges: [] })).toBe('2026-12-24 closed');
  });
});

describe('validateHoursSettings (the one schema, for the config file and the stored setting)', () => {
  it('names each problem by its schedule and place', () => {
    const good = { default: alwaysOpen(), topics: { night: { timeZone: 'Europe/Warsaw', inheritHolidays: false } } };
    expect(validateHoursSettings(good)).toEqual({ ok: true, value: good });
    const bad = validateHoursSettings({
      default: { ...alwaysOpen(), holidays: [{ kind: 'yearly', date: '2-30' }] },
      topics: { night: { weekly: [{ day: 'mon', start: '22:00', end: '22:00' }] } },
    });
    expect(bad).toEqual({
      ok: false,
      errors: [
        'default: holidays[0].date: "2-30" is not a yearly date: use MM-DD, e.g. 12-24',
        expect.stringMatching(/^topics\.night: weekly\[0\]: "22:00-22:00" starts and ends at the same time/),
      ],
    });
    expect(validateHoursSettings(null)).toEqual({ ok: false, errors: ['hours: expected an object'] });
  });
});
