import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { escapeMarkdown, stripBotMention } from '../../../src/adapters/channel/webex/escape.js';
import { renderMessage } from '../../../src/adapters/channel/webex/render.js';
import { plain } from '../../../src/domain/rich-text.js';

/** What a CommonMark/GFM renderer (like Webex's) makes of the markdown. */
function render(markdown: string): string {
  return marked.parse(markdown, { async: false, gfm: true }) as string;
}
/** The visible text of the rendered html. */
function visible(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

describe('escapeMarkdown', () => {
  const hostile = [
    '<@all> **hi** [x](http://evil)',
    '<@personEmail:boss@example.com> please',
    '<@personId:Y2lzY29zcGFyazovL3VzL1BFT1BMRS9hYmM> hi',
    '<script>alert(1)</script> <b>bold</b> <img src=x onerror=alert(1)>',
    '<http://evil.example/login>',
    '![img](http://evil/x.png)',
    '# Heading',
    '> quoted',
    '- item',
    '+ item',
    '1. first',
    '2) second',
    '`code` and ```fence```',
    '_under_ *star* ~~strike~~',
    'a | b\n--|--\n1 | 2',
    'back\\slash \\*not bold\\*',
    'www.evil.example and https://evil.example/path?q=1&r=2',
    '[x]: http://evil "title"\n[x]',
    'Tom &amp; Jerry &lt;tag&gt; &#60;@all&#62;',
    'Zażółć gęślą jaźń 👩‍👩‍👧 — ok?',
  'write to jan@example.com or call +48 123',
  ];

  it.each(hostile)('renders %j literally, with no tag, mention or link', (input) => {
    const html = render(escapeMarkdown(input));
    expect(visible(html).replace(/\s+/g, ' ')).toBe(input.replace(/\s+/g, ' ').trim());
    expect(html).not.toMatch(/<(a|strong|em|del|img|code|h\d|ul|ol|li|blockquote|table|script|b)\b/i);
    expect(escapeMarkdown(input)).not.toMatch(/<@/);
  });

  it('escapes the example of the issue exactly', () => {
    expect(escapeMarkdown('<@all> **hi** [x](http://evil)')).toBe(
      '&lt;\\@all&gt; \\*\\*hi\\*\\* \\[x\\]\\(http\\://evil\\)',
    );
  });

  it('keeps line breaks and plain words as they are', () => {
    expect(escapeMarkdown('Hello there\r\nsecond line')).toBe('Hello there\nsecond line');
    expect(escapeMarkdown('I need 3 items, thanks!')).toBe('I need 3 items, thanks!');
  });

  it("a visitor's message bolds only the escaped name", () => {
    const md = renderMessage({ speaker: { kind: 'visitor', name: 'Eve **admin**', verified: false }, text: plain('<@all> hi') });
    expect(md).toBe('**Visitor · Eve \\*\\*admin\\*\\* \\(unverified\\):** &lt;\\@all&gt; hi');
    const html = render(md);
    expect(html.match(/<strong>/g)).toHaveLength(1);
    expect(visible(html)).toBe('Visitor · Eve **admin** (unverified): <@all> hi');
  });
});

describe('stripBotMention', () => {
  const bot = { names: ['Live Chat Bot', 'Live'], personId: 'BOT123' };

  it('removes the leading display name', () => {
    expect(stripBotMention('Live Chat Bot status', bot)).toBe('status');
    expect(stripBotMention('live chat bot, hours sales', bot)).toBe('hours sales');
    expect(stripBotMention('@Live Chat Bot: help', bot)).toBe('help');
  });

  it('removes a mention in the middle once, and the longest name first', () => {
    expect(stripBotMention('please Live Chat Bot close', bot)).toBe('please close');
    expect(stripBotMention('Live status', bot)).toBe('status');
  });

  it('does not remove a name that is only part of a word', () => {
    expect(stripBotMention('Lively status', { names: ['Live'] })).toBe('Lively status');
  });

  it('removes the spark-mention tag of the bot in html, not other people', () => {
    const html =
      '<p><spark-mention data-object-type="person" data-object-id="BOT123">Live Chat Bot</spark-mention> ' +
      'ask <spark-mention data-object-type="person" data-object-id="P2">Anna</spark-mention></p>';
    const out = stripBotMention(html, { names: [], personId: 'BOT123' });
    expect(out).not.toContain('BOT123');
    expect(out).toContain('data-object-id="P2"');
  });

  it('leaves text without a mention alone (whitespace tidied)', () => {
    expect(stripBotMention('  hours   sales ', bot)).toBe('hours sales');
  });
});
