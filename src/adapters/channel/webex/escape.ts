// Untrusted text (the visitor's) made inert for Webex markdown: it shows literally, with no
// mention (`<@all>`, `<@personEmail:…>`, `<@personId:…>`), no formatting, no HTML and no link
// whose text differs from its target. Webex follows CommonMark: `&lt;`-style entities and
// backslash escapes of ASCII punctuation both render as the plain character.

/** Characters that start markdown anywhere in a line. */
const INLINE = /[\\`*_[\]()~|]/g;

function escapeLine(line: string): string {
  let out = line
    // HTML and mentions: an entity is never parsed as a tag or a `<@…>` mention. Every `@` is
    // escaped too, so even a renderer that decodes entities first sees no mention, and an
    // e-mail address is not made a mailto link.
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(INLINE, (c) => `\\${c}`)
    .replace(/@/g, '\\@')
    // Autolinks (`http://…`, `www.…`): the address stays readable but is not turned into a link.
    .replace(/([a-z][a-z0-9+.-]*):\/\//gi, '$1\\://')
    .replace(/\b(www)\./gi, '$1\\.');
  // Block syntax only counts at the start of a line (after up to three spaces).
  out = out.replace(/^(\s{0,3})([#+=-])/, '$1\\$2').replace(/^(\s{0,3}\d{1,9})([.)])/, '$1\\$2');
  return out;
}

/** Visitor text → Webex markdown that renders exactly the visitor's characters. */
export function escapeMarkdown(text: string): string {
  return text.replace(/\r\n?/g, '\n').split('\n').map(escapeLine).join('\n');
}

export interface BotIdentity {
  /** Names a mention of the bot may show as: display name, nickname, first name. */
  names: string[];
  /** The bot's person id: `<spark-mention data-object-id="…">` in a message's html. */
  personId?: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * An agent's command without the mention of the bot. Webex puts the bot's display name in the
 * plain text where the mention was (usually first); html carries a `<spark-mention>` tag.
 * The longest matching name is removed once, with an `@` before it and `,`/`:` after it.
 */
export function stripBotMention(text: string, bot: BotIdentity): string {
  let out = text;
  if (bot.personId) {
    const tag = new RegExp(
      `<spark-mention[^>]*data-object-id="${escapeRegExp(bot.personId)}"[^>]*>.*?</spark-mention>`,
      'i',
    );
    out = out.replace(tag, ' ');
  }
  const names = bot.names
    .map((n) => n.trim())
    .filter(Boolean)
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  if (names.length > 0) {
    const mention = new RegExp(`(^|\\s)@?(?:${names.join('|')})(?=$|[\\s,:;!?.])[,:;]?`, 'iu');
    out = out.replace(mention, '$1');
  }
  return out.replace(/\s+/g, ' ').trim();
}
