// i18next for the widget: every visible string comes from locales/<lng>/widget.json. The five
// languages are bundled (about 1.5 KB gzip each) so switching is instant and needs no request.
import i18next, { type i18n, type TFunction } from 'i18next';
import en from '../../../locales/en/widget.json' with { type: 'json' };
import pl from '../../../locales/pl/widget.json' with { type: 'json' };
import de from '../../../locales/de/widget.json' with { type: 'json' };
import fr from '../../../locales/fr/widget.json' with { type: 'json' };
import es from '../../../locales/es/widget.json' with { type: 'json' };

export const LANGUAGES = ['en', 'pl', 'de', 'fr', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's own name for itself, from Intl (no string to translate). */
export function languageName(lng: string): string {
  try {
    const name = new Intl.DisplayNames([lng], { type: 'language' }).of(lng);
    return name ? name.charAt(0).toLocaleUpperCase(lng) + name.slice(1) : lng;
  } catch {
    return lng;
  }
}

/** The first supported language among the candidates (full tags or base languages). */
export function pickLanguage(candidates: readonly (string | null | undefined)[]): Language {
  for (const c of candidates) {
    if (!c) continue;
    const base = c.toLowerCase().split(/[-_]/)[0] as Language;
    if ((LANGUAGES as readonly string[]).includes(base)) return base;
  }
  return 'en';
}

export async function createI18n(lng: Language): Promise<{ i18n: i18n; t: TFunction }> {
  const instance = i18next.createInstance();
  const t = await instance.init({
    lng,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    ns: ['widget'],
    defaultNS: 'widget',
    resources: {
      en: { widget: en },
      pl: { widget: pl },
      de: { widget: de },
      fr: { widget: fr },
      es: { widget: es },
    },
    // We only ever set textContent, so there is no HTML to escape.
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  return { i18n: instance, t };
}

/** Year, month and day of an instant in a time zone, as a day number (for calendar differences). */
function dayNumber(at: Date, timeZone: string | undefined): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(part('year'), part('month') - 1, part('day')) / 86_400_000;
}

/**
 * When something next happens, as people say it in the visitor's language and time zone:
 * "today at 09:00", "tomorrow at 09:00", "Monday at 09:00", further away with the date.
 * Times on the 24-hour clock, so midnight is 00:00, never "12:00 AM".
 */
export function formatWhen(iso: string, lng: string, t: TFunction, now = new Date(), timeZone?: string): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  const time = new Intl.DateTimeFormat(lng, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(when);
  const days = dayNumber(when, timeZone) - dayNumber(now, timeZone);
  let day: string;
  if (days === 0 || days === 1) day = new Intl.RelativeTimeFormat(lng, { numeric: 'auto' }).format(days, 'day');
  else if (days > 1 && days < 7) day = new Intl.DateTimeFormat(lng, { timeZone, weekday: 'long' }).format(when);
  else day = new Intl.DateTimeFormat(lng, { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(when);
  return t('when.at', { day, time });
}

export function formatTime(iso: string, lng: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(lng, { hour: 'numeric', minute: '2-digit' }).format(d);
}
