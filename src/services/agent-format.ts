// An agent's markdown (the neutral form every messenger adapter hands over) → the small safe
// structure the widget renders (src/contract: WireBlock). Only words and a little structure
// survive: bold, italics, strike-through, code, lists, line breaks and links whose target is
// http(s) or mailto. Raw HTML is kept as the literal text the agent typed, never as markup.
import { Lexer, type Token, type Tokens } from 'marked';
import type { WireBlock, WireSpan } from '../contract/widget-api.js';

type Marks = Omit<WireSpan, 'text'>;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Markdown's character references, as the reader sees them. */
function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** The link target when it is one the widget may open (http, https, mailto); else null. */
function safeHref(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return null;
  }
  return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
}

function inline(tokens: Token[] | undefined, marks: Marks, out: WireSpan[]): void {
  for (const token of tokens ?? []) {
    const t = token as Tokens.Generic;
    switch (token.type) {
      case 'strong':
        inline(t.tokens, { ...marks, strong: true }, out);
        break;
      case 'em':
        inline(t.tokens, { ...marks, emphasis: true }, out);
        break;
      case 'del':
        inline(t.tokens, { ...marks, strike: true }, out);
        break;
      case 'codespan':
        out.push({ ...marks, code: true, text: decode(String(t.text)) });
        break;
      case 'br':
        out.push({ ...marks, text: '\n' });
        break;
      case 'link':
      case 'image': {
        const href = safeHref(String(t.href));
        const { href: _outer, ...rest } = marks;
        // An image is shown as a link to it; a refused target leaves the words, unlinked.
        const inner = href ? { ...rest, href } : rest;
        if (token.type === 'image') out.push({ ...inner, text: decode(String(t.text || t.href)) });
        else inline(t.tokens, inner, out);
        break;
      }
      case 'html':
      case 'escape':
        out.push({ ...marks, text: token.type === 'html' ? String(t.raw) : decode(String(t.text)) });
        break;
      default:
        if (t.tokens?.length) inline(t.tokens, marks, out);
        else out.push({ ...marks, text: decode(String(t.text ?? t.raw ?? '')) });
    }
  }
}

/** Neighbouring spans with the same marks become one (smaller on the wire, simpler to render). */
function spansOf(tokens: Token[] | undefined): WireSpan[] {
  const raw: WireSpan[] = [];
  inline(tokens, {}, raw);
  const out: WireSpan[] = [];
  for (const span of raw) {
    if (!span.text) continue;
    const last = out[out.length - 1];
    const { text: _a, ...a } = span;
    if (last) {
      const { text: _b, ...b } = last;
      if (JSON.stringify(a) === JSON.stringify(b)) {
        last.text += span.text;
        continue;
      }
    }
    out.push({ ...span });
  }
  return out;
}

function blocks(tokens: Token[], out: WireBlock[]): void {
  for (const token of tokens) {
    const t = token as Tokens.Generic;
    switch (token.type) {
      case 'space':
      case 'hr':
        break;
      case 'code':
        out.push({ kind: 'code', text: String(t.text) });
        break;
      case 'list':
        out.push({
          kind: 'list',
          ordered: Boolean(t.ordered),
          items: (t.items as Tokens.ListItem[]).map((item) => spansOf(item.tokens.flatMap((x) => ('tokens' in x && x.type === 'text' ? (x.tokens ?? [x]) : [x])))),
        });
        break;
      case 'heading':
        out.push({ kind: 'paragraph', spans: spansOf([{ type: 'strong', raw: t.raw, text: t.text, tokens: t.tokens ?? [] } as Token]) });
        break;
      case 'blockquote':
        blocks(t.tokens ?? [], out);
        break;
      case 'html':
        out.push({ kind: 'paragraph', spans: [{ text: String(t.raw).trim() }] });
        break;
      case 'table':
        // Rows as lines of cells: the words stay, the grid does not.
        out.push({ kind: 'paragraph', spans: [{ text: String(t.raw).trim() }] });
        break;
      default:
        out.push({ kind: 'paragraph', spans: spansOf(t.tokens ?? [{ type: 'text', raw: t.raw, text: t.text ?? t.raw } as Token]) });
    }
  }
}

/**
 * The agent's markdown as the widget's safe structure; null when it carries nothing beyond its
 * plain text (one paragraph of unmarked words), so plain messages stay plain on the wire.
 */
export function agentRichText(markdown: string): WireBlock[] | null {
  if (!markdown.trim()) return null;
  const out: WireBlock[] = [];
  blocks(Lexer.lex(markdown, { gfm: true, breaks: true }), out);
  const rich = out.filter((b) => b.kind === 'code' || (b.kind === 'paragraph' ? b.spans.length > 0 : b.items.length > 0));
  const plain = rich.length === 1 && rich[0]!.kind === 'paragraph' && rich[0]!.spans.every((s) => Object.keys(s).length === 1);
  return rich.length === 0 || plain ? null : rich;
}
