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
//
// The pieces: ./hours/model.ts (the data), parse.ts (as people type it), schema.ts (the one zod
// schema), edit.ts (changes, a topic's schedule), holidays.ts (which rule a date gets),
// openings.ts (open? next opening? closes when?), format.ts (in words).
export {
  WEEKDAYS,
  type Holiday,
  type Hours,
  type HoursSettings,
  type SpecialDay,
  type TopicHours,
  type WeeklyRange,
} from './hours/model.js';
export {
  parseCountryHoliday,
  parseDate,
  parseHolidayDate,
  parseTimeRanges,
  parseTimeZone,
  parseWeek,
} from './hours/parse.js';
export {
  hoursSettingsProblems,
  validateHoursSettings,
} from './hours/schema.js';
export { addHoliday, addSpecialDay, removeHoliday, removeSpecialDay, scheduleFor } from './hours/edit.js';
export { holidaysInYear, type HolidayOnDate } from './hours/holidays.js';
export { availability, localDate, type Availability } from './hours/openings.js';
export { formatHoliday, formatSpecialDay, formatWeek } from './hours/format.js';
