// Text between this product and Slack's mrkdwn. Slack parses `<…>` as mentions (`<!channel>`,
// `<@U…>`) and links (`<http://x|label>`), and decodes only `&amp;`, `&lt;`, `&gt;`: escaping those
// three characters makes any text inert for mentions and links. Pure functions, no I/O.

const ZWSP = '\u200b';

/** Untrusted text → mrkdwn that cannot mention anyone or make a link. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Characters that start formatting in mrkdwn: a zero-width space after them stops it. */
const FORMATTING = new Set(['*', '_', '~', '`']);

/**
 * The product's messages are written in Webex markdown (CommonMark: `**bold**`, `[label](url)`,
 * backslash escapes, `&lt;`-style entities for visitor text). This turns them into mrkdwn:
 * escaped characters show literally (formatting marks are broken with a zero-width space, an
 * escaped `:` in `http\://` keeps an address from becoming a link, an escaped `>` starting a
 * line does not quote it), `**x**` becomes `*x*`,
 * http(s) links become `<url|label>`, and every other `&`, `<`, `>` is escaped.
 */
export function markdownToMrkdwn(markdown: string): string {
  let out = '';
  let i = 0;
  const text = markdown.replace(/\r\n?/g, '\n');
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && /[!-/:-@[-`{-~]/.test(text[i + 1]!)) {
      const escaped = text[i + 1]!;
      if (escaped === '&' || escaped === '<' || escaped === '>') out += escapeSlack(escaped);
      else if (FORMATTING.has(escaped)) out += escaped + ZWSP;
      else if (escaped === ':') out += `:${ZWSP}`;
      else out += escaped;
      i += 2;
      continue;
    }
    if (c === '&') {
      const entity = /^&(amp|lt|gt);/.exec(text.slice(i));
      // Slack quotes a line that starts with `&gt;`; an escaped `>` (an entity here) is text.
      if (entity?.[1] === 'gt' && /(^|\n)[ \t]*$/.test(out)) out += ZWSP;
      out += entity ? entity[0] : '&amp;';
      i += entity ? entity[0].length : 1;
      continue;
    }
    if (c === '<') {
      out += '&lt;';
      i++;
      continue;
    }
    if (c === '>') {
      out += '&gt;';
      i++;
      continue;
    }
    if (c === '*' && text[i + 1] === '*') {
      out += '*';
      i += 2;
      continue;
    }
    if (c === '[') {
      const link = /^\[([^\]\n]+)\]\((https?:\/\/[^\s()<>|]+)\)/.exec(text.slice(i));
      if (link) {
        out += `<${link[2]}|${markdownToMrkdwn(link[1]!).replace(/\|/g, '/')}>`;
        i += link[0].length;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

export interface MrkdwnNames {
  /** A user id's display name, when known. */
  user(id: string): string | undefined;
}

/**
 * An agent's Slack message → plain text for the visitor: mentions become `@name`, links their
 * label (with the address when it differs), entities decoded.
 */
export function mrkdwnToPlain(text: string, names: MrkdwnNames): string {
  return text
    .replace(/<([^<>]*)>/g, (_all, inner: string) => {
      const [target = '', label] = inner.split('|', 2);
      if (target.startsWith('@')) return `@${label ?? names.user(target.slice(1)) ?? 'someone'}`;
      if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
      if (target.startsWith('!')) {
        const word = target.slice(1).split('^')[0] ?? '';
        return label ?? `@${word.replace(/^subteam$/, 'group')}`;
      }
      const address = target.replace(/^mailto:/, '');
      if (!label || label === address || label === target) return address;
      return `${label} (${address})`;
    })
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The user ids a message mentions (`<@U…>` and `<@U…|name>`). */
export function mentionedUsers(text: string): string[] {
  return [...text.matchAll(/<@([A-Z0-9]+)(?:\|[^>]*)?>/gi)].map((m) => m[1]!);
}

/** Removes mentions of `userId` (and the `,`/`:` after them) and tidies the spaces. */
export function stripUserMention(text: string, userId: string): string {
  const pattern = new RegExp(`<@${userId}(?:\\|[^>]*)?>[,:]?`, 'g');
  return text
    .split('\n')
    .map((line) => line.replace(pattern, ' ').replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .trim();
}

/** Characters CommonMark would read as markup, escaped so that Slack's words stay words. */
const escapeMarkdown = (text: string): string => text.replace(/[\\`*_{}[\]()#+\-.!<>~|&]/g, (c) => `\\${c}`);

/**
 * An agent's Slack message → the neutral markdown (CommonMark): `*bold*` → `**bold**`,
 * `_italic_` → `*italic*`, `~strike~` → `~~strike~~`, code kept, `<url|label>` → `[label](url)`,
 * mentions → `@name`; Slack's entities are decoded and every other character is literal.
 */
export function mrkdwnToMarkdown(text: string, names: MrkdwnNames): string {
  const parts: string[] = [];
  // Code first (its content is literal), then links and mentions, then the emphasis marks.
  const pattern = /```([\s\S]*?)```|`([^`\n]+)`|<([^<>]*)>|(?<![\w*])\*([^*\n]+)\*(?![\w*])|(?<![\w_])_([^_\n]+)_(?![\w_])|(?<![\w~])~([^~\n]+)~(?![\w~])/g;
  const plain = (s: string) => escapeMarkdown(s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    parts.push(plain(text.slice(last, m.index)));
    last = m.index + m[0].length;
    const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
    if (m[1] !== undefined) parts.push('\n```\n' + decode(m[1]).replace(/^\n|\n$/g, '') + '\n```\n');
    else if (m[2] !== undefined) parts.push('`' + decode(m[2]).replace(/`/g, "'") + '`');
    else if (m[3] !== undefined) {
      const [target = '', label] = m[3].split('|', 2);
      if (/^(https?:|mailto:)/.test(target)) parts.push(`[${plain(label ?? target.replace(/^mailto:/, ''))}](<${target.replace(/[<>\s]/g, encodeURIComponent)}>)`);
      else parts.push(plain(mrkdwnToPlain(m[0], names)));
    } else if (m[4] !== undefined) parts.push(`**${plain(m[4])}**`);
    else if (m[5] !== undefined) parts.push(`*${plain(m[5])}*`);
    else if (m[6] !== undefined) parts.push(`~~${plain(m[6])}~~`);
  }
  parts.push(plain(text.slice(last)));
  // Slack's line breaks are CommonMark hard breaks (the parser runs with `breaks`).
  return parts.join('').trim();
}
