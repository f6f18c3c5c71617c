// The services' words (RichText) in Webex markdown: every span escaped (visitor and model text
// can never become markup, a mention or a link), strong `**…**`, emphasis `_…_`; long messages
// split at Webex's size limit.
import type { RichText } from '../../../domain/rich-text.js';
import type { OutgoingMessage } from '../../../ports.js';
import { renderOutgoing, renderRichText, type Dialect } from '../shared/render.js';
import { splitMessage } from '../shared/split.js';
import { escapeMarkdown } from './escape.js';

/** Webex refuses messages over 7439 bytes of UTF-8. */
export const WEBEX_MAX_MESSAGE_BYTES = 7439;

/** A code span: literal inside a backtick fence longer than any backtick run in it. */
function codeSpan(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\n/g, ' ')}${pad}${fence}`;
}

const WEBEX: Dialect = { literal: escapeMarkdown, code: codeSpan, strong: '**', emphasis: '_' };

export function renderMarkdown(text: RichText): string {
  return renderRichText(text, WEBEX);
}

export function renderMessage(message: OutgoingMessage): string {
  return renderOutgoing(message, WEBEX);
}

/** Markdown in parts that Webex accepts, in order. */
export function webexParts(markdown: string): string[] {
  return splitMessage(markdown, WEBEX_MAX_MESSAGE_BYTES);
}
