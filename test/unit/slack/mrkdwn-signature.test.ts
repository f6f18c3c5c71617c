// Text into and out of Slack's mrkdwn, and request signing.
import { describe, expect, it } from 'vitest';
import {
  escapeSlack,
  markdownToMrkdwn,
  mentionedUsers,
  mrkdwnToPlain,
  stripUserMention,
} from '../../../src/adapters/channel/slack/mrkdwn.js';
import { channelName, parseMessageId } from '../../../src/adapters/channel/slack/ids.js';
import { signSlackBody, verifySlackSignature } from '../../../src/adapters/channel/slack/signature.js';
import { renderMessage } from '../../../src/adapters/channel/slack/render.js';
import { plain } from '../../../src/domain/rich-text.js';
import { renderMrkdwn } from '../../../src/sandbox/slack/render.js';

describe('escapeSlack', () => {
  it('escapes exactly &, < and >', () => {
    expect(escapeSlack('<!channel> <@U1> <http://evil|x> a & b')).toBe(
      '&lt;!channel&gt; &lt;@U1&gt; &lt;http://evil|x&gt; a &amp; b',
    );
    expect(escapeSlack('*plain* _text_')).toBe('*plain* _text_');
  });
});

describe('a visitor’s message in mrkdwn', () => {
  it.each([
    '<!channel> *hi* <http://evil|x>',
    '<!here> <@U0123ABC> <!subteam^S1|@team> & &amp; &lt;b&gt;',
    '_under_ ~strike~ `code` ```block```',
    '[click](https://evil.example) **bold** www.evil.example',
    '# heading\n1. list\n> quote',
  ])('a visitor’s text %j shows as typed: no mention, link or formatting', (typed) => {
    const shown = renderMrkdwn(renderMessage({ speaker: { kind: 'visitor', name: 'Jan', verified: false }, text: plain(typed) }));
    expect(shown.shown).toBe(`Visitor · Jan (unverified): ${typed}`);
    expect(shown.mentions).toEqual([]);
    expect(shown.links).toEqual([]);
    expect(shown.bold).toEqual(['Visitor · Jan (unverified):']);
    expect(shown.quotes).toEqual([]);
  });
});

describe('markdownToMrkdwn (card text)', () => {
  it('keeps the product’s own bold and links', () => {
    expect(markdownToMrkdwn('**Alice** claimed [the chat](https://x.example/c/1)')).toBe('*Alice* claimed <https://x.example/c/1|the chat>');
    expect(markdownToMrkdwn('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(renderMrkdwn(markdownToMrkdwn('> quoted by the bot')).quotes).toEqual(['quoted by the bot']);
    // Already escaped entities are not escaped twice.
    expect(markdownToMrkdwn('1 &lt; 2 &amp; 3')).toBe('1 &lt; 2 &amp; 3');
  });
});

describe('agent text from Slack', () => {
  const names = { user: (id: string) => (id === 'U2' ? 'Bob' : undefined) };
  it('turns mentions, links and entities into plain text', () => {
    expect(mrkdwnToPlain('Hi <@U2>, see <https://a.example|the page> or <https://b.example> &lt;3 &amp; <mailto:x@y.z|x@y.z>', names)).toBe(
      'Hi @Bob, see the page (https://a.example) or https://b.example <3 & x@y.z',
    );
    expect(mrkdwnToPlain('<!here> <@U9> <#C1|general>', names)).toBe('@here @someone #general');
  });

  it('finds and strips the bot’s mention', () => {
    expect(mentionedUsers('<@UBOT> close <@U2|bob>')).toEqual(['UBOT', 'U2']);
    expect(stripUserMention('<@UBOT>: close  now\nsecond line', 'UBOT')).toBe('close now\nsecond line');
  });

  it('names channels and message ids the way Slack accepts them', () => {
    expect(channelName('Chat #12 – Zażółć Gęślą (sales)')).toBe('chat-12-zazo-c-gesla-sales');
    expect(channelName('x'.repeat(100), 'abc')).toHaveLength(80);
    expect(channelName('!!!')).toBe('chat');
    expect(parseMessageId('G012:1700000000.000100')).toEqual({ channel: 'G012', ts: '1700000000.000100' });
    expect(parseMessageId('nonsense')).toBeNull();
  });
});

describe('request signing', () => {
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const body = Buffer.from('token=xyz&team_id=T1&payload=%7B%7D');
  const now = 1_700_000_000_000;
  const ts = String(now / 1000);

  it('accepts the right signature within five minutes', () => {
    const headers = { 'x-slack-request-timestamp': ts, 'x-slack-signature': signSlackBody(secret, ts, body) };
    expect(verifySlackSignature(body, headers, secret, now)).toEqual({ ok: true });
    expect(verifySlackSignature(body, headers, secret, now + 4 * 60_000)).toEqual({ ok: true });
    expect(signSlackBody(secret, ts, body)).toMatch(/^v0=[0-9a-f]{64}$/);
  });

  it('refuses other secrets, changed bodies, stale or missing timestamps', () => {
    const headers = { 'x-slack-request-timestamp': ts, 'x-slack-signature': signSlackBody(secret, ts, body) };
    expect(verifySlackSignature(body, headers, 'other', now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySlackSignature(Buffer.from(`${body}x`), headers, secret, now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySlackSignature(body, headers, secret, now + 6 * 60_000)).toEqual({ ok: false, reason: 'stale' });
    expect(verifySlackSignature(body, { 'x-slack-signature': headers['x-slack-signature'] }, secret, now)).toEqual({ ok: false, reason: 'missing' });
    expect(verifySlackSignature(body, { ...headers, 'x-slack-signature': 'v0=abc' }, secret, now)).toEqual({ ok: false, reason: 'mismatch' });
  });
});
