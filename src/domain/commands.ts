// The supervisors' commands, typed to the bot in plain words: `holiday add 2026-12-24 sales`,
// `add holiday 12-24`, `/stats 7d`, `show the hours for support`. Parsing is pure: the words in,
// a command or a message saying what was wrong with an example out. The topic ids are given so
// that a trailing word can be told apart as a topic.
import {
  parseCountryHoliday,
  parseDate,
  parseHolidayDate,
  parseTimeRanges,
  parseWeek,
  type Holiday,
  type SpecialDay,
  type WeeklyRange,
} from './hours.js';
import { parseChatCommand } from './chat-commands.js';

export type StatsPeriod = 'today' | '7d' | '30d';

/** A chat as supervisors name it: the short id of space titles and cards, or the full id. */
export type ChatRef = { shortId: string } | { id: string };

export type ReassignTarget = { kind: 'person'; email: string } | { kind: 'topic'; topicId: string };

/** `topic: null` means the default hours (every topic without its own). */
export type Command =
  | { kind: 'help' }
  | { kind: 'status' }
  | { kind: 'hours'; topic: string | null }
  | { kind: 'hours_set'; topic: string | null; weekly: WeeklyRange[] }
  | { kind: 'holiday_add'; topic: string | null; holiday: Holiday }
  | { kind: 'holiday_remove'; topic: string | null; holiday: Holiday }
  | { kind: 'holidays'; topic: string | null; year: number | null }
  | { kind: 'special_add'; topic: string | null; day: SpecialDay }
  | { kind: 'special_remove'; topic: string | null; date: string }
  | { kind: 'specials'; topic: string | null }
  | { kind: 'topics' }
  | { kind: 'topic'; topic: string }
  | { kind: 'stats'; period: StatsPeriod }
  | { kind: 'offline'; limit: number }
  | { kind: 'join'; chat: ChatRef }
  | { kind: 'close'; chat: ChatRef; reason: string | null }
  | { kind: 'reassign'; chat: ChatRef; to: ReassignTarget }
  | { kind: 'transcript'; chat: ChatRef }
  | { kind: 'history'; limit: number }
  | { kind: 'topic_add'; id: string; name: string }
  | { kind: 'topic_rename'; topic: string; name: string }
  | { kind: 'topic_remove'; topic: string };


/** Changes something (the rest only reads). */
export function isChange(command: Command): boolean {
  const changes = ['hours_set', 'holiday_add', 'holiday_remove', 'special_add', 'special_remove', 'join', 'close', 'reassign'];
  return [...changes, 'topic_add', 'topic_rename', 'topic_remove'].includes(command.kind);
}

export type ParsedCommand =
  | { ok: true; command: Command }
  /** `unknown`: not a command at all (answered with the help); otherwise a command with bad input. */
  | { ok: false; error: string; example: string; unknown?: boolean };

export interface CommandHelp {
  usage: string;
  does: string;
}

export const COMMANDS: readonly CommandHelp[] = [
  { usage: 'help', does: 'this list' },
  { usage: 'status', does: 'open chats by state and topic, the longest wait, who holds which chat' },
  { usage: 'hours [topic]', does: 'the week, holidays and special days, with an Edit card' },
  { usage: 'hours [topic] set mon-fri 09:00-17:00; sat 10:00-14:00', does: 'replace the week (days not named are closed)' },
  { usage: 'holiday add 2026-12-24 [topic]', does: 'closed that day (MM-DD, e.g. 12-24: every year)' },
  { usage: 'holiday remove 2026-12-24 [topic]', does: 'remove a holiday (also: holiday remove PL)' },
  { usage: 'holiday country PL [region] [topic]', does: "closed on a country's public holidays" },
  { usage: 'holidays [year] [topic]', does: 'every holiday date of a year' },
  { usage: 'special add 2026-12-31 09:00-13:00 [topic]', does: 'a day with its own hours (`closed` for none)' },
  { usage: 'special remove 2026-12-31 [topic]', does: 'remove a special day' },
  { usage: 'specials [topic]', does: 'the special days' },
  { usage: 'topics', does: 'topics with mode, agents and assistant, each with an Edit card' },
  { usage: 'topic <id>', does: "one topic's Edit card" },
  { usage: 'topic add <id> <name…>', does: 'a new topic (group mode, no agents yet: add them with its Edit card)' },
  { usage: 'topic rename <id> <name…>', does: "the topic's English name" },
  { usage: 'topic remove <id>', does: 'removes a topic (refused while chats are open in it)' },
  { usage: 'stats [today|7d|30d]', does: 'chats, assistant-only, handed off, response and duration medians, abandoned' },
  { usage: 'offline [count]', does: 'the latest messages visitors left while their topic was closed (10 unless told)' },
  { usage: 'history [count]', does: 'the latest changes to the settings, with who made them and when (10 unless told)' },
  { usage: 'join <chat>', does: "adds you to the chat's space (`<chat>`: #d7dc65, d7dc65 or the full id)" },
  { usage: 'close <chat> [reason]', does: 'closes the chat; the visitor is told' },
  { usage: 'reassign <chat> to <email|topic>', does: 'hands the chat to a person or back to a topic’s queue' },
  { usage: 'transcript <chat>', does: 'the whole conversation, also of closed chats until retention' },
];

const ok = (command: Command): ParsedCommand => ({ ok: true, command });
const bad = (error: string, example: string): ParsedCommand => ({ ok: false, error, example });

/** Words before the command that carry nothing ("please show me the hours"). */
const LEADING_FILLER = new Set(['please', 'pls', 'show', 'list', 'me', 'the', 'all', 'what', 'are', 'is', 'give', 'get', 'my', 'our', 'current']);
/** Linking words inside a few commands ("holidays in 2026", "stats for today"). */
const LINKS = new Set(['for', 'of', 'in', 'the', 'last']);

const VERB_ALIASES: Record<string, string> = {
  '?': 'help',
  commands: 'help',
  statistics: 'stats',
  stat: 'stats',
  queue: 'status',
  queues: 'status',
  topics: 'topics',
  holiday: 'holiday',
  holidays: 'holidays',
  special: 'special',
  specials: 'specials',
  opening: 'hours',
  hours: 'hours',
  schedule: 'hours',
  offline: 'offline',
  voicemail: 'offline',
  changes: 'history',
  audit: 'history',
  end: 'close',
  transfer: 'reassign',
};

const ADD = new Set(['add', 'set', 'new', 'create']);
const REMOVE = new Set(['remove', 'delete', 'del', 'rm', 'drop', 'cancel']);

export interface Words {
  /** Lower-cased words, in order. */
  list: string[];
  /** The same words as typed (codes and ranges keep their case). */
  raw: string[];
}

function words(text: string): Words {
  const raw = text
    .trim()
    .replace(/^\/+/, '')
    .replace(/[?!.]+$/, '')
    .split(/\s+/)
    .filter(Boolean);
  return { list: raw.map((w) => w.toLowerCase()), raw };
}

/** Takes a trailing topic id off the words, if the last word is one. */
function takeTopic(w: Words, topicIds: readonly string[]): string | null {
  const last = w.list.at(-1);
  if (last === undefined) return null;
  const id = topicIds.find((t) => t.toLowerCase() === last);
  if (!id) return null;
  w.list.pop();
  w.raw.pop();
  // "for sales", "topic sales"
  while (w.list.length && (w.list.at(-1) === 'for' || w.list.at(-1) === 'topic')) {
    w.list.pop();
    w.raw.pop();
  }
  return id;
}

function leftover(w: Words, topicIds: readonly string[], example: string): ParsedCommand | null {
  if (w.list.length === 0) return null;
  const word = w.raw[w.raw.length - 1]!;
  const topics = topicIds.length ? `; topics: ${topicIds.join(', ')}` : '';
  return bad(`I did not understand "${w.raw.join(' ')}": "${word}" is not a topic${topics}`, example);
}

/**
 * Normalises plain words: drops filler, turns "add holiday" into "holiday add" and
 * "special days" into "special".
 */
function normalise(w: Words): Words {
  const out = w.list.map((word, i) => ({ word, raw: w.raw[i]! }));
  // Only before the command: inside it "in" or "is" may be a country code.
  while (out.length > 1 && LEADING_FILLER.has(out[0]!.word)) out.shift();
  // "special days", "opening hours", "special day"
  const merged: typeof out = [];
  for (const x of out) {
    const prev = merged.at(-1);
    if (prev && prev.word === 'special' && (x.word === 'days' || x.word === 'day')) {
      if (x.word === 'days') prev.word = 'specials';
      continue;
    }
    if (prev && prev.word === 'opening' && x.word === 'hours') {
      prev.word = 'hours';
      continue;
    }
    merged.push(x);
  }
  // "add holiday …" → "holiday add …"
  if (merged.length >= 2 && (ADD.has(merged[0]!.word) || REMOVE.has(merged[0]!.word))) {
    const noun = merged[1]!.word;
    if (['holiday', 'holidays', 'special', 'specials'].includes(noun)) {
      const [verb, n] = [merged[0]!, merged[1]!];
      n.word = noun.startsWith('holiday') ? 'holiday' : 'special';
      merged.splice(0, 2, n, verb);
    }
  }
  return { list: merged.map((x) => x.word), raw: merged.map((x) => x.raw) };
}

const HOLIDAY_EXAMPLE = 'holiday add 2026-12-24 (or 12-24 for every year, or with a topic: holiday add 2026-12-24 sales)';
const SPECIAL_EXAMPLE = 'special add 2026-12-31 09:00-13:00 (several ranges: 09:00-12:00, 13:00-15:00; or `closed`)';
const COUNTRY_EXAMPLE = 'holiday country PL (with a region: holiday country DE BY)';
const WEEK_EXAMPLE = 'hours set mon-fri 09:00-17:00; sat 10:00-14:00; sun closed';

/** Parses a command as a supervisor typed it (the bot's mention already removed). */
export function parseCommand(text: string, topicIds: readonly string[]): ParsedCommand {
  const w = normalise(words(text));
  const first = w.list[0];
  if (first === undefined) return { ok: false, error: 'No command given.', example: 'help', unknown: true };
  const verb = VERB_ALIASES[first] ?? first;
  w.list.shift();
  w.raw.shift();

  switch (verb) {
    case 'help':
      return ok({ kind: 'help' });
    case 'status':
      return ok({ kind: 'status' });
    case 'topics':
      return ok({ kind: 'topics' });
    case 'topic': {
      if (['add', 'rename', 'remove'].includes(w.list[0] ?? '') || (REMOVE.has(w.list[0] ?? '') && w.list.length === 2)) return parseTopicChange(w, topicIds);
      const id = takeTopic(w, topicIds);
      if (!id || w.list.length) {
        const topics = topicIds.length ? ` Topics: ${topicIds.join(', ')}.` : '';
        return bad(`Name a topic.${topics}`, `topic ${topicIds[0] ?? 'sales'}`);
      }
      return ok({ kind: 'topic', topic: id });
    }
    case 'stats':
      return parseStats(w);
    case 'history': {
      const rest = w.list.filter((x) => !LINKS.has(x) && x !== 'changes');
      if (rest.length === 0) return ok({ kind: 'history', limit: 10 });
      const n = rest.length === 1 && /^\d{1,3}$/.test(rest[0]!) ? Number(rest[0]) : NaN;
      return n >= 1 && n <= 100 ? ok({ kind: 'history', limit: n }) : bad('Give how many changes, from 1 to 100.', 'history 20');
    }
    case 'offline': {
      // "offline", "offline 20", "offline messages 20"
      const rest = w.list.filter((x) => x !== 'messages' && x !== 'message' && !LINKS.has(x));
      if (rest.length === 0) return ok({ kind: 'offline', limit: 10 });
      const n = rest.length === 1 && /^\d{1,3}$/.test(rest[0]!) ? Number(rest[0]) : NaN;
      if (!(n >= 1 && n <= 50)) return bad('Give how many, from 1 to 50.', 'offline 20');
      return ok({ kind: 'offline', limit: n });
    }
    case 'hours':
      return parseHours(w, topicIds);
    case 'join':
    case 'close':
    case 'transcript':
    case 'reassign':
      return parseChatCommand(verb, { list: w.list, raw: w.raw }, topicIds);
    case 'holidays': {
      // "holidays add …" reads as "holiday add …"
      if (w.list.length && (ADD.has(w.list[0]!) || REMOVE.has(w.list[0]!) || w.list[0] === 'country')) return parseHoliday(w, topicIds);
      const topic = takeTopic(w, topicIds);
      dropLinks(w);
      let year: number | null = null;
      if (w.list.length && /^\d{4}$/.test(w.list[0]!)) {
        year = Number(w.list.shift());
        w.raw.shift();
      }
      const rest = leftover(w, topicIds, 'holidays 2026');
      if (rest) return rest;
      return ok({ kind: 'holidays', topic, year });
    }
    case 'holiday':
      return parseHoliday(w, topicIds);
    case 'specials': {
      if (w.list.length && (ADD.has(w.list[0]!) || REMOVE.has(w.list[0]!))) return parseSpecial(w, topicIds);
      const topic = takeTopic(w, topicIds);
      const rest = leftover(w, topicIds, 'specials');
      return rest ?? ok({ kind: 'specials', topic });
    }
    case 'special':
      return parseSpecial(w, topicIds);
    default:
      return { ok: false, error: `I do not know the command "${w.raw.length ? `${first} ${w.raw.join(' ')}` : first}".`, example: 'help', unknown: true };
  }
}

function dropLinks(w: Words): void {
  for (let i = w.list.length - 1; i >= 0; i--) {
    if (LINKS.has(w.list[i]!)) {
      w.list.splice(i, 1);
      w.raw.splice(i, 1);
    }
  }
}

function parseStats(w: Words): ParsedCommand {
  dropLinks(w);
  const text = w.list.join(' ');
  if (text === '' || /^(7d|7 ?days?|week|this week)$/.test(text)) return ok({ kind: 'stats', period: '7d' });
  if (text === 'today' || text === '1d' || text === 'day') return ok({ kind: 'stats', period: 'today' });
  if (text === '30d' || /^(30 ?days?|month|this month)$/.test(text)) return ok({ kind: 'stats', period: '30d' });
  return bad(`"${w.raw.join(' ')}" is not a period: use today, 7d or 30d`, 'stats 7d');
}

function parseHours(w: Words, topicIds: readonly string[]): ParsedCommand {
  const setAt = w.list.findIndex((x) => x === 'set' || x === 'edit' || x === 'change');
  if (setAt < 0) {
    const topic = takeTopic(w, topicIds);
    return leftover(w, topicIds, 'hours sales') ?? ok({ kind: 'hours', topic });
  }
  // hours [topic] set <week>
  const before: Words = { list: w.list.slice(0, setAt), raw: w.raw.slice(0, setAt) };
  const topic = takeTopic(before, topicIds);
  const wrong = leftover(before, topicIds, WEEK_EXAMPLE);
  if (wrong) return wrong;
  const spec = w.raw.slice(setAt + 1).join(' ');
  if (!spec) return bad('Give the week after `set`.', WEEK_EXAMPLE);
  const week = parseWeek(spec);
  if (!week.ok) return bad(week.error, WEEK_EXAMPLE);
  return ok({ kind: 'hours_set', topic, weekly: week.value });
}

function parseHoliday(w: Words, topicIds: readonly string[]): ParsedCommand {
  const action = w.list.shift();
  w.raw.shift();
  if (action === undefined) return bad('Say what to do with a holiday: add, remove or country.', HOLIDAY_EXAMPLE);
  if (action === 'country') {
    const topic = takeTopic(w, topicIds);
    if (w.raw.length === 0) return bad('Give a country code.', COUNTRY_EXAMPLE);
    if (w.raw.length > 2) return bad(`"${w.raw.join(' ')}" is more than a country and a region.`, COUNTRY_EXAMPLE);
    const holiday = parseCountryHoliday(w.raw[0]!, w.raw[1]);
    if (!holiday.ok) return bad(holiday.error, COUNTRY_EXAMPLE);
    return ok({ kind: 'holiday_add', topic, holiday: holiday.value });
  }
  const adding = ADD.has(action);
  if (!adding && !REMOVE.has(action)) {
    // "holiday 2026-12-24" reads as adding it
    if (/^\d/.test(action)) {
      w.list.unshift(action);
      w.raw.unshift(action);
      return parseHoliday({ list: ['add', ...w.list], raw: ['add', ...w.raw] }, topicIds);
    }
    return bad(`"${action}": say add, remove or country.`, HOLIDAY_EXAMPLE);
  }
  const example = adding ? HOLIDAY_EXAMPLE : 'holiday remove 2026-12-24 (or: holiday remove PL)';
  const topic = takeTopic(w, topicIds);
  if (w.raw.length === 0) return bad('Give the date.', example);
  // holiday remove PL [region]
  if (!adding && /^[a-z]{2}$/i.test(w.raw[0]!)) {
    if (w.raw.length > 2) return bad(`"${w.raw.join(' ')}" is more than a country and a region.`, example);
    const holiday = parseCountryHoliday(w.raw[0]!, w.raw[1]);
    if (!holiday.ok) return bad(holiday.error, example);
    return ok({ kind: 'holiday_remove', topic, holiday: holiday.value });
  }
  const holiday = parseHolidayDate(w.raw[0]!);
  if (!holiday.ok) return bad(holiday.error, example);
  // A misspelt topic must not silently change every topic's hours.
  const rest = leftover({ list: w.list.slice(1), raw: w.raw.slice(1) }, topicIds, example);
  if (rest) return rest;
  return ok(adding ? { kind: 'holiday_add', topic, holiday: holiday.value } : { kind: 'holiday_remove', topic, holiday: holiday.value });
}

function parseSpecial(w: Words, topicIds: readonly string[]): ParsedCommand {
  const action = w.list.shift();
  w.raw.shift();
  if (action === undefined) return bad('Say add or remove.', SPECIAL_EXAMPLE);
  const adding = ADD.has(action);
  if (!adding && !REMOVE.has(action)) return bad(`"${action}": say add or remove.`, SPECIAL_EXAMPLE);
  const example = adding ? SPECIAL_EXAMPLE : 'special remove 2026-12-31';
  const topic = takeTopic(w, topicIds);
  if (w.raw.length === 0) return bad('Give the date.', example);
  const date = parseDate(w.raw[0]!);
  if (!date.ok) return bad(date.error, example);
  if (!adding) {
    const rest = leftover({ list: w.list.slice(1), raw: w.raw.slice(1) }, topicIds, example);
    return rest ?? ok({ kind: 'special_remove', topic, date: date.value });
  }
  const spec = w.raw.slice(1).join(' ');
  if (!spec) return bad('Give the hours of that day after the date, or `closed`.', example);
  const ranges = parseTimeRanges(spec);
  if (!ranges.ok) return bad(ranges.error, example);
  return ok({ kind: 'special_add', topic, day: { date: date.value, ranges: ranges.value } });
}

const TOPIC_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;

function parseTopicChange(w: Words, topicIds: readonly string[]): ParsedCommand {
  const action = w.list.shift()!;
  w.raw.shift();
  const id = w.raw.shift()?.toLowerCase();
  w.list.shift();
  const name = w.raw.join(' ').trim();
  const known = topicIds.find((t) => t.toLowerCase() === id);
  const topics = topicIds.length ? ` Topics: ${topicIds.join(', ')}.` : '';
  if (action === 'add') {
    const example = 'topic add returns Returns and refunds';
    if (!id || !TOPIC_ID.test(id)) return bad('Give the new topic an id: lower-case letters, digits, - or _, up to 40.', example);
    if (known) return bad(`There is already a topic "${known}".`, example);
    if (!name) return bad('Give the new topic a name after its id.', example);
    return ok({ kind: 'topic_add', id, name: name.slice(0, 100) });
  }
  if (!known) return bad(`Name a topic.${topics}`, action === 'rename' ? 'topic rename sales Sales team' : 'topic remove sales');
  if (action === 'rename') return name ? ok({ kind: 'topic_rename', topic: known, name: name.slice(0, 100) }) : bad('Give the new name.', `topic rename ${known} New name`);
  return name ? bad(`I did not understand "${name}" after the topic.`, `topic remove ${known}`) : ok({ kind: 'topic_remove', topic: known });
}
