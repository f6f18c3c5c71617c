// The chat UI chunk, loaded by the loader on first open (or at once when a chat is running in
// this tab). It exports one function; nothing runs on import.
import type { MountContext, UiHandle } from '../shared/types.js';
import { App } from './app.js';
import { createI18n, pickLanguage } from './i18n.js';
import { loadChat, savedLanguage } from './session.js';
import { PANEL_CSS } from './styles.js';

export function adoptStyles(shadow: ShadowRoot, css: string): void {
  if ('adoptedStyleSheets' in shadow && typeof CSSStyleSheet !== 'undefined' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = css;
    shadow.append(style);
  }
}

export async function mount(ctx: MountContext): Promise<UiHandle> {
  adoptStyles(ctx.shadow, PANEL_CSS);
  const lng = pickLanguage([
    ctx.options.language,
    savedLanguage(),
    loadChat()?.language,
    ...(navigator.languages ?? []),
    navigator.language,
  ]);
  const { i18n, t } = await createI18n(lng);
  ctx.languageChanged?.(lng);
  return new App(ctx, i18n, t);
}
