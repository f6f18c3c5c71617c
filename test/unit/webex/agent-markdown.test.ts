// A Webex message as the services read its formatting: `markdown` first (mentions as labels, the
// bot's mention left out), else the `html` some clients send; the same safe structure comes out.
import { describe, expect, it } from 'vitest';
import { toAgentMessage } from '../../../src/adapters/channel/webex/inbound.js';
import type { WebexMessage, WebexPerson } from '../../../src/adapters/channel/webex/resources.js';
import { agentRichText } from '../../../src/services/agent-format.js';

const bot: WebexPerson = { id: 'BOT', emails: ['livechat-bot@webex.bot'], displayName: 'Live Chat Bot' };
const author = { id: 'ALICE', email: 'alice@example.com', displayName: 'Alice Anders', firstName: 'Alice' };

function read(fields: Partial<WebexMessage>) {
  const message: WebexMessage = { id: 'M', roomId: 'R', personId: 'ALICE', personEmail: 'alice@example.com', created: '2026-11-30T09:00:00Z', ...fields };
  const mapped = toAgentMessage(message, author, bot, 'relay')!;
  return { markdown: mapped.markdown, rich: mapped.markdown ? agentRichText(mapped.markdown) : null };
}

describe('Webex formatting → AgentMessage.markdown', () => {
  it('reads markdown; mentions become their labels', () => {
    const { markdown, rich } = read({ text: 'Ask Bob: see the guide', markdown: 'Ask <@personEmail:bob@example.com|Bob>: see [the guide](https://example.com/g)' });
    expect(markdown).toBe('Ask Bob: see [the guide](https://example.com/g)');
    expect(rich).toEqual([{ kind: 'paragraph', spans: [{ text: 'Ask Bob: see ' }, { text: 'the guide', href: 'https://example.com/g' }] }]);
  });

  it('reads html when there is no markdown: links, bold, breaks and lists', () => {
    const { rich } = read({
      text: 'x',
      html: '<p>See <a href="https://example.com/g">the <strong>guide</strong></a><br/>now &amp; then</p><ul><li>one</li><li><em>two</em></li></ul>',
    });
    expect(rich).toEqual([
      {
        kind: 'paragraph',
        spans: [
          { text: 'See ' },
          { text: 'the ', href: 'https://example.com/g' },
          { text: 'guide', href: 'https://example.com/g', strong: true },
          { text: '\nnow & then' },
        ],
      },
      { kind: 'list', ordered: false, items: [[{ text: 'one' }], [{ text: 'two', emphasis: true }]] },
    ]);
  });

  it('html: javascript: links lose their target; markup characters in words stay words; other tags are dropped', () => {
    const { rich } = read({
      text: 'x',
      html: '<p><strong>Note</strong> <a href="javascript:alert(1)">click</a> 2 * 3 = [6](x) &lt;b&gt;literal&lt;/b&gt; <img src=x onerror=alert(1)><script>alert(2)</script></p>',
    });
    expect(JSON.stringify(rich)).not.toContain('href');
    expect(rich).toEqual([{ kind: 'paragraph', spans: [{ text: 'Note', strong: true }, { text: ' click 2 * 3 = [6](x) <b>literal</b> alert(2)' }] }]);
  });

  it('the bot’s mention is left out of both forms', () => {
    expect(read({ text: 'Live Chat Bot close', markdown: '<@personId:BOT|Live Chat Bot> **close**', mentionedPeople: ['BOT'] }).markdown).toBe('**close**');
    expect(read({ text: 'x', html: '<p><spark-mention data-object-type="person" data-object-id="BOT">Live Chat Bot</spark-mention> <b>close</b></p>', mentionedPeople: ['BOT'] }).markdown).toBe('**close**');
  });

  it('plain text only: no markdown', () => {
    expect(read({ text: 'hello' }).markdown).toBeNull();
  });
});
