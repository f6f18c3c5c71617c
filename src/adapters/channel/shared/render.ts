// RichText laid out the same way for every messenger: paragraphs apart, list items as `- `
// lines, a visitor's name as a bold prefix, notes in italics right under the text. Each
// messenger's render.ts supplies its dialect: how a span is made literal, its code span, and its
// strong and emphasis marks.
import type { Block, RichText, Span } from '../../../domain/rich-text.js';
import type { OutgoingMessage } from '../../../ports.js';

export interface Dialect {
  /** Any text made literal: it shows exactly its characters, never markup, a mention or a link. */
  literal(text: string): string;
  /** A code span of `text`. */
  code(text: string): string;
  strong: string;
  emphasis: string;
}

/** `mark` around the text of each line (formatting does not span a line break), spaces outside. */
function wrapLines(text: string, mark: string): string {
  return text
    .split('\n')
    .map((line) => {
      const [, lead = '', body = '', trail = ''] = /^(\s*)(.*?)(\s*)$/.exec(line) ?? [];
      return body ? `${lead}${mark}${body}${mark}${trail}` : line;
    })
    .join('\n');
}

function renderSpan(span: Span, dialect: Dialect): string {
  if (span.code) return dialect.code(span.text);
  let out = dialect.literal(span.text);
  if (span.strong) out = wrapLines(out, dialect.strong);
  if (span.emphasis) out = wrapLines(out, dialect.emphasis);
  return out;
}

/** One line of spans; `italic`: the whole line in emphasis (notes). */
function renderLine(spans: Span[], dialect: Dialect, italic: boolean): string {
  const line = spans.map((span) => renderSpan(span, dialect)).join('');
  return italic ? wrapLines(line, dialect.emphasis) : line;
}

function renderBlock(block: Block, dialect: Dialect, italic = false): string {
  if (block.kind === 'paragraph') return renderLine(block.spans, dialect, italic);
  return block.items.map((item) => `- ${renderLine(item, dialect, italic)}`).join('\n');
}

function joinBlocks(blocks: string[]): string {
  return blocks.filter((block) => block.trim() !== '').join('\n\n');
}

export function renderRichText(text: RichText, dialect: Dialect): string {
  return joinBlocks(text.map((block) => renderBlock(block, dialect)));
}

/**
 * Who a visitor line is from: always starts with "Visitor", so a visitor who calls themselves
 * "Live Chat Bot" or an agent's name is visibly the visitor ("Visitor · Support (unverified)").
 */
export function visitorLabel(name: string | null, verified: boolean): string {
  const mark = verified ? ' (✓ verified)' : name ? ' (unverified)' : '';
  return `Visitor${name ? ` · ${name}` : ''}${mark}`;
}

/** A whole message: the visitor's label first when the visitor speaks, then the text, then the
 *  notes right under it (as the translation line always was). */
export function renderOutgoing(message: OutgoingMessage, dialect: Dialect): string {
  const body = renderRichText(message.text, dialect);
  const speaker = message.speaker;
  const label = speaker.kind === 'visitor' ? visitorLabel(speaker.name, speaker.verified) : '';
  const withName = speaker.kind === 'visitor' ? `${wrapLines(`${dialect.literal(label)}:`, dialect.strong)} ${body}`.trimEnd() : body;
  const notes = joinBlocks((message.notes ?? []).map((block) => renderBlock(block, dialect, true)));
  return [withName, notes].filter((part) => part.trim() !== '').join('\n');
}
