// The questions asked of a schedule (open now? next opening? closes when?), answered by turning
// each local day's ranges into instants of the zone, DST changes included.
import { DateTime, IANAZone } from 'luxon';
import { ruleFor } from './holidays.js';
import { CLOSES_AT_HORIZON_DAYS, DEFAULT_HORIZON_DAYS, MINUTES_PER_DAY, type Hours, type Opening } from './model.js';
import { parseDate } from './parse.js';

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

/** @internal The seam the DST tests use; the product asks `availability`. */
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

