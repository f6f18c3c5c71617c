// Next-opening times as people say them: the formatter with fixed instants, zones and languages.
import { describe, expect, it } from 'vitest';
import { createI18n, formatWhen } from '../../../widget/src/ui/i18n.js';

async function when(iso: string, lng: 'en' | 'de' | 'pl' | 'fr' | 'es', now: string, zone: string): Promise<string> {
  const { t } = await createI18n(lng);
  return formatWhen(iso, lng, t, new Date(now), zone);
}

describe('formatWhen', () => {
  // Monday 2026-11-30, 10:00 in Warsaw (09:00 UTC).
  const now = '2026-11-30T09:00:00Z';

  it('says today, tomorrow and the weekday in the visitor’s zone, on the 24-hour clock', async () => {
    expect(await when('2026-11-30T15:00:00Z', 'en', now, 'Europe/Warsaw')).toBe('today at 16:00');
    expect(await when('2026-12-01T08:00:00Z', 'en', now, 'Europe/Warsaw')).toBe('tomorrow at 09:00');
    expect(await when('2026-12-03T08:00:00Z', 'en', now, 'Europe/Warsaw')).toBe('Thursday at 09:00');
    expect(await when('2026-12-07T08:00:00Z', 'en', now, 'Europe/Warsaw')).toBe('Monday, December 7 at 09:00');
  });

  it('never says 12:00 AM: midnight is 00:00', async () => {
    expect(await when('2026-11-30T23:00:00Z', 'en', now, 'Europe/Warsaw')).toBe('tomorrow at 00:00');
  });

  it('counts days in the visitor’s zone, not the server’s', async () => {
    // 23:30 UTC on Monday is already Tuesday in Tokyo (where it is Monday 18:00 now), but still
    // Monday in New York.
    expect(await when('2026-11-30T23:30:00Z', 'en', now, 'Asia/Tokyo')).toBe('tomorrow at 08:30');
    expect(await when('2026-11-30T23:30:00Z', 'en', now, 'America/New_York')).toBe('today at 18:30');
  });

  it('speaks the visitor’s language', async () => {
    expect(await when('2026-12-01T08:00:00Z', 'de', now, 'Europe/Berlin')).toBe('morgen um 09:00');
    expect(await when('2026-11-30T15:00:00Z', 'pl', now, 'Europe/Warsaw')).toBe('dzisiaj o 16:00');
    expect(await when('2026-12-03T08:00:00Z', 'fr', now, 'Europe/Paris')).toBe('jeudi à 09:00');
    expect(await when('2026-12-01T08:00:00Z', 'es', now, 'Europe/Madrid')).toBe('mañana a las 09:00');
  });

  it('leaves a value it cannot read as it is', async () => {
    expect(await when('not a date', 'en', now, 'Europe/Warsaw')).toBe('not a date');
  });
});
