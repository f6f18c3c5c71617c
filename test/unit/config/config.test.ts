import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { parseDuration } from '../../../src/config/values.js';

const dir = mkdtempSync(path.join(tmpdir(), 'livechat-config-'));
let n = 0;
function file(content: unknown): string {
  const name = path.join(dir, `config-${n++}.json`);
  writeFileSync(name, typeof content === 'string' ? content : JSON.stringify(content));
  return name;
}

/** The issues of the ConfigError thrown by loadConfig, as `path: message` lines. */
function issues(env: Record<string, string>, argv: string[] = []): string[] {
  try {
    loadConfig(env, argv, dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a ConfigError');
}

const minimalTopic = { id: 'help', names: { en: 'Help' }, mode: 'group', agents: ['Ann@Example.com'] };

describe('loadConfig', () => {
  it('gives the demo configuration with no environment and no file', () => {
    const config = loadConfig({}, [], dir);
    expect(config.source).toBe('demo');
    expect(config.port).toBe(3000);
    expect(config.dataDir).toBe(path.join(dir, 'data'));
    expect(config.databaseUrl).toBeNull();
    expect(config.webex.sandbox).toBe(true);
    expect(config.ai).toEqual({ provider: 'none' });
    expect(config.topics.map((t) => [t.id, t.mode, t.agents])).toEqual([
      ['sales', 'group', ['alice@example.com', 'bob@example.com']],
      ['support', 'personal', ['carol@example.com', 'dave@example.com']],
    ]);
    expect(config.supervisors).toEqual({ spaceTitle: 'Live Chat Supervisors', emails: ['sam@example.com'] });
    expect(config.hours.default.timeZone).toBe('UTC');
    expect(config.hours.default.weekly).toHaveLength(7);
    expect(config.hours.default.weekly[6]).toEqual({ day: 'sun', start: '00:00', end: '24:00' });
    expect(config.timers).toEqual({
      inactivityWarn: 600_000,
      inactivityClose: 900_000,
      lostVisitor: 60_000,
      leaveGrace: 30_000,
      unclaimedAlert: 180_000,
      retention: 183 * 86_400_000,
      sweepEvery: 10_000,
      queueUpdate: 120_000,
      queueGiveUp: 1_200_000,
      spaceCleanup: 7 * 86_400_000,
      transcriptAccess: 86_400_000,
    });
    expect(config.limits).toEqual({
      chatsPerMinute: 20,
      messagesPerMinute: 60,
      messagesPerIpPerMinute: 120,
      refusedPerMinute: 30,
      streamsPerChat: 3,
      streamsPerIp: 30,
    });
    expect(config.agentDisplay).toBe('support');
  });

  it("checks what the hours mean with the hours domain's schema, naming the schedule", () => {
    const bad = file({
      topics: [minimalTopic],
      hours: { holidays: [{ country: 'XX' }], topics: { [minimalTopic.id]: { weekly: { mon: [{ start: '09:00', end: '09:00' }] } } } },
    });
    const found = issues({ CONFIG_FILE: bad });
    expect(found).toContainEqual(expect.stringMatching(/^hours: holidays\[0\]: "XX" is not a country/));
    expect(found).toContainEqual(expect.stringMatching(new RegExp(`^hours\\.topics\\.${minimalTopic.id}: weekly\\[0\\]: "09:00-09:00" starts and ends at the same time`)));
  });

  it('names hours.timezone for an unknown time zone', () => {
    const bad = file({ topics: [minimalTopic], hours: { timezone: 'Mars/Olympus' } });
    expect(issues({ CONFIG_FILE: bad })).toEqual(['hours.timezone: unknown time zone "Mars/Olympus"']);
  });

  it('reads a file given by --config, CONFIG_FILE, or ./livechat.config.json', () => {
    const good = file({
      topics: [minimalTopic],
      hours: {
        timezone: 'Europe/Warsaw',
        weekly: { mon: [{ start: '09:00', end: '17:00' }], fri: [{ start: '22:00', end: '02:00' }] },
        holidays: [{ yearly: '12-25' }, { country: 'PL' }, { date: '2026-11-11', name: 'Independence Day' }],
        special: [{ date: '2026-12-24', ranges: [{ start: '09:00', end: '12:00' }] }],
        topics: { help: { timezone: 'Europe/Berlin', inheritHolidays: false } },
      },
      timers: { inactivityWarn: '2s', inactivityClose: 5000 },
    });
    const byArg = loadConfig({}, ['--config', good], dir);
    expect(byArg.source).toBe(good);
    expect(byArg.topics[0]).toMatchObject({ id: 'help', agents: ['ann@example.com'], assistant: null, addAgentsAt: 'start', position: 0 });
    expect(byArg.hours).toEqual({
      default: {
        timeZone: 'Europe/Warsaw',
        weekly: [
          { day: 'mon', start: '09:00', end: '17:00' },
          { day: 'fri', start: '22:00', end: '02:00' },
        ],
        holidays: [
          { kind: 'yearly', date: '12-25' },
          { kind: 'country', country: 'PL' },
          { kind: 'date', date: '2026-11-11', name: 'Independence Day' },
        ],
        specialDays: [{ date: '2026-12-24', ranges: [{ start: '09:00', end: '12:00' }] }],
      },
      topics: { help: { timeZone: 'Europe/Berlin', inheritHolidays: false } },
    });
    expect(byArg.timers.inactivityWarn).toBe(2000);
    expect(byArg.timers.lostVisitor).toBe(60_000);
    expect(loadConfig({ CONFIG_FILE: good }, [], dir).source).toBe(good);

    const cwd = mkdtempSync(path.join(tmpdir(), 'livechat-cwd-'));
    writeFileSync(path.join(cwd, 'livechat.config.json'), JSON.stringify({ topics: [minimalTopic] }));
    expect(loadConfig({}, [], cwd).topics.map((t) => t.id)).toEqual(['help']);
  });

  it('rejects secrets in the file, naming where they are', () => {
    const bad = file({ topics: [minimalTopic], webex: { botToken: 'abc' } });
    expect(issues({ CONFIG_FILE: bad })).toEqual([
      'webex.botToken: secrets are read only from environment variables, remove it from the file',
    ]);
  });

  it('lists every bad field at once, by path', () => {
    const bad = file({
      topics: [{ ...minimalTopic, mode: 'broadcast', agents: ['not-an-email'] }],
      hours: { weekly: { mon: [{ start: '18:00', end: '9:00' }], someday: [] } },
      colour: 'red',
    });
    const found = issues({ CONFIG_FILE: bad, PORT: 'eighty', DATABASE_URL: 'mysql://db', TIMER_LOST_VISITOR: 'soon' });
    const paths = found.map((line) => line.split(':')[0]);
    expect(paths).toEqual(
      expect.arrayContaining([
        'PORT',
        'DATABASE_URL',
        'TIMER_LOST_VISITOR',
        'topics.0.mode',
        'topics.0.agents.0',
        'hours.weekly.mon.0.end',
        'hours.weekly',
        '(root)',
      ]),
    );
    expect(found).toContain('PORT: an integer from 0 to 65535, not "eighty"');
    expect(found).toContain('(root): unknown field(s) "colour"');
    expect(found).toContain('hours.weekly.mon.0.end: a time "HH:MM" (00:00 to 24:00)');
  });

  it('explains an unreadable or malformed file', () => {
    expect(issues({ CONFIG_FILE: path.join(dir, 'missing.json') })[0]).toMatch(/^CONFIG_FILE: cannot read/);
    expect(issues({ CONFIG_FILE: file('{ "topics": [') })[0]).toMatch(/^CONFIG_FILE: .* is not valid JSON/);
  });

  it('checks cross-field rules', () => {
    const bad = file({ topics: [minimalTopic], hours: { topics: { nope: {} } }, timers: { inactivityWarn: '20m' } });
    expect(issues({ CONFIG_FILE: bad })).toEqual([
      'hours.topics.nope: no topic "nope"',
      'timers.inactivityWarn: must be shorter than timers.inactivityClose',
    ]);
    expect(issues({ WEBEX_BOT_TOKEN: 'x' })).toEqual([
      'WEBEX_WEBHOOK_SECRET: required with WEBEX_BOT_TOKEN (webhooks are verified with it)',
      'PUBLIC_URL: required with WEBEX_BOT_TOKEN (Webex must reach the webhooks)',
    ]);
    expect(issues({ AI_PROVIDER: 'dialogflow' })).toEqual(['DIALOGFLOW_PROJECT_ID: required with AI_PROVIDER=dialogflow']);
    expect(issues({ AI_PROVIDER: 'skynet' })[0]).toMatch(/^AI_PROVIDER: /);
    expect(issues({ EVENT_BUS: 'redis' })).toEqual(['REDIS_URL: required with EVENT_BUS=redis']);
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }, [], dir).eventBus).toBe('redis');
    expect(loadConfig({}, [], dir).eventBus).toBe('postgres');
  });

  it('reads the environment', () => {
    const config = loadConfig(
      {
        PORT: '0',
        PUBLIC_URL: 'https://chat.example.com/',
        ALLOWED_ORIGINS: 'https://www.example.com, https://shop.example.com',
        TRUST_PROXY: '1',
        DATABASE_URL: 'postgres://u@db:5432/chat',
        WEBEX_BOT_TOKEN: 'bot',
        WEBEX_WEBHOOK_SECRET: 'hook',
        TIMER_LOST_VISITOR: '3s',
        AGENT_DISPLAY: 'first-name',
        AI_PROVIDER: 'openai',
        OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      },
      [],
      dir,
    );
    expect(config).toMatchObject({
      port: 0,
      publicUrl: 'https://chat.example.com',
      allowedOrigins: ['https://www.example.com', 'https://shop.example.com'],
      trustProxy: 1,
      databaseUrl: 'postgres://u@db:5432/chat',
      agentDisplay: 'first-name',
      webex: { sandbox: false, botToken: 'bot', webhookSecret: 'hook', apiUrl: 'https://webexapis.com/v1' },
      ai: { provider: 'openai', apiKey: null, baseUrl: 'http://127.0.0.1:11434/v1', model: 'gpt-4o-mini' },
    });
    expect(config.timers.lostVisitor).toBe(3000);
  });
});

describe('config.example.json', () => {
  it('is a valid configuration', () => {
    const example = path.resolve(import.meta.dirname, '../../../config.example.json');
    const config = loadConfig({}, ['--config', example], dir);
    expect(config.topics.map((t) => t.id)).toEqual(['sales', 'support']);
    expect(config.hours.default.timeZone).toBe('Europe/Warsaw');
    expect(config.hours.topics.support?.inheritHolidays).toBe(false);
  });
});

describe('parseDuration', () => {
  it('reads numbers and units', () => {
    expect(parseDuration(1500)).toBe(1500);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('183d')).toBe(183 * 86_400_000);
    expect(parseDuration('soon')).toBeNull();
    expect(parseDuration(-1)).toBeNull();
  });
});
