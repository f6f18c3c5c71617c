// The chat panel: topic choice → pre-chat form or offline form → conversation → end. Plain
// DOM. The views before a chat (./views.ts) are rebuilt when they change; the conversation
// (./chat-view.ts) is updated in place.
import type { i18n, TFunction } from 'i18next';
import type { ChatState, MountContext, ServerMessage, TopicInfo, UiHandle, VisitorUser, WidgetConfig } from '../shared/types.js';
import { applyPalette, isColor } from '../shared/color.js';
import { mergeUser } from '../shared/user.js';
import { ApiError, createApi, type Api } from './api.js';
import { ChatView, type ChatViewHost } from './chat-view.js';
import { Connection, type LinkStatus } from './connection.js';
import { Chrome } from './chrome.js';
import { h, randomId } from './dom.js';
import type { FormHandle, Prefill } from './form.js';
import { pickLanguage, type Language } from './i18n.js';
import { MESSAGE_MAX } from '../../../src/contract/limits.js';
import { localMessage, markFailed, markSending, markSent, mergeServer, visitorText, type ViewMessage } from './messages.js';
import { forgetChat, loadChat, saveChat, saveLanguage, type SavedChat } from './session.js';
import { formView, offlineView, topicsView, type ViewsHost } from './views.js';

type View =
  | { kind: 'loading' }
  | { kind: 'topics'; alert?: string }
  | { kind: 'form'; topic: TopicInfo; alert?: string }
  | { kind: 'offline'; topic: TopicInfo; nextOpening: string | null; gaveUp?: Prefill }
  | { kind: 'chat' };

interface ActiveChat extends SavedChat {
  state: ChatState;
  messages: ViewMessage[];
  connection: Connection | null;
}

export class App implements UiHandle {
  private readonly api: Api;
  private readonly chrome: Chrome;
  private config: WidgetConfig | null = null;
  private configLang = '';
  private view: View = { kind: 'loading' };
  private chat: ActiveChat | null = null;
  private user: VisitorUser;
  private isOpen = false;
  private preselectUsed = false;
  private readonly chatView: ChatView;

  constructor(
    private readonly ctx: MountContext,
    private readonly i18n: i18n,
    private t: TFunction,
  ) {
    this.api = createApi(ctx.apiBase);
    this.user = mergeUser({}, ctx.user);
    this.chrome = new Chrome({
      back: () => void this.showTopics(false),
      close: () => this.ctx.requestClose(),
      switchLanguage: (lng) => void this.switchLanguage(lng),
    });
    this.chatView = new ChatView(this.chatViewHost(), this.chrome.main, this.chrome.panel, this.chrome.live);
    ctx.container.append(this.chrome.panel);
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
    this.chrome.panel.hidden = false;
    if (this.view.kind === 'loading' && !this.chat) void this.showTopics(true);
    this.focusView();
  }

  close(): void {
    this.isOpen = false;
    this.chrome.panel.hidden = true;
  }

  setUser(user: VisitorUser): void {
    this.user = mergeUser(this.user, user);
  }

  // ---- chrome -----------------------------------------------------------------------------

  private get lang(): Language {
    return pickLanguage([this.i18n.language]);
  }

  private renderChrome(): void {
    this.chrome.render({
      t: this.t,
      title: this.ctx.options.title || this.config?.theme['title'],
      languages: this.config?.languages ?? [],
      lang: this.lang,
      showBack: this.view.kind === 'form' || this.view.kind === 'offline',
    });
  }

  private async switchLanguage(lng: string): Promise<void> {
    const next = pickLanguage([lng]);
    saveLanguage(next);
    this.t = await this.i18n.changeLanguage(next);
    this.ctx.languageChanged?.(next);
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
    this.chrome.focusLanguage();
  }

  private setStatus(status: LinkStatus | null): void {
    this.chrome.status(status === 'reconnecting' ? this.t('chat.reconnecting') : status === 'connecting' ? this.t('chat.connecting') : null);
  }

  private focusView(): void {
    if (!this.isOpen) return;
    requestAnimationFrame(() => {
      const composer = this.chatView.composer;
      if (this.view.kind === 'chat' && composer && !composer.disabled && this.chat?.state !== 'closed') {
        composer.focus();
        return;
      }
      const main = this.chrome.main;
      const target = main.querySelector<HTMLElement>('[data-autofocus]') ?? main.querySelector<HTMLElement>('.lc-h');
      target?.focus();
    });
  }

  // ---- config and topics --------------------------------------------------------------------

  private async loadConfig(force: boolean): Promise<WidgetConfig> {
    if (this.config && !force && this.configLang === this.lang) return this.config;
    let lang = this.lang;
    let config = await this.api.config(lang);
    // The visitor switched language while this answer was on its way: its topic names are in
    // the old one, so ask again rather than show a heading and topics in two languages.
    while (lang !== this.lang) {
      lang = this.lang;
      config = await this.api.config(lang);
    }
    this.config = { ...config, topics: Array.isArray(config.topics) ? config.topics : [] };
    this.configLang = lang;
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
    if (this.view.kind !== 'chat') this.chatView.unmount();
    switch (this.view.kind) {
      case 'loading':
        this.chrome.main.replaceChildren(h('p', { class: 'lc-p', role: 'status', text: t('chat.connecting') }));
        break;
      case 'topics':
        this.chrome.main.replaceChildren(...topicsView(this.viewsHost(), this.view.alert));
        break;
      case 'form':
        this.chrome.main.replaceChildren(...formView(this.viewsHost(), this.view.topic, this.view.alert));
        break;
      case 'offline':
        this.chrome.main.replaceChildren(...offlineView(this.viewsHost(), this.view.topic, this.view.nextOpening, this.view.gaveUp));
        break;
      case 'chat':
        this.chatView.mount();
        break;
    }
  }

  private viewsHost(): ViewsHost {
    return {
      t: this.t,
      lang: this.lang,
      user: this.user,
      config: this.config,
      chooseTopic: (topic) => this.chooseTopic(topic),
      retryTopics: () => void this.showTopics(true),
      startChat: (topic, values, form) => this.startChat(topic, values, form),
      sendOffline: (topic, values) => this.api.offline({ topic: topic.id, language: this.lang, values, page: location.href }),
    };
  }

  private chatViewHost(): ChatViewHost {
    const app = this;
    return {
      get t() {
        return app.t;
      },
      lang: () => this.lang,
      language: () => this.i18n.language,
      isOpen: () => this.isOpen,
      chat: () => this.chat,
      send: (text, clientId) => void this.send(text, clientId),
      end: () => void this.endChat(),
      newChat: () => this.newChat(),
      leaveMessage: () => void this.leaveMessage(),
    };
  }

  private async startChat(topic: TopicInfo, values: Record<string, string>, form: FormHandle | null): Promise<void> {
    const t = this.t;
    if (!form) {
      this.view = { kind: 'loading' };
      this.render();
    }
    try {
      const started = await this.api.startChat({ topic: topic.id, language: this.lang, values, user: this.user, page: location.href });
      const email = topic.fields?.find((f) => f.type === 'email')?.name ?? 'email';
      const name = values['name'] || this.user.name;
      const mail = values[email] || this.user.email;
      const saved: SavedChat = { id: started.id, token: started.token, topic: topic.id, language: this.lang, ...(name ? { name } : {}), ...(mail ? { email: mail } : {}) };
      saveChat(saved);
      this.enterChat(saved, started.state, started.messages ?? []);
      this.ctx.emit('chat:started', { id: started.id, topic: topic.id });
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      const body = err instanceof ApiError ? err.body : null;
      if (status === 400 && form) {
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
      if (status === 400 && (body as { error?: unknown } | null)?.error === 'invalid_fields') {
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
    if (pickLanguage([saved.language]) !== this.lang) {
      this.t = await this.i18n.changeLanguage(saved.language);
      this.ctx.languageChanged?.(this.lang);
    }
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
      typing: (from, active) => this.chatView.showTyping(from, active),
    });
    connection.seen(messages);
    this.chat.connection = connection;
    connection.start();
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
    if (this.view.kind === 'chat' && state === 'closed') this.chatView.renderFooter();
    else if (this.view.kind === 'chat') this.chatView.stateChanged();
  }

  private merge(list: ServerMessage[], announce: boolean): void {
    const chat = this.chat;
    if (!chat || !list.length) return;
    const { list: next, added } = mergeServer(chat.messages, list);
    chat.messages = next;
    this.chatView.update();
    if (!announce) return;
    const incoming = added.filter((m) => m.from !== 'visitor');
    this.chatView.announce(incoming);
    for (const m of incoming) this.ctx.emit('message', { from: m.from, text: m.text, at: m.at });
  }

  private async send(text: string, clientId = randomId()): Promise<void> {
    const chat = this.chat;
    if (!chat || chat.state === 'closed') return;
    const exists = chat.messages.some((m) => m.clientId === clientId);
    chat.messages = exists ? markSending(chat.messages, clientId) : [...chat.messages, localMessage(clientId, text, new Date())];
    this.chatView.update();
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
    this.chatView.update();
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

  /** Queued too long, the visitor leaves a message instead: the chat closes (gave up), the offline form opens with what they gave. */
  private async leaveMessage(): Promise<void> {
    const chat = this.chat;
    if (!chat || chat.state === 'closed') return;
    try {
      await this.api.close(chat.id, chat.token, 'gave_up');
    } catch (err) {
      if (!(err instanceof ApiError && (err.status === 409 || err.status === 404))) {
        this.setStatus('reconnecting');
        return;
      }
    }
    this.setState('closed');
    const gaveUp: Prefill = { name: chat.name, email: chat.email, message: visitorText(chat.messages, MESSAGE_MAX) };
    const config = await this.loadConfig(false).catch(() => null);
    const topic = config?.topics.find((x) => x.id === chat.topic) ?? { id: chat.topic, name: chat.topic, mode: 'group', open: true, nextOpening: null, fields: [] };
    if (this.chat !== chat) return;
    this.chat = null;
    this.view = { kind: 'offline', topic, nextOpening: null, gaveUp };
    this.render();
    this.focusView();
  }

  private newChat(): void {
    this.chat?.connection?.stop();
    this.chat = null;
    forgetChat();
    void this.showTopics(false);
  }
}
