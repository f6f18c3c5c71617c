// Editing a schedule (pure: new values, never mutation) and a topic's effective schedule.
import type { Holiday, Hours, HoursSettings, SpecialDay, TopicHours } from './model.js';

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
