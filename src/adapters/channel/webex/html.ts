// A Webex message's `html` (what clients send when they keep no `markdown`) → the neutral
// markdown the services read. Only the few tags Webex clients write are understood (paragraphs,
// breaks, bold, italics, strike-through, code, links, lists, headings); any other tag is
// dropped and its words kept. Every word is escaped, so nothing in it becomes markup.

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

const decode = (text: string): string =>
  text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ENTITIES[ref.toLowerCase()] !== undefined) return ENTITIES[ref.toLowerCase()]!;
    if (ref[0] !== '#') return whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });

const escapeMarkdown = (text: string): string => text.replace(/[\\`*_{}[\]()#+\-.!<>~|&]/g, (c) => `\\${c}`);

function attribute(attrs: string, name: string): string | null {
  const m = new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(attrs);
  return m ? decode(m[1] ?? m[2] ?? '') : null;
}

const MARKS: Record<string, string> = { strong: '**', b: '**', em: '*', i: '*', del: '~~', s: '~~', strike: '~~' };

/** The html as CommonMark; a mention of `botId` is left out (it addressed the bot). */
export function htmlToMarkdown(html: string, botId: string): string {
  let out = '';
  const lists: { ordered: boolean; n: number }[] = [];
  const links: (string | null)[] = [];
  let pre = false;
  let code = false;
  let skip = 0;
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][\w-]*)([^>]*)>|([^<]+)|</g)) {
    const [, closing, rawTag, attrs = '', text] = m;
    if (rawTag === undefined) {
      if (skip) continue;
      const words = decode(text ?? '<');
      out += pre || code ? words.replace(/`/g, code ? "'" : '`') : escapeMarkdown(words.replace(/\s+/g, ' '));
      continue;
    }
    const tag = rawTag.toLowerCase();
    const open = closing !== '/';
    if (tag === 'spark-mention') {
      if (open && attribute(attrs, 'data-object-id') === botId) skip++;
      else if (!open && skip) skip--;
      continue;
    }
    if (skip) continue;
    if (MARKS[tag]) out += MARKS[tag];
    else if (tag === 'code' && !pre) {
      out += '`';
      code = open;
    } else if (tag === 'br') out += '\n';
    else if (tag === 'p' || tag === 'div' || tag === 'blockquote') out += open || lists.length ? '' : '\n\n';
    else if (/^h[1-6]$/.test(tag)) out += open ? '**' : '**\n\n';
    else if (tag === 'pre') {
      out += open ? '\n\n```\n' : '\n```\n\n';
      pre = open;
    } else if (tag === 'a') {
      if (open) {
        const href = attribute(attrs, 'href');
        links.push(href);
        if (href) out += '[';
      } else {
        const href = links.pop();
        if (href) out += `](<${href.replace(/[<>\s]/g, encodeURIComponent)}>)`;
      }
    } else if (tag === 'ul' || tag === 'ol') {
      if (open) lists.push({ ordered: tag === 'ol', n: 0 });
      else lists.pop();
      out += '\n\n';
    } else if (tag === 'li' && open) {
      const list = lists[lists.length - 1];
      const indent = '   '.repeat(Math.max(0, lists.length - 1));
      out += `\n${indent}${list?.ordered ? `${++list.n}.` : '-'} `;
    }
  }
  return out.replace(/\n{3,}/g, '\n\n').trim();
}
