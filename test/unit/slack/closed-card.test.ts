// The closed chat's summary shows its facts as text runs: no markdown is read from them, so the
// values are shown (and copied) exactly, with no zero-width characters, in Webex and in Slack.
import { describe, expect, it } from 'vitest';
import { adaptiveCardToBlocks } from '../../../src/adapters/channel/slack/blocks.js';
import { CardTemplates } from '../../../src/adapters/channel/shared/card-templates.js';

const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/;

describe('the closed card', () => {
  const facts = [
    { title: 'Visitor', value: 'Jan_Kowalski [x](http://evil) <@all>' },
    { title: 'Reason', value: 'order_found *today*' },
  ];
  const card = new CardTemplates().expand('closed', { heading: 'Chat #abc123 closed', facts }) as {
    body: { type: string; inlines?: { type: string; text: string }[] }[];
  };

  it('keeps fact values exact in text runs (never markdown, nothing inserted)', () => {
    const runs = card.body.filter((b) => b.type === 'RichTextBlock').map((b) => b.inlines!.map((r) => r.text));
    expect(runs).toEqual([
      ['Visitor: ', 'Jan_Kowalski [x](http://evil) <@all>'],
      ['Reason: ', 'order_found *today*'],
    ]);
    expect(JSON.stringify(runs)).not.toMatch(ZERO_WIDTH);
  });

  it('becomes plain-text sections in Slack (no mrkdwn, so nothing to break)', () => {
    const sections = adaptiveCardToBlocks(card).slice(1);
    expect(sections).toEqual([
      { type: 'section', text: { type: 'plain_text', text: 'Visitor: Jan_Kowalski [x](http://evil) <@all>', emoji: true } },
      { type: 'section', text: { type: 'plain_text', text: 'Reason: order_found *today*', emoji: true } },
    ]);
  });
});
