// The supervisors' commands that act on one chat: `join #d7dc65`, `close d7dc65 spam`,
// `reassign #d7dc65 to ann@example.com`, `transcript <full id>`. Pure, like the other commands.
import type { ChatRef, ParsedCommand, Words } from './commands.js';

const ok = (command: Extract<ParsedCommand, { ok: true }>['command']): ParsedCommand => ({ ok: true, command });
const bad = (error: string, example: string): ParsedCommand => ({ ok: false, error, example });

const CHAT_EXAMPLE = 'close #d7dc65 visitor asked us to';
const REASSIGN_EXAMPLE = 'reassign #d7dc65 to ann@example.com (or to a topic: reassign #d7dc65 to sales)';

/** `#d7dc65`, `d7dc65` or a full chat id. */
export function parseChatRef(word: string): ChatRef | null {
  const text = word.replace(/^#/, '');
  if (/^[0-9a-f]{6}$/i.test(text)) return { shortId: text.toLowerCase() };
  if (/^[0-9a-z][0-9a-z_-]{7,99}$/i.test(text)) return { id: text };
  return null;
}

export function parseChatCommand(verb: 'join' | 'close' | 'transcript' | 'reassign', w: Words, topicIds: readonly string[]): ParsedCommand {
  const example = verb === 'reassign' ? REASSIGN_EXAMPLE : verb === 'close' ? CHAT_EXAMPLE : `${verb} #d7dc65`;
  // "close chat #d7dc65"
  if (w.list[0] === 'chat') {
    w.list.shift();
    w.raw.shift();
  }
  const word = w.raw.shift();
  w.list.shift();
  if (word === undefined) return bad('Name the chat: its short id (#d7dc65) or its full id.', example);
  const chat = parseChatRef(word);
  if (!chat) return bad(`"${word}" is not a chat id: use the short id shown in the space title (#d7dc65) or the full id.`, example);
  if (verb === 'close') {
    const reason = w.raw.join(' ').trim();
    return ok({ kind: 'close', chat, reason: reason ? reason.slice(0, 500) : null });
  }
  if (verb !== 'reassign') return w.raw.length ? bad(`I did not understand "${w.raw.join(' ')}" after the chat.`, example) : ok({ kind: verb, chat });
  if (w.list[0] === 'to') {
    w.list.shift();
    w.raw.shift();
  }
  if (w.raw.length !== 1) return bad('Say to whom: an e-mail address or a topic id.', example);
  const target = w.raw[0]!;
  if (target.includes('@')) {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(target)) return bad(`"${target}" is not an e-mail address.`, example);
    return ok({ kind: 'reassign', chat, to: { kind: 'person', email: target.toLowerCase() } });
  }
  const topicId = topicIds.find((t) => t.toLowerCase() === target.toLowerCase());
  if (!topicId) return bad(`"${target}" is neither an e-mail address nor a topic${topicIds.length ? ` (topics: ${topicIds.join(', ')})` : ''}.`, example);
  return ok({ kind: 'reassign', chat, to: { kind: 'topic', topicId } });
}
