// The chat panel: topic choice → pre-chat form or offline form → conversation → end.
// Plain DOM. Views are rebuilt when they change, except the message list, which is updated in
// place (keyed by message) so focus, scroll position and screen readers are not disturbed.
import type { i18n, TFunction } from 'i18next';
import type { ChatState, FieldSpec, MountContext, ServerMessage, TopicInfo, UiHandle, VisitorUser, WidgetConfig } from '../shared/types.js';
import { ApiError, createApi, type Api } from './api.js';
import { Connection, type LinkStatus } from './connection.js';
import { applyPalette, isColor } from '../shared/color.js';
import { h, icon, ICON_BACK, ICON_CLOSE, randomId, uid } from './dom.js';
import { formatTime, formatWhen, LANGUAGES, languageName, pickLanguage, type Language } from './i18n.js';
import { localMessage, markFailed, markSending, markSent, mergeServer, quickReplies, type ViewMessage } from './messages.js';
import { forgetChat, loadChat, saveChat, saveLanguage, type SavedChat } from './session.js';
import { fieldsFrom422, MAX_LENGTH, serverMessage, validateValue, type FieldError } from './validate.js';

type View =
  | { kind: 'loading' }
  | { kind: 'topics'; alert?: string }
  | { kind: 'form'; topic: TopicInfo; alert?: string }
  | { kind: 'offline'; topic: TopicInfo; nextOpening: string | null }
  | { kind: 'chat' };

interface ActiveChat extends SavedChat {
  state: ChatState;
  messages: ViewMessage[];
  connection: Connection | null;
}

interface FormField {
  name: string;
  type: FieldSpec['type'] | 'message';
  required: boolean;
  label: string;
}

export class App implements UiHandle {
  private readonly api: Api;
  private readonly panel: HTMLElement;
  private readonly titleEl: HTMLElement;
  private readonly backBtn: HTMLButtonElement;
  private readonly langSelect: HTMLSelectElement;
  private readonly statusEl: HTMLElement;
  private readonly main: HTMLElement;
  private readonly live: HTMLElement;
  private config: WidgetConfig | null = null;
  private configLang = '';
  private view: View = { kind: 'loading' };
  private chat: ActiveChat | null = null;
  private user: VisitorUser;
  private isOpen = false;
  private preselectUsed = false;
  // Chat view parts, kept between updates.
  private logEl: HTMLOListElement | null = null;
  private footerEl: HTMLElement | null = null;
  private composer: HTMLTextAreaElement | null = null;
  private readonly typingEl: HTMLElement = h('p', { class: 'lc-typing', hidden: true });
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly items = new Map<string, HTMLLIElement>();

  constructor(
    private readonly ctx: MountContext,
    private readonly i18n: i18n,
    private t: TFunction,
  ) {
    this.api = createApi(ctx.apiBase);
    this.user = { ...ctx.user };
    const titleId = uid('title');
    this.titleEl = h('h2', { class: 'lc-title', id: titleId });
    this.backBtn = h('button', { type: 'button', class: 'lc-icon-btn', hidden: true, onclick: () => this.back() }, icon(ICON_BACK));
    const closeBtn = h('button', { type: 'button', class: 'lc-icon-btn', 'data-lc': 'close', onclick: () => this.ctx.requestClose() }, icon(ICON_CLOSE));
    this.langSelect = h('select', { class: 'lc-lang', onchange: () => void this.switchLanguage(this.langSelect.value) });
    this.statusEl = h('div', { class: 'lc-status', role: 'status', hidden: true });
    this.main = h('div', { class: 'lc-body' });
    this.live = h('div', { class: 'lc-sr', 'aria-live': 'polite', 'aria-atomic': 'false' });
    this.panel = h(
      'section',
      { class: 'lc-panel', role: 'dialog', 'aria-labelledby': titleId, hidden: true, onkeydown: (e: KeyboardEvent) => this.onKey(e) },
      h('header', { class: 'lc-header' }, this.backBtn, this.titleEl, this.langSelect, closeBtn),
      this.statusEl,
      this.main,
      this.live,
    );
    closeBtn.dataset['label'] = 'panel.close';
    ctx.container.append(this.panel);
    this.renderChrome();
    addEventListener('pagehide', () => {
      if (this.chat && this.chat.state !== 'closed') this.api.leave(this.chat.id, this.chat.token);
    });
    const saved = loadChat();
    if (saved) void this.resume(saved);
  }

  // ---- UiHandle ---------------------------------------------------------------------------

  open(): void {
    this.isOpen = true;
    this.panel.hidden = false;
    if (this.view.kind === 'loading' && !this.chat) void this.showTopics(true);
    this.focusView();
  }

  close(): void {
    this.isOpen = false;
    this.panel.hidden = true;
  }

  setUser(user: VisitorUser): void {
    this.user = { ...this.user, ...user };
  }

  // ---- chrome -----------------------------------------------------------------------------

  private get lang(): Language {
    return pickLanguage([this.i18n.language]);
  }

  private renderChrome(): void {
    const t = this.t;
    this.titleEl.textContent = this.ctx.options.title || this.config?.theme?.title || t('panel.title');
    this.panel.setAttribute('aria-label', t('panel.region'));
    this.backBtn.setAttribute('aria-label', t('panel.back'));
    const closeBtn = this.panel.querySelector<HTMLButtonElement>('[data-lc="close"]');
    closeBtn?.setAttribute('aria-label', t('panel.close'));
    closeBtn?.setAttribute('title', t('panel.close'));
    this.langSelect.setAttribute('aria-label', t('panel.language'));
    const offered = (this.config?.languages ?? []).filter((l) => (LANGUAGES as readonly string[]).includes(l));
    const langs = offered.length ? offered : [...LANGUAGES];
    this.langSelect.replaceChildren(...langs.map((l) => h('option', { value: l, lang: l, selected: l === this.lang, text: languageName(l) })));
    this.panel.setAttribute('lang', this.lang);
    this.backBtn.hidden = !(this.view.kind === 'form' || this.view.kind === 'offline');
  }

  private async switchLanguage(lng: string): Promise<void> {
    const next = pickLanguage([lng]);
    saveLanguage(next);
    this.t = await this.i18n.changeLanguage(next);
    if (this.view.kind === 'topics' || this.view.kind === 'form' || this.view.kind === 'offline') {
      await this.loadConfig(true).catch(() => undefined);
      if (this.view.kind !== 'topics') {
        const id = this.view.topic.id;
        const fresh = this.config?.topics.find((x) => x.id === id);
        if (fresh) this.view = { ...this.view, topic: fresh };
      }
    }
    this.renderChrome();
    this.render();
    this.langSelect.focus();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.stopPropagation();
      this.ctx.requestClose();
    }
  }

  private setStatus(status: LinkStatus | null): void {
    const text = status === 'reconnecting' ? this.t('chat.reconnecting') : status === 'connecting' ? this.t('chat.connecting') : '';
    this.statusEl.textContent = text;
    this.statusEl.hidden = !text;
  }

  private focusView(): void {
    if (!this.isOpen) return;
    requestAnimationFrame(() => {
      if (this.view.kind === 'chat' && this.composer && !this.composer.disabled && this.chat?.state !== 'closed') {
        this.composer.focus();
        return;
      }
      const target = this.main.querySelector<HTMLElement>('[data-autofocus]') ?? this.main.querySelector<HTMLElement>('.lc-h');
      target?.focus();
    });
  }

  private back(): void {
    void this.showTopics(false);
  }

  // ---- config and topics --------------------------------------------------------------------

  private async loadConfig(force: boolean): Promise<WidgetConfig> {
    if (this.config && !force && this.configLang === this.lang) return this.config;
    const config = await this.api.config(this.lang);
    this.config = { ...config, topics: Array.isArray(config.topics) ? config.topics : [] };
    this.configLang = this.lang;
    this.applyTheme();
    return this.config;
  }

  private applyTheme(): void {
    const color = this.config?.theme?.color;
    // data-color on the tag wins over the server's theme.
    if (!this.ctx.options.color && isColor(color)) applyPalette(this.ctx.shadow.host as HTMLElement, color);
    this.renderChrome();
  }

  private async showTopics(allowPreselect: boolean): Promise<void> {
    this.view = { kind: 'loading' };
    this.render();
    try {
      const config = await this.loadConfig(true);
      const pre = this.ctx.options.topic;
      if (allowPreselect && pre && !this.preselectUsed) {
        this.preselectUsed = true;
        const topic = config.topics.find((x) => x.id === pre);
        if (topic) return this.chooseTopic(topic);
      }
      this.view = { kind: 'topics' };
    } catch {
      this.view = { kind: 'topics', alert: 'topics.loadFailed' };
    }
    this.render();
    this.focusView();
  }

  private chooseTopic(topic: TopicInfo): void {
    if (!topic.open) {
      this.view = { kind: 'offline', topic, nextOpening: topic.nextOpening };
    } else if (topic.fields?.length) {
      this.view = { kind: 'form', topic };
    } else {
      void this.startChat(topic, {}, null);
      return;
    }
    this.render();
    this.focusView();
  }

  // ---- rendering ----------------------------------------------------------------------------

  private render(): void {
    const t = this.t;
    this.renderChrome();
    if (this.view.kind !== 'chat') {
      this.logEl = null;
      this.footerEl?.remove();
      this.footerEl = null;
      this.composer = null;
      this.items.clear();
    }
    switch (this.view.kind) {
      case 'loading':
        this.main.replaceChildren(h('p', { class: 'lc-p', role: 'status', text: t('chat.connecting') }));
        break;
      case 'topics':
        this.main.replaceChildren(...this.topicsView(this.view.alert));
        break;
      case 'form':
        this.main.replaceChildren(...this.formView(this.view.topic, this.view.alert));
        break;
      case 'offline':
        this.main.replaceChildren(...this.offlineView(this.view.topic, this.view.nextOpening));
        break;
      case 'chat':
        this.renderChat();
        break;
    }
  }

  private topicsView(alert?: string): Node[] {
    const t = this.t;
    const topics = this.config?.topics ?? [];
    const out: Node[] = [h('h3', { class: 'lc-h', tabindex: '-1', text: t('topics.heading') })];
    if (alert) {
      out.push(h('p', { class: 'lc-alert', role: 'alert', text: t(alert) }));
      if (!this.config) {
        out.push(h('button', { type: 'button', class: 'lc-btn', 'data-autofocus': true, onclick: () => void this.showTopics(true), text: t('topics.retry') }));
        return out;
      }
    }
    if (!topics.length) out.push(h('p', { class: 'lc-p', text: t('topics.none') }));
    out.push(
      h('ul', { class: 'lc-topics' }, ...topics.map((topic) => {
        const state = topic.open
          ? t('topics.open')
          : topic.nextOpening
            ? t('topics.nextOpening', { when: formatWhen(topic.nextOpening, this.lang) })
            : t('topics.noNextOpening');
        return h('li', {},
          h('button', { type: 'button', class: 'lc-topic', 'data-topic': topic.id, onclick: () => this.chooseTopic(topic) },
            h('span', { class: 'lc-topic-name', text: topic.name }),
            h('span', { class: 'lc-topic-state' }, h('span', { class: topic.open ? 'lc-dot' : 'lc-dot lc-off', 'aria-hidden': 'true' }), state),
          ));
      })),
    );
    return out;
  }

  private fieldLabel(f: FieldSpec): string {
    if (typeof f.label === 'string' && f.label) return f.label;
    if (f.label && typeof f.label === 'object') {
      const l = f.label[this.lang] ?? f.label['en'];
      if (l) return l;
    }
    if (f.name === 'name') return this.t('form.name');
    if (f.name === 'email' || f.type === 'email') return this.t('form.email');
    return f.name;
  }

  /** A form whose fields validate on submit (and on blur once touched), with localized messages. */
  private buildForm(
    fields: FormField[],
    submitLabel: string,
    onSubmit: (values: Record<string, string>, form: FormHandle) => Promise<void>,
  ): { form: HTMLFormElement; handle: FormHandle } {
    const t = this.t;
    const alert = h('p', { class: 'lc-alert', role: 'alert', hidden: true });
    const inputs = new Map<string, { input: HTMLInputElement | HTMLTextAreaElement; error: HTMLElement; field: FormField }>();
    const rows = fields.map((field, i) => {
      const id = uid('f');
      const errId = `${id}-err`;
      const attrs = {
        id,
        name: field.name,
        class: 'lc-input',
        maxlength: String(MAX_LENGTH[field.type]),
        'aria-required': field.required ? 'true' : undefined,
        'aria-describedby': errId,
        autocomplete: field.name === 'name' ? 'name' : field.type === 'email' ? 'email' : field.type === 'tel' ? 'tel' : undefined,
        'data-autofocus': i === 0 ? true : undefined,
        value: field.name === 'name' ? this.user.name ?? '' : field.type === 'email' ? this.user.email ?? '' : '',
      };
      const input = field.type === 'message'
        ? h('textarea', { ...attrs, rows: '4' })
        : h('input', { ...attrs, type: field.type === 'email' ? 'email' : field.type === 'tel' ? 'tel' : 'text' });
      const error = h('p', { class: 'lc-error', id: errId, hidden: true });
      inputs.set(field.name, { input, error, field });
      // Once marked invalid, a field is re-checked as the visitor types, so its message goes
      // away before they reach the button (re-checking on blur would shift the layout under a
      // pointer that is pressing the button, and swallow that click).
      input.addEventListener('input', () => {
        if (input.getAttribute('aria-invalid') === 'true') check(field.name);
      });
      return h('div', { class: 'lc-field' },
        h('label', { class: 'lc-label', for: id }, field.label, field.required ? h('span', { class: 'lc-req', text: ` (${t('form.required')})` }) : null),
        input, error);
    });
    const showError = (name: string, text: string | null) => {
      const row = inputs.get(name);
      if (!row) return;
      row.input.setAttribute('aria-invalid', text ? 'true' : 'false');
      row.error.textContent = text ?? '';
      row.error.hidden = !text;
    };
    const message = (f: FormField, e: FieldError) => t(`form.errors.${e.key}`, { field: f.label });
    const check = (name: string): boolean => {
      const row = inputs.get(name)!;
      const e = validateValue(row.field.type, row.field.required, row.input.value);
      showError(name, e ? message(row.field, e) : null);
      return !e;
    };
    const button = h('button', { type: 'submit', class: 'lc-btn', text: submitLabel });
    const handle: FormHandle = {
      busy(on, label) {
        button.disabled = on;
        button.textContent = on && label ? label : submitLabel;
      },
      alert(text) {
        alert.textContent = text ?? '';
        alert.hidden = !text;
      },
      serverErrors: (body) => {
        const names = fieldsFrom422(body).filter((n) => inputs.has(n));
        for (const n of names) showError(n, t('form.errors.serverField', { field: inputs.get(n)!.field.label }));
        // Fields the server named get a localized message each; otherwise show its own words.
        handle.alert(names.length ? t('form.errors.summary') : t('form.errors.server', { message: serverMessage(body) ?? '' }));
        const first = names[0] ? inputs.get(names[0])?.input : null;
        (first ?? alert).focus();
      },
    };
    const form = h('form', {
      class: 'lc-form',
      novalidate: true,
      onsubmit: (e: Event) => {
        e.preventDefault();
        handle.alert(null);
        const bad = [...inputs.keys()].filter((n) => !check(n));
        if (bad.length) {
          handle.alert(t('form.errors.summary'));
          inputs.get(bad[0]!)!.input.focus();
          return;
        }
        const values: Record<string, string> = {};
        for (const [name, row] of inputs) values[name] = row.input.value.trim();
        void onSubmit(values, handle);
      },
    }, ...rows, alert, h('div', {}, button));
    return { form, handle };
  }

  private formView(topic: TopicInfo, alertKey?: string): Node[] {
    const t = this.t;
    const fields: FormField[] = topic.fields.map((f) => ({ name: f.name, type: f.type, required: f.required, label: this.fieldLabel(f) }));
    const { form, handle } = this.buildForm(fields, t('form.start'), async (values, handle) => {
      handle.busy(true, t('form.starting'));
      await this.startChat(topic, values, handle);
      handle.busy(false);
    });
    if (alertKey) handle.alert(t(alertKey));
    return [
      h('h3', { class: 'lc-h', tabindex: '-1', text: topic.name }),
      h('p', { class: 'lc-p', text: t('form.intro') }),
      form,
    ];
  }

  private offlineView(topic: TopicInfo, nextOpening: string | null): Node[] {
    const t = this.t;
    const when = nextOpening ? t('offline.nextOpening', { when: formatWhen(nextOpening, this.lang) }) : t('offline.noNextOpening');
    const fields: FormField[] = [
      { name: 'name', type: 'text', required: true, label: t('form.name') },
      { name: 'email', type: 'email', required: true, label: t('form.email') },
      { name: 'message', type: 'message', required: true, label: t('form.message') },
    ];
    const wrap = h('div', { class: 'lc-form' });
    const { form } = this.buildForm(fields, t('offline.send'), async (values, handle) => {
      handle.busy(true, t('offline.sending'));
      try {
        await this.api.offline({
          topic: topic.id,
          name: values['name']!,
          email: values['email']!,
          message: values['message']!,
          language: this.lang,
          page: location.href,
        });
        const ok = h('p', { class: 'lc-ok', role: 'status', tabindex: '-1', text: t('offline.sent') });
        wrap.replaceChildren(ok);
        ok.focus();
      } catch (err) {
        handle.busy(false);
        if (err instanceof ApiError && err.status === 422) handle.serverErrors(err.body);
        else handle.alert(t('offline.failed'));
      }
    });
    wrap.append(form);
    return [
      h('h3', { class: 'lc-h', tabindex: '-1', text: t('offline.heading', { topic: topic.name }) }),
      h('p', { class: 'lc-p', 'data-lc': 'next-opening', text: when }),
      h('p', { class: 'lc-p', text: t('offline.intro') }),
      wrap,
    ];
  }

  // ---- chat lifecycle -------------------------------------------------------------------------

  private async startChat(topic: TopicInfo, values: Record<string, string>, form: FormHandle | null): Promise<void> {
    const t = this.t;
    if (!form) {
      this.view = { kind: 'loading' };
      this.render();
    }
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(values)) if (k !== 'name' && k !== 'email' && v) fields[k] = v;
    const name = values['name'] || this.user.name;
    const email = values['email'] || this.user.email;
    try {
      const started = await this.api.startChat({
        topic: topic.id,
        language: this.lang,
        ...(name ? { name } : {}),
        ...(email ? { email } : {}),
        ...(Object.keys(fields).length ? { fields } : {}),
        ...(this.user.signature ? { signature: this.user.signature } : {}),
        page: location.href,
      });
      const saved: SavedChat = { id: started.id, token: started.token, topic: topic.id, language: this.lang };
      saveChat(saved);
      this.enterChat(saved, started.state, started.messages ?? []);
      this.ctx.emit('chat:started', { id: started.id, topic: topic.id });
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      const body = err instanceof ApiError ? err.body : null;
      if (status === 422 && form) {
        form.serverErrors(body);
        return;
      }
      if (status === 409) {
        const next = (body as { nextOpening?: unknown } | null)?.nextOpening;
        this.view = { kind: 'offline', topic: { ...topic, open: false }, nextOpening: typeof next === 'string' ? next : topic.nextOpening };
        this.render();
        this.focusView();
        return;
      }
      if (status === 422) {
        // An anonymous topic that now wants fields: show them, with the server's word.
        this.view = { kind: 'form', topic, alert: 'chat.startFailed' };
      } else if (form) {
        form.alert(t('chat.startFailed'));
        return;
      } else {
        this.view = { kind: 'topics', alert: 'chat.startFailed' };
      }
      this.render();
      this.focusView();
    }
  }

  private async resume(saved: SavedChat): Promise<void> {
    if (pickLanguage([saved.language]) !== this.lang) this.t = await this.i18n.changeLanguage(saved.language);
    this.enterChat(saved, 'bot', []);
    try {
      const res = await this.api.messages(saved.id, saved.token, 0, 0);
      this.merge(res.messages, false);
      this.chat?.connection?.seen(res.messages);
      this.setState(res.state);
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 401)) this.lost();
      // Otherwise the connection catches up once the network is back.
    }
  }

  private enterChat(saved: SavedChat, state: ChatState, messages: ServerMessage[]): void {
    this.chat?.connection?.stop();
    this.chat = { ...saved, state, messages: [], connection: null };
    this.view = { kind: 'chat' };
    this.merge(messages, false);
    this.render();
    this.focusView();
    if (state === 'closed') return this.setState('closed');
    const connection = new Connection(this.api, saved.id, saved.token, 0, {
      messages: (list) => this.merge(list, true),
      state: (s) => this.setState(s),
      status: (s) => this.setStatus(s === 'live' ? null : s),
      lost: () => this.lost(),
      typing: (from, active) => this.showTyping(from, active),
    });
    connection.seen(messages);
    this.chat.connection = connection;
    connection.start();
  }

  private showTyping(from: string, active: boolean): void {
    if (from === 'visitor') return;
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingEl.textContent = active ? this.t('chat.typing', { from: this.t(`chat.from.${from === 'bot' ? 'bot' : 'agent'}`) }) : '';
    this.typingEl.hidden = !active;
    // A lost "stopped typing" notice must not leave the line up forever.
    if (active) this.typingTimer = setTimeout(() => this.showTyping(from, false), 8_000);
  }

  private lost(): void {
    this.chat?.connection?.stop();
    this.chat = null;
    forgetChat();
    this.setStatus(null);
    if (this.isOpen) void this.showTopics(false);
    else this.view = { kind: 'loading' };
  }

  private setState(state: ChatState): void {
    const chat = this.chat;
    if (!chat || chat.state === state) return;
    chat.state = state;
    if (state === 'closed') {
      chat.connection?.finish();
      this.setStatus(null);
      forgetChat();
      this.ctx.emit('chat:ended', { id: chat.id });
    }
    // The footer only changes between open and closed: re-rendering it for other states would
    // take the focus (and a half-typed message) away from the visitor.
    if (this.view.kind === 'chat' && state === 'closed') this.renderFooter();
  }

  private merge(list: ServerMessage[], announce: boolean): void {
    const chat = this.chat;
    if (!chat || !list.length) return;
    const { list: next, added } = mergeServer(chat.messages, list);
    chat.messages = next;
    this.updateLog();
    if (!announce) return;
    const incoming = added.filter((m) => m.from !== 'visitor');
    if (incoming.length) {
      this.showTyping('agent', false);
      // One live region, re-filled: screen readers read each new message once.
      this.live.replaceChildren(...incoming.map((m) => h('p', { text: this.t('chat.newMessage', { from: this.sender(m), text: m.text }) })));
    }
    for (const m of incoming) this.ctx.emit('message', { from: m.from, text: m.text, at: m.at });
  }

  private async send(text: string, clientId = randomId()): Promise<void> {
    const chat = this.chat;
    if (!chat || chat.state === 'closed') return;
    const exists = chat.messages.some((m) => m.clientId === clientId);
    chat.messages = exists ? markSending(chat.messages, clientId) : [...chat.messages, localMessage(clientId, text, new Date())];
    this.updateLog();
    try {
      const { seq } = await this.api.send(chat.id, chat.token, text, clientId);
      if (this.chat !== chat) return;
      chat.messages = markSent(chat.messages, clientId, seq);
    } catch (err) {
      if (this.chat !== chat) return;
      chat.messages = markFailed(chat.messages, clientId);
      if (err instanceof ApiError && (err.status === 404 || err.status === 401)) this.lost();
      if (err instanceof ApiError && err.status === 409) this.setState('closed');
    }
    this.updateLog();
  }

  private async endChat(): Promise<void> {
    const chat = this.chat;
    if (!chat) return;
    try {
      await this.api.close(chat.id, chat.token);
    } catch (err) {
      if (!(err instanceof ApiError && (err.status === 409 || err.status === 404))) {
        this.setStatus('reconnecting');
        return;
      }
    }
    this.setState('closed');
    this.focusView();
  }

  private newChat(): void {
    this.chat?.connection?.stop();
    this.chat = null;
    forgetChat();
    void this.showTopics(false);
  }

  // ---- chat rendering -------------------------------------------------------------------------

  private sender(m: ViewMessage): string {
    if (m.from === 'agent') return m.authorName || this.t('chat.from.agent');
    return this.t(`chat.from.${m.from}`);
  }

  private renderChat(): void {
    this.items.clear();
    this.logEl = h('ol', { class: 'lc-log', 'aria-label': this.t('chat.log') });
    this.main.replaceChildren(this.logEl);
    this.footerEl?.remove();
    this.footerEl = h('div', { class: 'lc-footer' });
    this.panel.insertBefore(this.footerEl, this.live);
    this.renderFooter();
    this.updateLog();
  }

  private renderFooter(): void {
    const footer = this.footerEl;
    const chat = this.chat;
    if (!footer || !chat) return;
    const t = this.t;
    if (chat.state === 'closed') {
      this.composer = null;
      const again = h('button', { type: 'button', class: 'lc-btn', 'data-lc': 'new-chat', onclick: () => this.newChat(), text: t('chat.newChat') });
      footer.replaceChildren(h('div', { class: 'lc-ended' }, h('p', { class: 'lc-p', role: 'status', text: t('chat.ended') }), again));
      this.updateLog();
      if (this.isOpen) again.focus();
      return;
    }
    const draft = this.composer?.value ?? '';
    const inputId = uid('msg');
    const composer = h('textarea', {
      id: inputId,
      class: 'lc-input',
      rows: '1',
      maxlength: String(MAX_LENGTH.message),
      placeholder: t('chat.placeholder'),
      value: draft,
      onkeydown: (e: KeyboardEvent) => {
        if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
          e.preventDefault();
          submit();
        }
      },
    });
    const submit = () => {
      const text = composer.value.trim();
      if (!text) return;
      composer.value = '';
      void this.send(text);
      composer.focus();
    };
    const confirm = h('div', { class: 'lc-confirm', hidden: true },
      h('span', { text: t('chat.endConfirm') }),
      h('button', { type: 'button', class: 'lc-btn lc-btn-small', 'data-lc': 'end-yes', onclick: () => void this.endChat(), text: t('chat.endYes') }),
      h('button', { type: 'button', class: 'lc-btn lc-btn-ghost lc-btn-small', onclick: () => { confirm.hidden = true; endBtn.focus(); }, text: t('chat.endNo') }),
    );
    const endBtn = h('button', {
      type: 'button', class: 'lc-btn lc-btn-ghost lc-btn-small', 'data-lc': 'end',
      onclick: () => { confirm.hidden = false; confirm.querySelector<HTMLButtonElement>('button')?.focus(); },
      text: t('chat.end'),
    });
    const human = h('button', {
      type: 'button', class: 'lc-btn lc-btn-ghost lc-btn-small', 'data-lc': 'human',
      onclick: () => void this.send(t('chat.talkToPersonText')),
      text: t('chat.talkToPerson'),
    });
    this.composer = composer;
    footer.replaceChildren(
      this.typingEl,
      h('div', { class: 'lc-actions' }, human, endBtn),
      confirm,
      h('form', { class: 'lc-composer', onsubmit: (e: Event) => { e.preventDefault(); submit(); } },
        h('label', { class: 'lc-sr', for: inputId, text: t('chat.inputLabel') }),
        composer,
        h('button', { type: 'submit', class: 'lc-btn', 'data-lc': 'send', text: t('chat.send') })),
    );
  }

  private updateLog(): void {
    const log = this.logEl;
    const chat = this.chat;
    if (!log || !chat) return;
    const nearBottom = this.main.scrollHeight - this.main.scrollTop - this.main.clientHeight < 80;
    const last = chat.messages[chat.messages.length - 1];
    const seen = new Set<string>();
    let prev: HTMLLIElement | null = null;
    for (const m of chat.messages) {
      seen.add(m.key);
      const showQuick = m === last && m.from === 'bot' && chat.state !== 'closed';
      const sig = `${m.status}|${m.seq}|${showQuick}|${this.i18n.language}`;
      let li = this.items.get(m.key);
      if (!li || li.dataset['sig'] !== sig) {
        const fresh = this.messageItem(m, showQuick);
        fresh.dataset['sig'] = sig;
        if (li) li.replaceWith(fresh);
        li = fresh;
        this.items.set(m.key, li);
      }
      const expected: Element | null = prev ? prev.nextElementSibling : log.firstElementChild;
      if (expected !== li) {
        if (prev) prev.after(li);
        else log.prepend(li);
      }
      prev = li;
    }
    for (const [key, li] of this.items) {
      if (!seen.has(key)) {
        li.remove();
        this.items.delete(key);
      }
    }
    if (nearBottom || last?.from === 'visitor') this.main.scrollTop = this.main.scrollHeight;
  }

  private messageItem(m: ViewMessage, showQuick: boolean): HTMLLIElement {
    const t = this.t;
    const time = formatTime(m.at, this.lang);
    const li = h('li', { class: `lc-msg lc-msg-${m.from}${m.status === 'failed' ? ' lc-msg-failed' : ''}`, 'data-from': m.from, 'data-seq': m.seq ?? undefined });
    if (m.from !== 'system') li.append(h('p', { class: 'lc-meta' }, this.sender(m), time ? ` · ${time}` : ''));
    li.append(h('div', { class: 'lc-bubble', text: m.text }));
    if (m.from === 'visitor' && m.status === 'sending') {
      li.append(h('p', { class: 'lc-delivery', text: t('chat.sending') }));
    } else if (m.from === 'visitor' && m.status === 'failed') {
      li.append(h('p', { class: 'lc-delivery lc-delivery-failed', role: 'alert' },
        t('chat.failed'),
        h('button', { type: 'button', class: 'lc-link', 'data-lc': 'retry', onclick: () => void this.send(m.text, m.clientId!), text: t('chat.retry') })));
    }
    const replies = showQuick ? quickReplies(m) : [];
    if (replies.length) {
      li.append(h('div', { class: 'lc-quick', role: 'group', 'aria-label': t('chat.quickReplies') },
        ...replies.map((r) => h('button', { type: 'button', class: 'lc-chip', onclick: () => void this.send(r), text: r }))));
    }
    return li;
  }
}

interface FormHandle {
  busy(on: boolean, label?: string): void;
  alert(text: string | null): void;
  serverErrors(body: unknown): void;
}
