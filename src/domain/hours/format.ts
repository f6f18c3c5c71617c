// Schedules in words, for the supervisors' cards.
import { WEEKDAYS, type Holiday, type SpecialDay, type WeeklyRange } from './model.js';

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
