// The services' words (RichText) in Slack mrkdwn: every span inert (no mention, link, quote or
// formatting can come from visitor or model text), strong `*…*`, emphasis `_…_`; long messages
// split well under Slack's limits.
import type { RichText } from '../../../domain/rich-text.js';
import type { OutgoingMessage } from '../../../ports.js';
import { renderOutgoing, renderRichText, type Dialect } from '../shared/render.js';
import { splitMessage } from '../shared/split.js';
import { escapeSlack } from './mrkdwn.js';

const ZWSP = '\u200b';

/** Slack splits nothing for us; parts stay well under a section's 3,000 characters. */
const MAX_PART_BYTES = 2_800;

/**
 * Untrusted text → mrkdwn that shows exactly its characters: `&`, `<`, `>` escaped (no mention,
 * no link), formatting marks broken with a zero-width space, `://` broken so that no address
 * becomes a link, and a `>` starting a line kept from quoting it.
 */
export function inertMrkdwn(text: string): string {
  return escapeSlack(text.replace(/\r\n?/g, '\n'))
    .replace(/[*_~`]/g, (mark) => mark + ZWSP)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/^([ \t]*)&gt;/gm, `$1${ZWSP}&gt;`);
}

/** A code span cannot hold a backtick in mrkdwn: such text is shown plain. */
function codeSpan(text: string): string {
  return text.includes('`') ? inertMrkdwn(text) : `\`${escapeSlack(text.replace(/\n/g, ' '))}\``;
}

const SLACK: Dialect = { literal: inertMrkdwn, code: codeSpan, strong: '*', emphasis: '_' };

export function renderMrkdwn(text: RichText): string {
  return renderRichText(text, SLACK);
}

export function renderMessage(message: OutgoingMessage): string {
  return renderOutgoing(message, SLACK);
}

/** mrkdwn in parts that Slack accepts, in order. */
export function slackParts(mrkdwn: string): string[] {
  return splitMessage(mrkdwn, MAX_PART_BYTES);
}
