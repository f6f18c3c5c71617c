// Names and titles: what agents and visitors see of each other.

/** How agents appear to visitors: always "Support", or the agent's first name. */
export type AgentDisplay = 'support' | 'first_name';

export interface AgentIdentity {
  email: string;
  displayName?: string | null;
  firstName?: string | null;
}

const EMAIL_LIKE = /@/;

/** Trims, drops control characters, collapses whitespace. */
export function cleanName(raw: string | null | undefined, maxLength = 64): string | null {
  if (!raw) return null;
  // eslint-disable-next-line no-control-regex
  const clean = raw.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (!clean) return null;
  return truncate(clean, maxLength);
}

/** The name a visitor sees for an agent's message; never the agent's e-mail address. */
export function agentDisplayName(
  agent: AgentIdentity,
  display: AgentDisplay,
  supportLabel = 'Support',
): string {
  if (display === 'support') return supportLabel;
  const candidates = [agent.firstName, agent.displayName?.split(/\s+/)[0]];
  for (const candidate of candidates) {
    const name = cleanName(candidate, 40);
    // Webex shows the e-mail as display name for people who never set one.
    if (name && !EMAIL_LIKE.test(name) && name.toLowerCase() !== agent.email.toLowerCase()) return name;
  }
  return supportLabel;
}

/** The visitor's name as agents see it; null when none was given. */
export function visitorDisplayName(visitor: { name: string | null }): string | null {
  return cleanName(visitor.name);
}

/**
 * Six hex digits shown as `#a1b2c3`. For a UUID they come from its last group, which is random
 * in both v4 and the time-ordered v7 (whose first digits repeat between chats made close in
 * time); any other id is hashed.
 */
export function shortId(id: string): string {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-([0-9a-f]{12})$/i.exec(id);
  if (uuid?.[1]) return uuid[1].slice(-6).toLowerCase();
  // FNV-1a, 32 bits, then six hex digits.
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash >>> 8).toString(16).padStart(6, '0');
}

/** Cuts at a code point (never inside a surrogate pair) and marks the cut with `…`. */
export function truncate(text: string, maxLength: number): string {
  const points = Array.from(text);
  if (points.length <= maxLength) return text;
  return `${points.slice(0, Math.max(0, maxLength - 1)).join('').trimEnd()}…`;
}

/**
 * Webex does not publish a room title limit; long titles are cut by the clients anyway.
 * 128 characters keeps the whole title visible in lists and well inside what the API accepts.
 */
export const SPACE_TITLE_MAX = 128;

/** `<topic> · <visitor name or "Visitor"> · #<short id>`, at most SPACE_TITLE_MAX characters. */
export function spaceTitle(
  topicName: string,
  visitorName: string | null,
  chatShortId: string,
  visitorLabel = 'Visitor',
  maxLength = SPACE_TITLE_MAX,
): string {
  const suffix = ` · #${chatShortId}`;
  const topic = cleanName(topicName, 1000) ?? '';
  const visitor = cleanName(visitorName, 1000) ?? visitorLabel;
  const room = maxLength - Array.from(suffix).length - 3; // 3: the middle ` · `
  // The visitor's name gets what the topic leaves, but the topic never takes more than half.
  const topicMax = Math.min(Array.from(topic).length, Math.max(8, Math.floor(room / 2)));
  const topicPart = truncate(topic, topicMax);
  const visitorPart = truncate(visitor, room - Array.from(topicPart).length);
  return `${topicPart} · ${visitorPart}${suffix}`;
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language' });

/** A language's English name for prompts (`pl` → `Polish`); the code itself when unknown. */
export function languageName(code: string): string {
  try {
    return languageNames.of(code) ?? code;
  } catch {
    return code;
  }
}
