// The conversation: the message log (updated in place, keyed by message, so focus, scroll
// position and screen readers are not disturbed), the typing line, the live region's
// announcements and the footer (composer, end, new chat).
import type { TFunction } from 'i18next';
import { MESSAGE_MAX } from '../../../src/contract/limits.js';
import type { ChatState } from '../shared/types.js';
import { h, uid } from './dom.js';
import { formatTime, type Language } from './i18n.js';
import { hasLeaveOffer, quickReplies, type ViewMessage } from './messages.js';
import { linkify, renderRich } from './rich.js';

/** The first letter of a name, as the reader's language writes it in capitals. */
function initial(name: string): string {
  return ([...name.trim()][0] ?? '?').toLocaleUpperCase();
}

/** What the view reads from, and asks of, the panel that owns it. */
export interface ChatViewHost {
  readonly t: TFunction;
  lang(): Language;
  /** The i18next language: a change re-renders every message. */
  language(): string;
  isOpen(): boolean;
  chat(): { state: ChatState; messages: ViewMessage[] } | null;
  send(text: string, clientId?: string): void;
  end(): void;
  newChat(): void;
  /** Queued too long, the visitor takes the offer: close the chat (gave up) for the offline form. */
  leaveMessage(): void;
}

export class ChatView {
  private logEl: HTMLOListElement | null = null;
  private footerEl: HTMLElement | null = null;
  /** The message box while the chat is open (kept across footer renders with its draft). */
  composer: HTMLTextAreaElement | null = null;
  private readonly typingEl: HTMLElement = h('p', { class: 'lc-typing', hidden: true });
  /** "Talk to a person": only while the assistant answers (people already have the chat otherwise). */
  private humanBtn: HTMLButtonElement | null = null;
  private typingTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly items = new Map<string, HTMLLIElement>();
  /** The leave-a-message offer the visitor answered "keep waiting" to (by message key). */
  private dismissedOffer: string | null = null;

  constructor(
    private readonly host: ChatViewHost,
    private readonly main: HTMLElement,
    private readonly panel: HTMLElement,
    private readonly live: HTMLElement,
  ) {}

  /** Another view takes the panel: the log and footer go. */
  unmount(): void {
    this.logEl = null;
    this.footerEl?.remove();
    this.footerEl = null;
    this.composer = null;
    this.items.clear();
  }

  showTyping(from: string, active: boolean): void {
    if (from === 'visitor') return;
    if (this.typingTimer) clearTimeout(this.typingTimer);
    this.typingEl.textContent = active ? this.host.t('chat.typing', { from: this.host.t(`chat.from.${from === 'bot' ? 'bot' : 'agent'}`) }) : '';
    this.typingEl.hidden = !active;
    // A lost "stopped typing" notice must not leave the line up forever.
    if (active) this.typingTimer = setTimeout(() => this.showTyping(from, false), 8_000);
  }

  /** New messages from the other side, read once by screen readers (one live region, re-filled). */
  announce(incoming: ViewMessage[]): void {
    if (!incoming.length) return;
    this.showTyping('agent', false);
    this.live.replaceChildren(...incoming.map((m) => h('p', { text: this.host.t('chat.newMessage', { from: this.sender(m), text: m.text }) })));
  }

  sender(m: ViewMessage): string {
    if (m.from === 'agent') return m.authorName || this.host.t('chat.from.agent');
    return this.host.t(`chat.from.${m.from}`);
  }

  /** Builds the log and the footer (the footer goes before the live region, outside `main`). */
  mount(): void {
    this.items.clear();
    this.dismissedOffer = null;
    this.logEl = h('ol', { class: 'lc-log', 'aria-label': this.host.t('chat.log') });
    this.main.replaceChildren(this.logEl);
    this.footerEl?.remove();
    this.footerEl = h('div', { class: 'lc-footer' });
    this.panel.insertBefore(this.footerEl, this.live);
    this.renderFooter();
    this.update();
  }

  /** The composer while the chat is open, "ended" and a new-chat button once closed. */
  renderFooter(): void {
    const footer = this.footerEl;
    const chat = this.host.chat();
    if (!footer || !chat) return;
    const t = this.host.t;
    if (chat.state === 'closed') {
      this.composer = null;
      const again = h('button', { type: 'button', class: 'lc-btn', 'data-lc': 'new-chat', onclick: () => this.host.newChat(), text: t('chat.newChat') });
      footer.replaceChildren(h('div', { class: 'lc-ended' }, h('p', { class: 'lc-p lc-ended-line', role: 'status', text: t('chat.ended') }), again));
      this.update();
      if (this.host.isOpen()) again.focus();
      return;
    }
    const draft = this.composer?.value ?? '';
    const inputId = uid('msg');
    const composer = h('textarea', {
      id: inputId,
      class: 'lc-input',
      rows: '1',
      maxlength: String(MESSAGE_MAX),
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
      this.host.send(text);
      composer.focus();
    };
    const confirm = h('div', { class: 'lc-confirm', hidden: true },
      h('span', { text: t('chat.endConfirm') }),
      h('button', { type: 'button', class: 'lc-btn lc-btn-small', 'data-lc': 'end-yes', onclick: () => this.host.end(), text: t('chat.endYes') }),
      h('button', { type: 'button', class: 'lc-btn lc-btn-ghost lc-btn-small', onclick: () => { confirm.hidden = true; endBtn.focus(); }, text: t('chat.endNo') }),
    );
    const endBtn = h('button', {
      type: 'button', class: 'lc-btn lc-btn-ghost lc-btn-small', 'data-lc': 'end',
      onclick: () => { confirm.hidden = false; confirm.querySelector<HTMLButtonElement>('button')?.focus(); },
      text: t('chat.end'),
    });
    const human = h('button', {
      type: 'button', class: 'lc-btn lc-btn-ghost lc-btn-small', 'data-lc': 'human',
      onclick: () => this.host.send(t('chat.talkToPersonText')),
      text: t('chat.talkToPerson'),
      hidden: chat.state !== 'bot',
    });
    this.humanBtn = human;
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

  /** Shows or hides what depends on the open chat's state, without re-rendering the composer. */
  stateChanged(): void {
    const chat = this.host.chat();
    if (this.humanBtn && chat) this.humanBtn.hidden = chat.state !== 'bot';
    // The leave-a-message offer stands only while the chat is queued.
    this.update();
  }

  /** Updates the log in place, keyed by message, so focus and scrolling stay put. */
  update(): void {
    const log = this.logEl;
    const chat = this.host.chat();
    if (!log || !chat) return;
    const nearBottom = this.main.scrollHeight - this.main.scrollTop - this.main.clientHeight < 80;
    const last = chat.messages[chat.messages.length - 1];
    // The latest offer only, while nobody has the chat yet and the visitor has not declined it.
    const offer = chat.state === 'queued' ? [...chat.messages].reverse().find(hasLeaveOffer) : undefined;
    const offerKey = offer && offer.key !== this.dismissedOffer ? offer.key : null;
    const seen = new Set<string>();
    let prev: HTMLLIElement | null = null;
    for (const m of chat.messages) {
      seen.add(m.key);
      const showQuick = m === last && m.from === 'bot' && chat.state !== 'closed';
      const showOffer = m.key === offerKey;
      const sig = `${m.status}|${m.seq}|${showQuick}|${showOffer}|${this.host.language()}`;
      let li = this.items.get(m.key);
      if (!li || li.dataset['sig'] !== sig) {
        const fresh = this.messageItem(m, showQuick, showOffer);
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
    // The server's own closing sentence ("You ended the chat") says it: the footer does not repeat it.
    const endedLine = this.footerEl?.querySelector<HTMLElement>('.lc-ended-line');
    if (endedLine) endedLine.hidden = chat.state === 'closed' && last?.from === 'system';
    if (nearBottom || last?.from === 'visitor') this.main.scrollTop = this.main.scrollHeight;
  }

  private messageItem(m: ViewMessage, showQuick: boolean, showOffer: boolean): HTMLLIElement {
    const t = this.host.t;
    const time = formatTime(m.at, this.host.lang());
    const li = h('li', { class: `lc-msg lc-msg-${m.from}${m.status === 'failed' ? ' lc-msg-failed' : ''}`, 'data-from': m.from, 'data-seq': m.seq ?? undefined });
    if (m.from !== 'system') {
      const name = this.sender(m);
      // An agent's initial, so that two agents in one chat are told apart at a glance.
      const avatar = m.from === 'agent' && m.authorName ? h('span', { class: 'lc-avatar', 'aria-hidden': 'true', text: initial(m.authorName) }) : null;
      li.append(h('p', { class: 'lc-meta' }, avatar, name, time ? ` · ${time}` : ''));
    }
    // Agents' words keep their formatting and links; everyone else's stay literal text.
    const bubble = h('div', { class: 'lc-bubble' });
    if (m.from === 'agent') bubble.append(...(m.rich ? renderRich(m.rich) : linkify(m.text)));
    else bubble.textContent = m.text;
    li.append(bubble);
    if (m.from === 'visitor' && m.status === 'sending') {
      li.append(h('p', { class: 'lc-delivery', text: t('chat.sending') }));
    } else if (m.from === 'visitor' && m.status === 'failed') {
      li.append(h('p', { class: 'lc-delivery lc-delivery-failed', role: 'alert' },
        t('chat.failed'),
        h('button', { type: 'button', class: 'lc-link', 'data-lc': 'retry', onclick: () => this.host.send(m.text, m.clientId!), text: t('chat.retry') })));
    }
    const replies = showQuick ? quickReplies(m) : [];
    if (replies.length) {
      li.append(h('div', { class: 'lc-quick', role: 'group', 'aria-label': t('chat.quickReplies') },
        ...replies.map((r) => h('button', { type: 'button', class: 'lc-chip', onclick: () => this.host.send(r), text: r }))));
    }
    if (showOffer) li.append(this.offerButtons(m));
    return li;
  }

  /** Queued too long: leave a message instead (the offline form), or keep waiting. */
  private offerButtons(m: ViewMessage): HTMLElement {
    const t = this.host.t;
    const keep = () => {
      this.dismissedOffer = m.key;
      this.update();
      if (this.host.isOpen()) this.composer?.focus();
    };
    return h('div', { class: 'lc-quick lc-offer', role: 'group', 'aria-label': t('chat.offer.label') },
      h('button', { type: 'button', class: 'lc-btn lc-btn-small', 'data-lc': 'leave-message', onclick: () => this.host.leaveMessage(), text: t('chat.offer.leave') }),
      h('button', { type: 'button', class: 'lc-btn lc-btn-ghost lc-btn-small', 'data-lc': 'keep-waiting', onclick: keep, text: t('chat.offer.wait') }));
  }
}
