// What an agent wrote, as they wrote it: the server's small safe structure (WireBlock) built
// into DOM nodes with createElement and text nodes only. The structure is checked again here:
// a link opens only http(s) or mailto targets, in a new tab, without access to this page.
// Plain words become links where they hold an address. Visitors' words never come here.
import type { WireBlock, WireSpan } from '../../../src/contract/widget-api.js';

const URL_IN_TEXT = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;

/** The target when the widget may open it; else null. */
function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'mailto:' ? url.href : null;
  } catch {
    return null;
  }
}

function link(href: string, children: (Node | string)[]): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  a.className = 'lc-a';
  a.append(...children);
  return a;
}

/** Text with its addresses as links (trailing punctuation stays text). */
export function linkify(text: string): (Node | string)[] {
  const out: (Node | string)[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const word = m[0].replace(/[.,;:!?'")\]]+$/, '');
    const href = safeHref(word.toLowerCase().startsWith('www.') ? `https://${word}` : word);
    if (!href) continue;
    out.push(text.slice(last, m.index));
    out.push(link(href, [word]));
    last = m.index + word.length;
  }
  out.push(text.slice(last));
  return out.filter((n) => n !== '');
}

function span(s: WireSpan): Node {
  const text = typeof s.text === 'string' ? s.text : '';
  const href = typeof s.href === 'string' ? safeHref(s.href) : null;
  let node: Node;
  if (s.code) {
    node = document.createElement('code');
    node.textContent = text;
  } else {
    const frag = document.createDocumentFragment();
    frag.append(...(href ? [text] : linkify(text)));
    node = frag;
  }
  const wrap = (tag: string) => {
    const el = document.createElement(tag);
    el.append(node);
    node = el;
  };
  if (s.strike) wrap('s');
  if (s.emphasis) wrap('em');
  if (s.strong) wrap('strong');
  return href ? link(href, [node]) : node;
}

function spans(list: unknown): Node[] {
  return Array.isArray(list) ? (list as WireSpan[]).filter((s) => s && typeof s === 'object').map(span) : [];
}

/** The blocks as nodes; anything not understood is left out (its words are in `text`). */
export function renderRich(blocks: WireBlock[]): Node[] {
  const out: Node[] = [];
  for (const b of blocks) {
    if (b?.kind === 'paragraph') {
      const p = document.createElement('p');
      p.className = 'lc-rp';
      p.append(...spans(b.spans));
      out.push(p);
    } else if (b?.kind === 'list' && Array.isArray(b.items)) {
      const list = document.createElement(b.ordered ? 'ol' : 'ul');
      list.className = 'lc-rl';
      for (const item of b.items) {
        const li = document.createElement('li');
        li.append(...spans(item));
        list.append(li);
      }
      out.push(list);
    } else if (b?.kind === 'code' && typeof b.text === 'string') {
      const pre = document.createElement('pre');
      pre.className = 'lc-pre';
      pre.textContent = b.text;
      out.push(pre);
    }
  }
  return out;
}
