// The panel's views before a chat: the topic list, a topic's pre-chat form and the offline form
// of a closed topic. Each returns the nodes for the panel's body; what happens next is the
// panel's (./app.ts) through the host.
import type { TFunction } from 'i18next';
import type { FieldSpec, TopicInfo, VisitorUser, WidgetConfig } from '../shared/types.js';
import { ApiError } from './api.js';
import { h } from './dom.js';
import { buildForm, type FormField, type FormHandle, type Prefill } from './form.js';
import { formatWhen, type Language } from './i18n.js';

export interface ViewsHost {
  readonly t: TFunction;
  readonly lang: Language;
  readonly user: VisitorUser;
  readonly config: WidgetConfig | null;
  chooseTopic(topic: TopicInfo): void;
  retryTopics(): void;
  startChat(topic: TopicInfo, values: Record<string, string>, form: FormHandle): Promise<void>;
  sendOffline(topic: TopicInfo, values: Record<string, string>): Promise<void>;
}

function topicState(host: ViewsHost, topic: TopicInfo): string {
  const t = host.t;
  if (topic.open) return t('topics.open');
  return topic.nextOpening ? t('topics.nextOpening', { when: formatWhen(topic.nextOpening, host.lang, t) }) : t('topics.noNextOpening');
}

export function topicsView(host: ViewsHost, alert?: string): Node[] {
  const t = host.t;
  const topics = host.config?.topics ?? [];
  const out: Node[] = [h('h3', { class: 'lc-h', tabindex: '-1', text: t('topics.heading') })];
  if (alert) {
    out.push(h('p', { class: 'lc-alert', role: 'alert', text: t(alert) }));
    if (!host.config) {
      out.push(h('button', { type: 'button', class: 'lc-btn', 'data-autofocus': true, onclick: () => host.retryTopics(), text: t('topics.retry') }));
      return out;
    }
  }
  if (!topics.length) out.push(h('p', { class: 'lc-p', text: t('topics.none') }));
  out.push(
    h('ul', { class: 'lc-topics' }, ...topics.map((topic) =>
      h('li', {},
        h('button', { type: 'button', class: 'lc-topic', 'data-topic': topic.id, onclick: () => host.chooseTopic(topic) },
          h('span', { class: 'lc-topic-name', text: topic.name }),
          h('span', { class: 'lc-topic-state' }, h('span', { class: topic.open ? 'lc-dot' : 'lc-dot lc-off', 'aria-hidden': 'true' }), topicState(host, topic)),
        )))),
  );
  return out;
}

/** The server sends labels in the asked language; a field without one gets ours. */
function fieldLabel(t: TFunction, f: FieldSpec): string {
  if (f.label) return f.label;
  if (f.name === 'name') return t('form.name');
  if (f.name === 'email' || f.type === 'email') return t('form.email');
  return f.name;
}

export function formView(host: ViewsHost, topic: TopicInfo, alertKey?: string): Node[] {
  const t = host.t;
  const fields: FormField[] = topic.fields.map((f) => ({ name: f.name, type: f.type, required: f.required, label: fieldLabel(t, f) }));
  const { form, handle } = buildForm(t, host.user, fields, t('form.start'), async (values, handle) => {
    handle.busy(true, t('form.starting'));
    await host.startChat(topic, values, handle);
    handle.busy(false);
  });
  if (alertKey) handle.alert(t(alertKey));
  return [
    h('h3', { class: 'lc-h', tabindex: '-1', text: topic.name }),
    h('p', { class: 'lc-p', text: t('form.intro') }),
    form,
  ];
}

/**
 * The offline form: for a closed topic, or (`gaveUp`) for a visitor who stopped waiting in the
 * queue, pre-filled with what they gave and wrote in the chat.
 */
export function offlineView(host: ViewsHost, topic: TopicInfo, nextOpening: string | null, gaveUp?: Prefill): Node[] {
  const t = host.t;
  const when = nextOpening ? t('offline.nextOpening', { when: formatWhen(nextOpening, host.lang, t) }) : t('offline.noNextOpening');
  const user: Prefill = gaveUp ? { ...host.user, name: gaveUp.name ?? host.user.name, email: gaveUp.email ?? host.user.email, message: gaveUp.message } : host.user;
  const fields: FormField[] = [
    { name: 'name', type: 'text', required: true, label: t('form.name') },
    { name: 'email', type: 'email', required: true, label: t('form.email') },
    { name: 'message', type: 'message', required: true, label: t('form.message') },
  ];
  const wrap = h('div', { class: 'lc-form' });
  const { form } = buildForm(t, user, fields, t('offline.send'), async (values, handle) => {
    handle.busy(true, t('offline.sending'));
    try {
      await host.sendOffline(topic, values);
      const ok = h('p', { class: 'lc-ok', role: 'status', tabindex: '-1', text: t('offline.sent') });
      wrap.replaceChildren(ok);
      ok.focus();
    } catch (err) {
      handle.busy(false);
      if (err instanceof ApiError && err.status === 400) handle.serverErrors(err.body);
      else handle.alert(t('offline.failed'));
    }
  });
  wrap.append(form);
  if (gaveUp) {
    return [
      h('h3', { class: 'lc-h', tabindex: '-1', text: t('offline.gaveUpHeading', { topic: topic.name }) }),
      h('p', { class: 'lc-p', text: t('offline.gaveUpIntro') }),
      wrap,
    ];
  }
  return [
    h('h3', { class: 'lc-h', tabindex: '-1', text: t('offline.heading', { topic: topic.name }) }),
    h('p', { class: 'lc-p', 'data-lc': 'next-opening', text: when }),
    h('p', { class: 'lc-p', text: t('offline.intro') }),
    wrap,
  ];
}
