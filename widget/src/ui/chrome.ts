// The panel's frame: the dialog with its header (back, title, language, close), the link
// status line, the body the views fill, and the screen readers' live region.
import type { TFunction } from 'i18next';
import { h, icon, ICON_BACK, ICON_CLOSE, uid } from './dom.js';
import { LANGUAGES, languageName, type Language } from './i18n.js';

export interface ChromeActions {
  back(): void;
  close(): void;
  switchLanguage(lng: string): void;
}

export interface ChromeState {
  t: TFunction;
  title: string | undefined;
  /** The languages the server offers (those the widget has). */
  languages: string[];
  lang: Language;
  showBack: boolean;
}

export class Chrome {
  readonly panel: HTMLElement;
  /** Where the views go. */
  readonly main: HTMLElement;
  readonly live: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly backBtn: HTMLButtonElement;
  private readonly closeBtn: HTMLButtonElement;
  private readonly langSelect: HTMLSelectElement;
  private readonly statusEl: HTMLElement;

  constructor(actions: ChromeActions) {
    const titleId = uid('title');
    this.titleEl = h('h2', { class: 'lc-title', id: titleId });
    this.backBtn = h('button', { type: 'button', class: 'lc-icon-btn', hidden: true, onclick: () => actions.back() }, icon(ICON_BACK));
    this.closeBtn = h('button', { type: 'button', class: 'lc-icon-btn', 'data-lc': 'close', onclick: () => actions.close() }, icon(ICON_CLOSE));
    this.langSelect = h('select', { class: 'lc-lang', onchange: () => actions.switchLanguage(this.langSelect.value) });
    this.statusEl = h('div', { class: 'lc-status', role: 'status', hidden: true });
    this.main = h('div', { class: 'lc-body' });
    this.live = h('div', { class: 'lc-sr', 'aria-live': 'polite', 'aria-atomic': 'false' });
    const onkeydown = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      actions.close();
    };
    this.panel = h(
      'section',
      { class: 'lc-panel', role: 'dialog', 'aria-labelledby': titleId, hidden: true, onkeydown },
      h('header', { class: 'lc-header' }, this.backBtn, this.titleEl, this.langSelect, this.closeBtn),
      this.statusEl,
      this.main,
      this.live,
    );
    this.closeBtn.dataset['label'] = 'panel.close';
  }

  render(state: ChromeState): void {
    const t = state.t;
    this.titleEl.textContent = state.title || t('panel.title');
    this.panel.setAttribute('aria-label', t('panel.region'));
    this.backBtn.setAttribute('aria-label', t('panel.back'));
    this.closeBtn.setAttribute('aria-label', t('panel.close'));
    this.closeBtn.setAttribute('title', t('panel.close'));
    this.langSelect.setAttribute('aria-label', t('panel.language'));
    const offered = state.languages.filter((l) => (LANGUAGES as readonly string[]).includes(l));
    const langs = offered.length ? offered : [...LANGUAGES];
    this.langSelect.replaceChildren(...langs.map((l) => h('option', { value: l, lang: l, selected: l === state.lang, text: languageName(l) })));
    this.panel.setAttribute('lang', state.lang);
    this.backBtn.hidden = !state.showBack;
  }

  /** The link status line; null or '' hides it. */
  status(text: string | null): void {
    this.statusEl.textContent = text ?? '';
    this.statusEl.hidden = !text;
  }

  focusLanguage(): void {
    this.langSelect.focus();
  }
}
