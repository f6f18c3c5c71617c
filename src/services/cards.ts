// The cards the chat services post, as named templates (`cards/`) with plain data and a plain
// fallback. Every value is literal: the channel adapter expands the template and makes the
// visitor's text inert for its messenger's markup.
import { paragraph } from '../domain/rich-text.js';
import type { Chat, Topic } from '../domain/types.js';
import type { CardSpec } from '../ports.js';
import { clientFacts } from './user-agent.js';

/** A type, not an interface: it is plain JSON (card data). */
export type Fact = { title: string; value: string };

export function topicLabel(topic: Pick<Topic, 'id' | 'names'> | null | undefined, fallback: string): string {
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

/** Device, system and browser as words, with the "mobile" flag agents look for first. */
function clientLines(userAgent: string | null): Fact[] {
  const client = clientFacts(userAgent);
  return [
    { title: 'Device', value: client.mobile ? `📱 ${client.device}, mobile` : client.device },
    { title: 'System', value: client.os },
    { title: 'Browser', value: client.browser },
  ];
}

export function visitorFacts(chat: Chat, topic: Topic | null): Fact[] {
  const v = chat.visitor;
  const facts: Fact[] = [];
  // Only a signed e-mail is the site's word; the name and the rest are as typed in the widget.
  if (v.name) facts.push({ title: 'Name', value: `${v.name} (unverified)` });
  if (v.email) facts.push({ title: 'E-mail', value: `${v.email} ${v.verified ? '✓ verified' : '(unverified)'}` });
  for (const [name, value] of Object.entries(v.fields)) {
    if (name === 'name' || name === 'email' || !value) continue;
    const label = topic?.fields.find((f) => f.name === name)?.label.en ?? name;
    facts.push({ title: label, value });
  }
  facts.push(
    { title: 'Topic', value: topicLabel(topic, chat.topicId) },
    { title: 'Country', value: v.geo?.country ?? v.geo?.countryCode ?? 'unknown' },
    { title: 'Region', value: v.geo?.region ?? 'unknown' },
    { title: 'City', value: v.geo?.city ?? 'unknown' },
    { title: 'IP', value: v.ip ?? 'unknown' },
    ...clientLines(v.userAgent),
    { title: 'Page', value: v.page ?? 'unknown' },
    { title: 'Language', value: chat.language },
    { title: 'Chat', value: `#${chat.shortId}` },
  );
  return facts;
}

/** The control card: who the visitor is, and Claim · Escalate · Transfer · Close. */
export function visitorCard(chat: Chat, topic: Topic | null, topics: Topic[]): CardSpec {
  return {
    template: 'visitor',
    data: {
      heading: `Visitor${chat.visitor.name ? ` · ${chat.visitor.name}` : ''} · ${topicLabel(topic, chat.topicId)}`,
      status: stateText(chat),
      facts: visitorFacts(chat, topic),
      chatId: chat.id,
      canClaim: chat.state === 'queued' || chat.state === 'bot',
      topics: topics.map((t) => ({ title: topicLabel(t, t.id), value: t.id })),
    },
    fallback: [
      paragraph(`Chat #${chat.shortId} (${stateText(chat)}): use a client that shows cards to claim, escalate, transfer or close.`),
    ],
  };
}

/** How the chat ended, as the closing event recorded it (`cause`, the closer's name). */
export interface ClosingFacts {
  cause: string | null;
  byName: string | null;
}

const CLOSED_BY: Record<string, string> = {
  visitor: 'the visitor',
  visitor_left: 'the visitor',
  inactivity: 'inactivity',
  system: 'the system',
};

const CLOSED_BECAUSE: Record<string, string> = {
  visitor: 'the visitor ended the chat',
  visitor_left: 'the visitor left',
  inactivity: 'the visitor did not answer',
};

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 120) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The summary that replaces the live card: human words only (names, not ids or e-mails). */
export function closedCard(chat: Chat, messages: number, topic: Topic | null, closing: ClosingFacts): CardSpec {
  const cause = closing.cause ?? 'system';
  const byPerson = cause === 'agent' || cause === 'supervisor';
  const closedBy = byPerson ? (closing.byName ?? chat.closedBy ?? 'an agent') : (CLOSED_BY[cause] ?? 'the system');
  // A visitor's own reason is one of ours (gave up waiting); otherwise the cause in words.
  const own = byPerson || (cause === 'visitor' && chat.closeReason);
  const reason = own ? (chat.closeReason ?? 'none given') : (CLOSED_BECAUSE[cause] ?? 'none given');
  const ms = chat.closedAt ? Math.max(0, chat.closedAt.getTime() - chat.createdAt.getTime()) : 0;
  const facts: Fact[] = [
    { title: 'Topic', value: topicLabel(topic, chat.topicId) },
    { title: 'Visitor', value: chat.visitor.name ?? 'anonymous' },
    { title: 'Closed by', value: closedBy },
    { title: 'Reason', value: reason },
    { title: 'Owner', value: chat.ownerName ?? chat.ownerEmail ?? 'nobody claimed it' },
    { title: 'Duration', value: duration(ms) },
    { title: 'Messages', value: String(messages) },
  ];
  return {
    template: 'closed',
    data: { heading: `Chat #${chat.shortId} closed`, facts: facts },
    fallback: [paragraph(`Chat #${chat.shortId} closed by ${closedBy}. Reason: ${reason}.`)],
  };
}

/** The alert in the supervisors' space, with a link to the chat's space and the chat's buttons. */
export function unclaimedAlertCard(chat: Chat, topic: Topic | null, waitedMs: number, link: string | null): CardSpec {
  const minutes = Math.max(1, Math.round(waitedMs / 60_000));
  const facts: Fact[] = [
    { title: 'Topic', value: topicLabel(topic, chat.topicId) },
    { title: 'Visitor', value: chat.visitor.name ?? 'Visitor' },
    { title: 'Waiting', value: `${minutes} min` },
    { title: 'Chat', value: `#${chat.shortId}` },
  ];
  const heading = `Chat #${chat.shortId} is waiting for an agent`;
  return {
    template: 'unclaimed-alert',
    data: { heading, facts: facts, chatId: chat.id, link: link ?? '' },
    fallback: [
      paragraph(`${heading} (${minutes} min).`),
      ...(link ? [paragraph(`Open its space: ${link}`)] : []),
      paragraph(`Act on it: join #${chat.shortId}, close #${chat.shortId} [reason], reassign #${chat.shortId} to <email|topic>.`),
    ],
  };
}
