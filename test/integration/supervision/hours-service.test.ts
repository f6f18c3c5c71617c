// HoursService on the real database: seeding, audited changes, refusals, the cache and its
// invalidation through the bus, and a bad stored value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { MemoryEventBus } from '../../../src/adapters/bus/memory.js';
import { PostgresStore } from '../../../src/adapters/store/postgres/postgres-store.js';
import { addHoliday, type HoursSettings } from '../../../src/domain/hours.js';
import { alwaysOpen } from '../../../src/domain/hours/model.js';
import { HOURS_CHANGED, HOURS_SETTING, HoursService } from '../../../src/services/hours-service.js';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';

const log = pino({ level: 'silent' });
const SEED: HoursSettings = { default: alwaysOpen('Europe/Warsaw'), topics: { night: { weekly: [] } } };
const AT = new Date('2026-11-24T12:00:00Z');

let db: TestDatabase;
let store: PostgresStore;
let bus: MemoryEventBus;

beforeAll(async () => {
  db = await createTestDatabase();
  store = new PostgresStore(db.pool);
  bus = new MemoryEventBus(log);
});
afterAll(async () => {
  await bus.close();
  await db.drop();
});

describe('HoursService', () => {
  it('seeds an empty database once; a later start with other hours keeps the stored ones', async () => {
    const first = new HoursService({ store, bus, log, seed: SEED });
    await first.start();
    expect(await store.getSetting(HOURS_SETTING)).toEqual(SEED);
    const other = new HoursService({ store, bus, log, seed: { default: alwaysOpen('UTC'), topics: {} } });
    await other.start();
    expect((await other.get()).default.timeZone).toBe('Europe/Warsaw');
    expect((await other.availability('night', AT)).open).toBe(false);
    expect((await other.availability('sales', AT)).open).toBe(true);
    first.stop();
    other.stop();
  });

  it('stores a change with its actor, and every instance sees it after the notice', async () => {
    const a = new HoursService({ store, bus, log, seed: SEED });
    const b = new HoursService({ store, bus, log, seed: SEED });
    await a.start();
    await b.start();
    expect((await b.availability('sales', AT)).open).toBe(true); // b has it cached now
    const seen = new Promise((resolve) => bus.subscribe(HOURS_CHANGED, resolve));
    const result = await a.update('sam@example.com', (s) => ({ ...s, default: addHoliday(s.default, { kind: 'date', date: '2026-11-24' }) }));
    expect(result.ok).toBe(true);
    expect(await seen).toEqual({ by: 'sam@example.com' });
    expect((await b.availability('sales', AT)).open).toBe(false);
    expect((await b.availability('sales', AT)).nextOpening).toEqual(new Date('2026-11-24T23:00:00Z'));
    const audit = (await store.listAudit(5)).find((e) => e.subject === HOURS_SETTING)!;
    expect(audit.actor).toBe('sam@example.com');
    expect(audit.after).toMatchObject({ default: { holidays: [{ kind: 'date', date: '2026-11-24' }] } });
    a.stop();
    b.stop();
  });

  it('refuses an invalid result and stores nothing', async () => {
    const service = new HoursService({ store, bus, log, seed: SEED });
    await service.start();
    const before = await store.getSetting(HOURS_SETTING);
    const result = await service.update('sam@example.com', (s) => ({
      ...s,
      topics: { ...s.topics, sales: { timeZone: 'Mars/Olympus', weekly: [{ day: 'mon', start: '25:00', end: '26:00' }] } },
    }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.join('\n')).toMatch(/topics\.sales/);
    expect(await store.getSetting(HOURS_SETTING)).toEqual(before);
    service.stop();
  });

  it('falls back to the configured hours when the stored value is unreadable', async () => {
    await store.setSetting(HOURS_SETTING, { default: { timeZone: 'Nowhere/Land' }, topics: {} }, 'someone');
    const service = new HoursService({ store, bus, log, seed: SEED });
    await service.start();
    expect(await service.get()).toEqual(SEED);
    service.stop();
  });
});
