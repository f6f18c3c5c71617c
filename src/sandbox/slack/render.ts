// How Slack shows a mrkdwn text, as far as the sandbox models it: `<…>` tokens become mentions
// and links, a line starting with `&gt;` is a quote, `&amp;`/`&lt;`/`&gt;` are decoded,
// zero-width spaces are invisible, and `*x*` is bold only when the marks hug visible characters
// at word boundaries.

interface Rendered {
  /** The characters a reader sees (formatting marks of real formatting removed). */
  shown: string;
  /** `channel`, `here`, `everyone` and user ids that would be notified. */
  mentions: string[];
  /** Addresses that would be links. */
  links: string[];
  /** Texts shown in bold. */
  bold: string[];
  /** Lines shown as quotes. */
  quotes: string[];
}

const BOLD = /(^|[\s(])\*([^\s*\u200b](?:[^*\n]*?[^\s*\u200b])?)\*(?=$|[\s.,!?;:)])/g;

export function renderMrkdwn(text: string): Rendered {
  const mentions: string[] = [];
  const links: string[] = [];
  const bold: string[] = [];
  const quotes: string[] = [];
  // A line starting with `&gt;` (what Slack stores for a typed `>`) is a quote.
  let shown = text.replace(/^[ \t]*&gt;[ \t]?(.*)$/gm, (_all, line: string) => {
    quotes.push(line);
    return line;
  });
  shown = shown.replace(/<([^<>]*)>/g, (_all, inner: string) => {
    const [target = '', label] = inner.split('|', 2);
    if (target.startsWith('@')) {
      mentions.push(target.slice(1));
      return `@${label ?? target.slice(1)}`;
    }
    if (target.startsWith('!')) {
      const word = target.slice(1).split('^')[0] ?? '';
      mentions.push(word);
      return label ?? `@${word}`;
    }
    if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
    links.push(target);
    return label ?? target;
  });
  shown = shown.replace(BOLD, (_all, before: string, inner: string) => {
    bold.push(inner.replace(/\u200b/g, ''));
    return `${before}${inner}`;
  });
  shown = shown
    .replace(/\u200b/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return { shown, mentions, links, bold, quotes };
}
