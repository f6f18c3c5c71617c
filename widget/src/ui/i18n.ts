// i18next for the widget: every visible string comes from locales/<lng>/widget.json. The five
// languages are bundled (about 1.5 KB gzip each) so switching is instant and needs no request.
import i18next, { type i18n, type TFunction } from 'i18next';
import en from '../../../locales/en/widget.json';
import pl from '../../../locales/pl/widget.json';
import de from '../../../locales/de/widget.json';
import fr from '../../../locales/fr/widget.json';
import es from '../../../locales/es/widget.json';

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

export function formatWhen(iso: string, lng: string, now = new Date()): string {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return iso;
  const days = (when.getTime() - now.getTime()) / 86_400_000;
  const opts: Intl.DateTimeFormatOptions = days < 6
    ? { weekday: 'long', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }
    : { weekday: 'long', day: 'numeric', month: 'long', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' };
  return new Intl.DateTimeFormat(lng, opts).format(when);
}

export function formatTime(iso: string, lng: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(lng, { hour: 'numeric', minute: '2-digit' }).format(d);
}
