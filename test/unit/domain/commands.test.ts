import { describe, expect, it } from 'vitest';
import { COMMANDS, isChange, parseCommand, type Command, type ParsedCommand } from '../../../src/domain/commands.js';

const TOPICS = ['sales', 'support', 'night-desk'];

function command(text: string): Command {
  const parsed = parseCommand(text, TOPICS);
  if (!parsed.ok) throw new Error(`"${text}" did not parse: ${parsed.error}`);
  return parsed.command;
}

function failure(text: string): Extract<ParsedCommand, { ok: false }> {
  const parsed = parseCommand(text, TOPICS);
  if (parsed.ok) throw new Error(`"${text}" parsed as ${JSON.stringify(parsed.command)}`);
  return parsed;
}

describe('parseCommand', () => {
  it('reads the simple commands, with slashes, capitals, filler and punctuation', () => {
    expect(command('help')).toEqual({ kind: 'help' });
    expect(command('/help')).toEqual({ kind: 'help' });
    expect(command('commands?')).toEqual({ kind: 'help' });
    expect(command('Status')).toEqual({ kind: 'status' });
    expect(command('please show the status.')).toEqual({ kind: 'status' });
    expect(command('show me the queue')).toEqual({ kind: 'status' });
    expect(command('topics')).toEqual({ kind: 'topics' });
    expect(command('list all topics')).toEqual({ kind: 'topics' });
    expect(command('topic support')).toEqual({ kind: 'topic', topic: 'support' });
  });

  it('reads hours for the default or a topic', () => {
    expect(command('hours')).toEqual({ kind: 'hours', topic: null });
    expect(command('hours sales')).toEqual({ kind: 'hours', topic: 'sales' });
    expect(command('show the opening hours for Night-Desk')).toEqual({ kind: 'hours', topic: 'night-desk' });
    expect(failure('hours marketing').error).toMatch(/"marketing" is not a topic; topics: sales, support, night-desk/);
  });

  it('reads a new week after `set`', () => {
    expect(command('hours support set mon-fri 09:00-17:00; sat 10:00-14:00')).toEqual({
      kind: 'hours_set',
      topic: 'support',
      weekly: [
        ...['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day, start: '09:00', end: '17:00' })),
        { day: 'sat', start: '10:00', end: '14:00' },
      ],
    });
    const bad = failure('hours set mon-fri 9-25');
    expect(bad.error).toMatch(/9-25/);
    expect(bad.example).toMatch(/^hours set mon-fri/);
  });

  it('reads holiday add and remove, in either word order, for a date, a yearly date or a topic', () => {
    expect(command('holiday add 2026-12-24')).toEqual({ kind: 'holiday_add', topic: null, holiday: { kind: 'date', date: '2026-12-24' } });
    expect(command('add holiday 2026-12-24 for sales')).toEqual({
      kind: 'holiday_add',
      topic: 'sales',
      holiday: { kind: 'date', date: '2026-12-24' },
    });
    expect(command('holiday add 12-24 support')).toEqual({ kind: 'holiday_add', topic: 'support', holiday: { kind: 'yearly', date: '12-24' } });
    expect(command('holiday 2026-1-6')).toEqual({ kind: 'holiday_add', topic: null, holiday: { kind: 'date', date: '2026-01-06' } });
    expect(command('delete holiday 2026-12-24')).toEqual({ kind: 'holiday_remove', topic: null, holiday: { kind: 'date', date: '2026-12-24' } });
    expect(command('holidays remove 2026-12-24 sales')).toEqual({
      kind: 'holiday_remove',
      topic: 'sales',
      holiday: { kind: 'date', date: '2026-12-24' },
    });
  });

  it('explains a bad date with an example, and refuses a word that is not a topic', () => {
    const bad = failure('holiday add 31-31-2026');
    expect(bad.error).toMatch(/"31-31-2026" is not a date/);
    expect(bad.example).toMatch(/^holiday add 2026-12-24/);
    expect(bad.unknown).toBeUndefined();
    expect(failure('holiday add 2026-02-30').error).toMatch(/not a date/);
    expect(failure('holiday add').error).toMatch(/Give the date/);
    // A misspelt topic must not change every topic.
    expect(failure('holiday add 2026-12-24 sales-team').error).toMatch(/"sales-team" is not a topic/);
    expect(failure('holiday party 2026-12-24').error).toMatch(/say add, remove or country/);
  });

  it("reads a country's public holidays, with a region, and their removal", () => {
    expect(command('holiday country PL')).toEqual({ kind: 'holiday_add', topic: null, holiday: { kind: 'country', country: 'PL' } });
    expect(command('holiday country de by support')).toEqual({
      kind: 'holiday_add',
      topic: 'support',
      holiday: { kind: 'country', country: 'DE', region: 'BY' },
    });
    // Country codes that are also English words are not taken for filler.
    expect(command('holiday country IN')).toEqual({ kind: 'holiday_add', topic: null, holiday: { kind: 'country', country: 'IN' } });
    expect(command('holiday remove PL')).toEqual({ kind: 'holiday_remove', topic: null, holiday: { kind: 'country', country: 'PL' } });
    expect(failure('holiday country XX').error).toMatch(/"XX" is not a country/);
    expect(failure('holiday country DE XX').error).toMatch(/"XX" is not a region of DE/);
  });

  it('reads holidays [year] [topic]', () => {
    expect(command('holidays')).toEqual({ kind: 'holidays', topic: null, year: null });
    expect(command('holidays 2027')).toEqual({ kind: 'holidays', topic: null, year: 2027 });
    expect(command('what are the holidays in 2027 for sales?')).toEqual({ kind: 'holidays', topic: 'sales', year: 2027 });
    expect(failure('holidays soon').error).toMatch(/"soon"/);
  });

  it('reads special days', () => {
    expect(command('special add 2026-12-31 09:00-13:00')).toEqual({
      kind: 'special_add',
      topic: null,
      day: { date: '2026-12-31', ranges: [{ start: '09:00', end: '13:00' }] },
    });
    expect(command('add special day 2026-12-31 9-12, 13-15 sales')).toEqual({
      kind: 'special_add',
      topic: 'sales',
      day: { date: '2026-12-31', ranges: [{ start: '09:00', end: '12:00' }, { start: '13:00', end: '15:00' }] },
    });
    expect(command('special add 2026-12-31 closed')).toEqual({ kind: 'special_add', topic: null, day: { date: '2026-12-31', ranges: [] } });
    expect(command('special remove 2026-12-31 support')).toEqual({ kind: 'special_remove', topic: 'support', date: '2026-12-31' });
    expect(command('specials')).toEqual({ kind: 'specials', topic: null });
    expect(command('show special days for sales')).toEqual({ kind: 'specials', topic: 'sales' });
    expect(failure('special add 2026-12-31').error).toMatch(/Give the hours/);
    expect(failure('special add 2026-12-31 9-25').example).toMatch(/^special add 2026-12-31 09:00-13:00/);
    expect(failure('special add 31.12.2026 9-13').error).toMatch(/not a date/);
  });

  it('reads stats periods in a few spellings', () => {
    expect(command('stats')).toEqual({ kind: 'stats', period: '7d' });
    expect(command('stats today')).toEqual({ kind: 'stats', period: 'today' });
    expect(command('statistics for the last 30 days')).toEqual({ kind: 'stats', period: '30d' });
    expect(command('stats month')).toEqual({ kind: 'stats', period: '30d' });
    expect(command('stats 7d')).toEqual({ kind: 'stats', period: '7d' });
    expect(failure('stats yesterday').error).toMatch(/use today, 7d or 30d/);
  });

  it('marks unknown words as not a command, and says which commands change things', () => {
    const unknown = failure('make coffee');
    expect(unknown.unknown).toBe(true);
    expect(unknown.error).toMatch(/"make coffee"/);
    expect(failure('').unknown).toBe(true);
    expect(isChange(command('holiday add 2026-12-24'))).toBe(true);
    expect(isChange(command('special remove 2026-12-31'))).toBe(true);
    expect(isChange(command('holidays'))).toBe(false);
    expect(isChange(command('status'))).toBe(false);
  });

  it('reads offline [count], refusing counts outside 1..50', () => {
    expect(command('offline')).toEqual({ kind: 'offline', limit: 10 });
    expect(command('show offline messages 20')).toEqual({ kind: 'offline', limit: 20 });
    const tooMany = parseCommand('offline 500', TOPICS);
    expect(tooMany).toMatchObject({ ok: false, example: 'offline 20' });
    expect(parseCommand('offline lots', TOPICS).ok).toBe(false);
    expect(isChange(command('offline'))).toBe(false);
  });

  it('every usage line in the help parses (placeholders filled in)', () => {
    for (const { usage } of COMMANDS) {
      const text = usage.replace(/\[([^\]|]+)(\|[^\]]+)?\]/g, (_m, first: string) => (first === 'topic' ? 'sales' : first === 'year' ? '2026' : first === 'count' ? '20' : first === 'region' ? '' : first)).replace('add <id>', 'add returns').replace('<id>', 'sales').replace('<name…>', 'Returns').replace('<chat>', '#d7dc65').replace('<email|topic>', 'sales');
      expect(parseCommand(text, TOPICS).ok, text).toBe(true);
    }
  });
});

describe('commands on one chat', () => {
  const uuid = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
  it('names the chat by #short id, short id or full id', () => {
    expect(command('join #D7DC65')).toEqual({ kind: 'join', chat: { shortId: 'd7dc65' } });
    expect(command('transcript d7dc65')).toEqual({ kind: 'transcript', chat: { shortId: 'd7dc65' } });
    expect(command(`close ${uuid} visitor asked, twice`)).toEqual({ kind: 'close', chat: { id: uuid }, reason: 'visitor asked, twice' });
    expect(command('close chat #d7dc65')).toEqual({ kind: 'close', chat: { shortId: 'd7dc65' }, reason: null });
  });

  it('reassigns to a person or a topic', () => {
    expect(command('reassign #d7dc65 to Ann@Example.com')).toEqual({ kind: 'reassign', chat: { shortId: 'd7dc65' }, to: { kind: 'person', email: 'ann@example.com' } });
    expect(command('transfer d7dc65 support')).toEqual({ kind: 'reassign', chat: { shortId: 'd7dc65' }, to: { kind: 'topic', topicId: 'support' } });
    expect(isChange(command('reassign #d7dc65 to sales'))).toBe(true);
    expect(isChange(command('transcript #d7dc65'))).toBe(false);
  });

  it('says what was wrong', () => {
    expect(failure('join').error).toMatch(/Name the chat/);
    expect(failure('close #xyz').error).toMatch(/not a chat id/);
    expect(failure('reassign #d7dc65 to nowhere').error).toMatch(/neither an e-mail address nor a topic/);
    expect(failure('reassign #d7dc65 to a@b').error).toMatch(/not an e-mail address/);
    expect(failure('join #d7dc65 now').error).toMatch(/did not understand "now"/);
  });
});

describe('topic add, rename and remove', () => {
  it('reads them and says what was wrong', () => {
    expect(command('topic add returns Returns and refunds')).toEqual({ kind: 'topic_add', id: 'returns', name: 'Returns and refunds' });
    expect(command('topic rename sales Sales team')).toEqual({ kind: 'topic_rename', topic: 'sales', name: 'Sales team' });
    expect(command('topic remove night-desk')).toEqual({ kind: 'topic_remove', topic: 'night-desk' });
    expect(command('topic delete sales')).toEqual({ kind: 'topic_remove', topic: 'sales' });
    expect(command('topic sales')).toEqual({ kind: 'topic', topic: 'sales' });
    expect(failure('topic add sales Again').error).toMatch(/already a topic/);
    expect(failure('topic remove sales now').error).toMatch(/did not understand "now"/);
    expect(isChange(command('topic remove sales'))).toBe(true);
  });
});
