// The services' words (RichText) as Webex markdown: every span escaped (visitor and model text
// can never become markup, a mention or a link), strong as `**…**`, emphasis as `_…_`, lists as
// `- ` lines. A visitor's message carries the name as a bold prefix; notes (a translation) go
// under the text in italics. Splitting at Webex's size limit is left to split.ts.
import type { OutgoingMessage } from '../../../ports.js';
import type { Block, RichText, Span } from '../../../domain/rich-text.js';
import { escapeMarkdown } from './escape.js';

/** `mark` around the text of each line (emphasis does not span a line break), spaces outside. */
function wrapLines(text: string, mark: string): string {
  return text
    .split('\n')
    .map((line) => {
      const [, lead = '', body = '', trail = ''] = /^(\s*)(.*?)(\s*)$/.exec(line) ?? [];
      return body ? `${lead}${mark}${body}${mark}${trail}` : line;
    })
    .join('\n');
}

/** A code span: literal inside a backtick fence longer than any backtick run in it. */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\n/g, ' ')}${pad}${fence}`;
}

function renderSpan(span: Span): string {
  if (span.code) return codeSpan(span.text);
  let out = escapeMarkdown(span.text);
  if (span.strong) out = wrapLines(out, '**');
  if (span.emphasis) out = wrapLines(out, '_');
  return out;
}

/** One line of spans; `italic`: the whole line in emphasis (notes). */
function renderLine(spans: Span[], italic: boolean): string {
  const line = spans.map(renderSpan).join('');
  return italic ? wrapLines(line, '_') : line;
}

function renderBlock(block: Block, italic = false): string {
  if (block.kind === 'paragraph') return renderLine(block.spans, italic);
  return block.items.map((item) => `- ${renderLine(item, italic)}`).join('\n');
}

function joinBlocks(blocks: string[]): string {
  return blocks.filter((block) => block.trim() !== '').join('\n\n');
}

/** RichText → Webex markdown. */
export function renderMarkdown(text: RichText): string {
  return joinBlocks(text.map((block) => renderBlock(block)));
}

/** A whole message: the visitor's name first when the visitor speaks, then the text, then the
 *  notes in italics. */
export function renderMessage(message: OutgoingMessage): string {
  const body = renderMarkdown(message.text);
  const withName =
    message.speaker.kind === 'visitor' ? `**${escapeMarkdown(message.speaker.name)}:** ${body}`.trimEnd() : body;
  // Notes sit right under the text, as the translation line always has.
  const notes = joinBlocks((message.notes ?? []).map((block) => renderBlock(block, true)));
  return [withName, notes].filter((part) => part.trim() !== '').join('\n');
}
