// Adaptive Cards (schema 1.3, what Webex renders) from the JSON templates in `cards/`, expanded
// with adaptivecards-templating. Values a visitor typed are made inert: cards render markdown,
// so a name like `[x](http://evil)` must not become a link.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Chat, Topic } from '../domain/types.js';
import { fromRoot } from '../paths.js';
import type { Json } from '../ports.js';

// Loaded untyped: the package's declarations import the renderer's TypeScript sources, which
// do not compile under this project's settings. The part used here is one class.
interface CardTemplate {
  expand(context: { $root: unknown }): unknown;
}
const { Template } = createRequire(import.meta.url)('adaptivecards-templating') as {
  Template: new (payload: unknown) => CardTemplate;
};

export const DEFAULT_CARDS_DIR = fromRoot('cards');

export interface Fact {
  title: string;
  value: string;
}

/** Breaks link and emphasis syntax without changing what the text shows. */
export function inertCardText(text: string): string {
  return text
    .replace(/\]\s*\(/g, ']\u200b(')
    .replace(/([*_~`])/g, '$1\u200b')
    .replace(/<@/g, '<\u200b@');
}

function topicName(topic: Topic | null | undefined, fallback: string): string {
  if (!topic) return fallback;
  return topic.names.en ?? Object.values(topic.names)[0] ?? topic.id;
}

function stateText(chat: Chat): string {
  switch (chat.state) {
    case 'bot':
      return 'With the assistant';
    case 'queued':
      return 'Waiting for an agent';
    case 'active':
      return `Claimed by ${chat.ownerName ?? chat.ownerEmail ?? 'an agent'}`;
    case 'closed':
      return 'Closed';
  }
}

export class CardBuilder {
  private readonly templates = new Map<string, CardTemplate>();

  constructor(private readonly dir: string = DEFAULT_CARDS_DIR) {}

  private template(name: string): CardTemplate {
    let template = this.templates.get(name);
    if (!template) {
      template = new Template(JSON.parse(readFileSync(path.join(this.dir, `${name}.json`), 'utf8')));
      this.templates.set(name, template);
    }
    return template;
  }

  expand(name: string, data: Record<string, unknown>): Json {
    return this.template(name).expand({ $root: data }) as Json;
  }

  visitorFacts(chat: Chat, topic: Topic | null): Fact[] {
    const v = chat.visitor;
    const facts: Fact[] = [];
    if (v.name) facts.push({ title: 'Name', value: inertCardText(v.name) });
    if (v.email) facts.push({ title: 'E-mail', value: inertCardText(v.email) });
    for (const [name, value] of Object.entries(v.fields)) {
      if (name === 'name' || name === 'email' || !value) continue;
      const label = topic?.fields.find((f) => f.name === name)?.label.en ?? name;
      facts.push({ title: inertCardText(label), value: inertCardText(value) });
    }
    facts.push(
      { title: 'Topic', value: topicName(topic, chat.topicId) },
      { title: 'Country', value: inertCardText(v.geo?.country ?? v.geo?.countryCode ?? 'unknown') },
      { title: 'Region', value: inertCardText(v.geo?.region ?? 'unknown') },
      { title: 'City', value: inertCardText(v.geo?.city ?? 'unknown') },
      { title: 'IP', value: v.ip ?? 'unknown' },
      { title: 'Browser', value: inertCardText(v.userAgent ?? 'unknown') },
      { title: 'Page', value: inertCardText(v.page ?? 'unknown') },
      { title: 'Language', value: chat.language },
      { title: 'Chat', value: `#${chat.shortId}` },
    );
    return facts;
  }

  /** The control card: who the visitor is, and Claim · Escalate · Transfer · Close. */
  visitorCard(chat: Chat, topic: Topic | null, topics: Topic[]): { card: Json; fallback: string } {
    const heading = `${chat.visitor.name ? inertCardText(chat.visitor.name) : 'Visitor'} · ${topicName(topic, chat.topicId)}`;
    const card = this.expand('visitor', {
      heading,
      status: stateText(chat),
      facts: this.visitorFacts(chat, topic),
      chatId: chat.id,
      canClaim: chat.state === 'queued' || chat.state === 'bot',
      topics: topics.map((t) => ({ title: topicName(t, t.id), value: t.id })),
    });
    return { card, fallback: `Chat #${chat.shortId} (${stateText(chat)}): use a client that shows cards to claim, escalate, transfer or close.` };
  }

  closedCard(chat: Chat, messages: number, topic: Topic | null): { card: Json; fallback: string } {
    const minutes = chat.closedAt ? Math.max(0, Math.round((chat.closedAt.getTime() - chat.createdAt.getTime()) / 60_000)) : 0;
    const facts: Fact[] = [
      { title: 'Topic', value: topicName(topic, chat.topicId) },
      { title: 'Closed by', value: chat.closedBy ?? 'unknown' },
      { title: 'Reason', value: chat.closeReason ? inertCardText(chat.closeReason) : '—' },
      { title: 'Owner', value: chat.ownerName ?? chat.ownerEmail ?? 'nobody' },
      { title: 'Duration', value: `${minutes} min` },
      { title: 'Messages', value: String(messages) },
    ];
    const card = this.expand('closed', { heading: `Chat #${chat.shortId} closed`, facts });
    return { card, fallback: `Chat #${chat.shortId} closed.` };
  }

  unclaimedAlert(chat: Chat, topic: Topic | null, waitedMs: number): { card: Json; fallback: string } {
    const minutes = Math.max(1, Math.round(waitedMs / 60_000));
    const facts: Fact[] = [
      { title: 'Topic', value: topicName(topic, chat.topicId) },
      { title: 'Visitor', value: chat.visitor.name ? inertCardText(chat.visitor.name) : 'Visitor' },
      { title: 'Waiting', value: `${minutes} min` },
      { title: 'Chat', value: `#${chat.shortId}` },
    ];
    const heading = `Chat #${chat.shortId} is waiting for an agent`;
    const card = this.expand('unclaimed-alert', { heading, facts });
    return { card, fallback: `${heading} (${minutes} min).` };
  }
}
