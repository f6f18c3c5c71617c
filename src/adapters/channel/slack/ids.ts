// Slack's names for things: message ids `<channel>:<ts>` (a ts is unique only within its
// channel), channel names Slack accepts.

export function messageIdOf(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

/** `<channel>:<ts>` → its parts; null for anything else. */
export function parseMessageId(id: string): { channel: string; ts: string } | null {
  const match = /^([A-Z0-9]+):(\d+\.\d+)$/i.exec(id);
  return match ? { channel: match[1]!, ts: match[2]! } : null;
}

/** A title → a channel name Slack accepts (lowercase, letters, digits, `-`, `_`, at most 80). */
export function channelName(title: string, suffix = ''): string {
  const base =
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/-+/g, '-')
      .replace(/^-|-$/g, '') || 'chat';
  const tail = suffix ? `-${suffix}` : '';
  return `${base.slice(0, 80 - tail.length).replace(/-$/, '')}${tail}`;
}
