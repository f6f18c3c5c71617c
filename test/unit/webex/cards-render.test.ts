// What the channels make of the services' neutral words and cards: Webex markdown and Slack
// mrkdwn that show the visitor's text literally, cards whose shown values are inert while what
// they submit stays exact, and links to spaces.
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { CardTemplates } from '../../../src/adapters/channel/shared/card-templates.js';
import { renderMessage as mrkdwnMessage } from '../../../src/adapters/channel/slack/render.js';
import { spaceLinkOf } from '../../../src/adapters/channel/webex/ids.js';
import { renderMarkdown, renderMessage, webexParts } from '../../../src/adapters/channel/webex/render.js';
import { code, emphasis, list, paragraph, plain, strong } from '../../../src/domain/rich-text.js';
import { renderMrkdwn as slackShows } from '../../../src/sandbox/slack/render.js';

const html = (markdown: string) => marked.parse(markdown, { async: false, gfm: true }) as string;

describe('Webex markdown from RichText', () => {
  it('renders structure and escapes every span', () => {
    const text = [
      paragraph(strong('Offline message'), ' · ', 'Sales'),
      paragraph('From: ', emphasis('Eve <@all>'), ' ', code('help')),
      list([['one [x](http://evil)'], [strong('two')]]),
    ];
    expect(renderMarkdown(text)).toBe(
      '**Offline message** · Sales\n\nFrom: _Eve &lt;\\@all&gt;_ `help`\n\n- one \\[x\\]\\(http\\://evil\\)\n- **two**',
    );
    const shown = html(renderMarkdown(text));
    expect(shown).not.toContain('<a ');
    expect(shown.match(/<strong>/g)).toHaveLength(2);
  });

  it("puts the visitor's name first in bold and the notes right under the text, each line in italics", () => {
    const markdown = renderMessage({
      speaker: { kind: 'visitor', name: 'Jan *K*', verified: true },
      text: plain('Dzień dobry\nproszę'),
      notes: [paragraph('(pl → en) Good morning\nplease')],
    });
    expect(markdown).toBe('**Visitor · Jan \\*K\\* \\(✓ verified\\):** Dzień dobry\nproszę\n_\\(pl → en\\) Good morning_\n_please_');
    expect(renderMessage({ speaker: { kind: 'bot' }, text: plain('**not bold**') })).toBe('\\*\\*not bold\\*\\*');
  });

  it('splits at 7439 bytes', () => {
    const parts = webexParts(renderMessage({ speaker: { kind: 'bot' }, text: plain('word '.repeat(3000)) }));
    expect(parts.length).toBe(3);
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThanOrEqual(7439);
  });
});

describe('Slack mrkdwn from RichText', () => {
  it.each(['<!channel> *hi* <http://evil|x>', '> quote', '_a_ ~b~ `c`', 'https://evil.example'])(
    'a visitor’s %j shows as typed, with the name in bold',
    (typed) => {
      const shown = slackShows(mrkdwnMessage({ speaker: { kind: 'visitor', name: 'Jan', verified: false }, text: plain(typed) }));
      expect(shown.shown).toBe(`Visitor · Jan (unverified): ${typed}`);
      expect(shown.mentions).toEqual([]);
      expect(shown.links).toEqual([]);
      expect(shown.quotes).toEqual([]);
      expect(shown.bold).toEqual(['Visitor · Jan (unverified):']);
    },
  );
});

describe('card templates', () => {
  const cards = new CardTemplates();

  it('makes shown values inert and keeps submitted ones exact', () => {
    const card = cards.expand('supervisor/hours', {
      heading: 'Hours of [x](http://evil)',
      now: 'Open',
      week: [{ title: 'Mon *', value: '09:00-17:00 <@all>' }],
      zoneLine: 'UTC',
      holidays: [],
      specials: [],
      days: [{ id: 'mon', label: 'Monday_', value: '09:00-17:00 *x*' }],
      timezone: 'Europe/Warsaw',
      isTopic: false,
      topic: 'sales_*',
      version: '12',
    }) as Record<string, any>;
    expect(card.body[0].text).toBe('Hours of [x]\u200b(http://evil)');
    expect(card.body[2].facts[0]).toEqual({ title: 'Mon *\u200b', value: '09:00-17:00 <\u200b@all>' });
    const form = card.actions[0].card;
    const day = form.body.find((b: { id?: string }) => b.id === 'mon');
    expect(day).toMatchObject({ label: 'Monday_\u200b', value: '09:00-17:00 *x*' });
    expect(form.actions[0].data).toEqual({ action: 'hours_edit', topic: 'sales_*', version: '12' });
  });
});

describe('space links', () => {
  const id = (decoded: string) => Buffer.from(decoded).toString('base64').replace(/=+$/, '');
  const uuid = '7d5b6b10-1f1e-11ef-9a5d-3b1c2a5e4f60';

  it('opens a Webex room in the desktop client, for both id forms', () => {
    expect(spaceLinkOf(id(`ciscospark://us/ROOM/${uuid}`))).toBe(`webexteams://im?space=${uuid}`);
    expect(spaceLinkOf(id(`ciscospark://urn:TEAM:eu-central-1_k/ROOM/${uuid}`))).toBe(`webexteams://im?space=${uuid}`);
    expect(spaceLinkOf(id(`ciscospark://us/PEOPLE/${uuid}`))).toBeNull();
    expect(spaceLinkOf('G0123ABC')).toBeNull();
  });
});
