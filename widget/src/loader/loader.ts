// /widget.js: the only thing a site loads up front. It draws the launcher bubble inside a
// Shadow DOM host, exposes window.LiveChat, and imports the chat UI (a hashed ES chunk from
// the script's own origin) on first open, or at once when this tab already has a chat.
import type { EmbedOptions, MountFn, UiHandle, VisitorUser, WidgetEvent } from '../shared/types.js';
import { applyPalette, isColor } from '../shared/color.js';
import { launcher as en } from '../../../locales/en/widget.json';
import { launcher as pl } from '../../../locales/pl/widget.json';
import { launcher as de } from '../../../locales/de/widget.json';
import { launcher as fr } from '../../../locales/fr/widget.json';
import { launcher as es } from '../../../locales/es/widget.json';
import { LAUNCHER_CSS } from './styles.js';

/** The UI chunk's file name, relative to this script (set at build time). */
declare const __LIVECHAT_UI__: string;

type Listener = (payload?: unknown) => void;
type Strings = typeof en;

interface LiveChatApi {
  open(): void;
  close(): void;
  setUser(user: VisitorUser): void;
  on(event: WidgetEvent, fn: Listener): () => void;
  readonly version: 1;
}

const STRINGS: Record<string, Strings> = { en, pl, de, fr, es };
const OPEN_KEY = 'livechat.open';
const CHAT_KEY = 'livechat.chat';
const ICON_CHAT = 'M4 5h16v11H9l-5 4z';
const ICON_CLOSE = 'M6 6l12 12M18 6L6 18';

function session(): Storage | null {
  try {
    return sessionStorage;
  } catch {
    return null;
  }
}

function findScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.src) return current;
  const all = document.querySelectorAll<HTMLScriptElement>('script[src*="widget.js"]');
  return all[all.length - 1] ?? null;
}

function boot(script: HTMLScriptElement): void {
  const src = script.src;
  const data = script.dataset;
  const options: EmbedOptions = {
    topic: data['topic'] || undefined,
    language: data['language'] || undefined,
    position: data['position'] === 'left' ? 'left' : 'right',
    color: isColor(data['color']) ? data['color'] : undefined,
    title: data['title'] || undefined,
  };
  const langs = [session()?.getItem('livechat.lang'), options.language, ...(navigator.languages ?? []), navigator.language];
  const lang = langs.map((l) => (l ?? '').toLowerCase().split('-')[0]!).find((l) => l in STRINGS) ?? 'en';
  // The bubble's words; the panel tells us its language (it may differ, and the visitor may switch).
  let text = STRINGS[lang]!;

  const host = document.createElement('live-chat-widget');
  const shadow = host.attachShadow({ mode: 'open' });
  applyPalette(host, options.color);
  if ('adoptedStyleSheets' in shadow && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(LAUNCHER_CSS);
    shadow.adoptedStyleSheets = [sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = LAUNCHER_CSS;
    shadow.append(style);
  }
  const wrap = document.createElement('div');
  wrap.className = options.position === 'left' ? 'lc-left' : 'lc-right';
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'lc-launcher';
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('aria-haspopup', 'dialog');
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  svg.append(path);
  const badge = document.createElement('span');
  badge.className = 'lc-badge';
  badge.hidden = true;
  button.append(svg, badge);
  const container = document.createElement('div');
  wrap.append(container, button);
  shadow.append(wrap);

  const listeners = new Map<string, Set<Listener>>();
  const emit = (event: WidgetEvent, payload?: unknown) => {
    if (event === 'message' && !isOpen) badge.hidden = false;
    listeners.get(event)?.forEach((fn) => {
      try {
        fn(payload);
      } catch {
        /* a site's listener must not break the widget */
      }
    });
  };
  let user: VisitorUser = {};
  let ui: Promise<UiHandle> | null = null;
  let isOpen = false;

  const label = () => {
    const l = isOpen ? text.close : text.open;
    button.setAttribute('aria-label', l);
    button.title = l;
    path.setAttribute('d', isOpen ? ICON_CLOSE : ICON_CHAT);
    wrap.classList.toggle('lc-open', isOpen);
  };
  label();

  const loadUi = (): Promise<UiHandle> => {
    if (!ui) {
      button.setAttribute('aria-busy', 'true');
      button.title = text.loading;
      const url = new URL(__LIVECHAT_UI__, src).href;
      ui = import(/* @vite-ignore */ url)
        .then((m: { mount: MountFn }) =>
          m.mount({
            shadow, container, apiBase: new URL(src).origin + '/', options, user, emit,
            requestClose: () => close(true),
            languageChanged: (lng) => {
              text = STRINGS[lng] ?? text;
              if (!button.hasAttribute('aria-busy')) label();
            },
          }))
        .finally(() => {
          button.removeAttribute('aria-busy');
          label();
        });
      ui.catch(() => {
        ui = null;
        button.title = text.loadFailed;
        button.setAttribute('aria-label', text.loadFailed);
      });
    }
    return ui;
  };

  const open = () => {
    if (isOpen) return;
    isOpen = true;
    badge.hidden = true;
    session()?.setItem(OPEN_KEY, '1');
    button.setAttribute('aria-expanded', 'true');
    label();
    loadUi().then((handle) => {
      if (!isOpen) return;
      handle.open();
      emit('open');
    }, () => {
      isOpen = false;
      button.setAttribute('aria-expanded', 'false');
      label();
      button.title = text.loadFailed;
    });
  };

  function close(refocus: boolean): void {
    if (!isOpen) return;
    isOpen = false;
    session()?.removeItem(OPEN_KEY);
    button.setAttribute('aria-expanded', 'false');
    label();
    void ui?.then((handle) => handle.close());
    if (refocus) button.focus();
    emit('close');
  }

  button.addEventListener('click', () => (isOpen ? close(true) : open()));
  // A pointer over the bubble or the keyboard on it usually means a click is coming: start
  // fetching the UI now so the panel opens sooner.
  const warm = () => void loadUi().catch(() => undefined);
  button.addEventListener('pointerenter', warm, { once: true });
  button.addEventListener('focus', warm, { once: true });

  const api: LiveChatApi = {
    open,
    close: () => close(false),
    setUser(u) {
      // Kept as given; the UI takes from it what the server accepts (shared/user.ts).
      user = { ...user, ...u };
      void ui?.then((handle) => handle.setUser(user));
    },
    on(event, fn) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(fn);
      return () => set.delete(fn);
    },
    version: 1,
  };

  // Calls queued before the script arrived: window.LiveChat = [['setUser', {...}], ['open']].
  const queued = (window as unknown as { LiveChat?: unknown }).LiveChat;
  (window as unknown as { LiveChat: LiveChatApi }).LiveChat = api;
  document.body.append(host);
  if (Array.isArray(queued)) {
    for (const call of queued) {
      if (!Array.isArray(call)) continue;
      const [method, ...args] = call as [keyof LiveChatApi, ...unknown[]];
      const fn = api[method];
      if (typeof fn === 'function') (fn as (...a: unknown[]) => void)(...args);
    }
  }
  // A chat running in this tab (reload, next page): bring the UI back and reopen if it was open.
  if (session()?.getItem(OPEN_KEY) === '1') open();
  else if (session()?.getItem(CHAT_KEY)) void loadUi().catch(() => undefined);
  window.dispatchEvent(new CustomEvent('livechat:ready'));
  emit('ready');
}

const script = findScript();
const existing = (window as unknown as { LiveChat?: { version?: number } }).LiveChat;
if (script && !(existing && existing.version === 1)) {
  if (document.body) boot(script);
  else document.addEventListener('DOMContentLoaded', () => boot(script), { once: true });
}
