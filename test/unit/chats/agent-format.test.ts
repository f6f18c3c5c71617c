// An agent's markdown → the widget's safe structure: formatting kept, links only to http(s) and
// mailto, raw HTML as the literal text the agent typed, plain words left plain.
import { describe, expect, it } from 'vitest';
import { agentRichText } from '../../../src/services/agent-format.js';
import { mrkdwnToMarkdown } from '../../../src/adapters/channel/slack/mrkdwn.js';

describe('agentRichText', () => {
  it('keeps bold, italics, code, links, lists and line breaks', () => {
    expect(agentRichText('**Hi** _there_ `npm i`\nsee [the guide](https://example.com/guide)\n\n- one\n- two')).toEqual([
      {
        kind: 'paragraph',
        spans: [
          { text: 'Hi', strong: true },
          { text: ' ' },
          { text: 'there', emphasis: true },
          { text: ' ' },
          { text: 'npm i', code: true },
          { text: '\nsee ' },
          { text: 'the guide', href: 'https://example.com/guide' },
        ],
      },
      { kind: 'list', ordered: false, items: [[{ text: 'one' }], [{ text: 'two' }]] },
    ]);
  });

  it('links bare addresses and keeps mailto', () => {
    expect(agentRichText('Write to [us](mailto:help@example.com) or see https://example.com/a?b=1&c=2.')).toEqual([
      {
        kind: 'paragraph',
        spans: [
          { text: 'Write to ' },
          { text: 'us', href: 'mailto:help@example.com' },
          { text: ' or see ' },
          { text: 'https://example.com/a?b=1&c=2', href: 'https://example.com/a?b=1&c=2' },
          { text: '.' },
        ],
      },
    ]);
  });

  it('refuses javascript: and data: targets, keeping the words unlinked', () => {
    const rich = agentRichText('[click](javascript:alert(1)) [img](data:text/html,x) **[b](JaVaScRiPt:alert(2))**');
    expect(JSON.stringify(rich)).not.toContain('href');
    expect(rich).toEqual([{ kind: 'paragraph', spans: [{ text: 'click img ' }, { text: 'b', strong: true }] }]);
  });

  it('shows raw HTML as the literal text typed, never as markup', () => {
    expect(agentRichText('**a** <b onclick="x()">bold</b> &amp; <script>alert(1)</script>')).toEqual([
      { kind: 'paragraph', spans: [{ text: 'a', strong: true }, { text: ' <b onclick="x()">bold</b> & <script>alert(1)</script>' }] },
    ]);
    expect(agentRichText('**a**\n\n<img src=x onerror=alert(1)>')).toEqual([
      { kind: 'paragraph', spans: [{ text: 'a', strong: true }] },
      { kind: 'paragraph', spans: [{ text: '<img src=x onerror=alert(1)>' }] },
    ]);
    // Nothing but HTML: no structure at all, the message's plain text is shown as it is.
    expect(agentRichText('<b>bold</b>')).toBeNull();
  });

  it('leaves plain words plain (nothing extra on the wire)', () => {
    expect(agentRichText('Hello, how can I help?')).toBeNull();
    expect(agentRichText('  ')).toBeNull();
  });

  it('keeps code blocks literal', () => {
    expect(agentRichText('```\nconst a = <b>;\n```')).toEqual([{ kind: 'code', text: 'const a = <b>;' }]);
  });
});

describe('Slack mrkdwn → the neutral markdown', () => {
  const names = { user: (id: string) => (id === 'U1' ? 'Bob' : undefined) };
  it('maps Slack’s marks and links to CommonMark, the same structure comes out', () => {
    const markdown = mrkdwnToMarkdown('*Hi* _there_ ~old~ `x` <https://example.com/a|the guide> <@U1>', names);
    expect(agentRichText(markdown)).toEqual([
      {
        kind: 'paragraph',
        spans: [
          { text: 'Hi', strong: true },
          { text: ' ' },
          { text: 'there', emphasis: true },
          { text: ' ' },
          { text: 'old', strike: true },
          { text: ' ' },
          { text: 'x', code: true },
          { text: ' ' },
          { text: 'the guide', href: 'https://example.com/a' },
          { text: ' @Bob' },
        ],
      },
    ]);
  });

  it('keeps Slack’s literal characters literal', () => {
    expect(agentRichText(mrkdwnToMarkdown('1. not a list &lt;b&gt; [x](javascript:y)', names))).toBeNull();
  });
});
