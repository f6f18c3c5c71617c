// Every card template in cards/, expanded as the channels expand them, becomes Block Kit that
// keeps all its buttons and inputs; a click gathers the same inputs a Webex submission would.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adaptiveCardToBlocks, submittedInputs, type SlackBlock } from '../../../src/adapters/channel/slack/blocks.js';
import { CardTemplates, DEFAULT_CARDS_DIR } from '../../../src/adapters/channel/shared/card-templates.js';
import type { CardName } from '../../../src/ports.js';

/** Values for every `${…}` the templates use. */
const SAMPLE = {
  heading: 'Chat with **Jan**',
  status: 'Waiting for an agent',
  facts: [
    { title: 'Name', value: 'Jan <@U123>' },
    { title: 'Page', value: 'https://shop.example.com/cart' },
  ],
  canClaim: true,
  chatId: 'chat-1',
  topics: [
    { title: 'Sales', value: 'sales' },
    { title: 'Support', value: 'support' },
  ],
  agents: ['alice@example.com', 'bob@example.com'],
  mode: 'group',
  assistant: 'default',
  addAgentsAt: 'start',
  topic: 'sales',
  now: 'Open now',
  week: [{ title: 'Monday', value: '09:00-17:00' }],
  zoneLine: 'Europe/Warsaw',
  holidays: ['1 January'],
  specials: ['24 December: closed'],
  days: [
    { id: 'mon', label: 'Monday', value: '09:00-17:00' },
    { id: 'tue', label: 'Tuesday', value: '' },
  ],
  timezone: 'UTC',
  isTopic: true,
  errors: ['Unknown topic'],
  example: '@bot topic sales',
  summary: 'Last 7 days',
  sections: [{ title: 'Sales', facts: [{ title: 'Chats', value: '3' }], lines: ['busy'] }],
};

function templates(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? templates(path.join(dir, entry.name), `${prefix}${entry.name}/`)
      : entry.name.endsWith('.json')
        ? [`${prefix}${entry.name.replace(/\.json$/, '')}`]
        : [],
  );
}

type Node = Record<string, unknown>;

/** Every element of a card, sub-cards included, with the sub-card it belongs to (0: the card). */
function walk(card: Node, scope = 0, out: { node: Node; scope: number }[] = [], counter = { n: 0 }): { node: Node; scope: number }[] {
  const visit = (items: unknown, at: number) => {
    for (const item of (Array.isArray(items) ? items : []) as Node[]) {
      out.push({ node: item, scope: at });
      visit(item.items, at);
      for (const column of (Array.isArray(item.columns) ? item.columns : []) as Node[]) visit(column.items, at);
    }
  };
  visit(card.body, scope);
  for (const action of (Array.isArray(card.actions) ? card.actions : []) as Node[]) {
    out.push({ node: action, scope });
    if (action.type === 'Action.ShowCard') walk(action.card as Node, ++counter.n, out, counter);
  }
  return out;
}

const cards = new CardTemplates();
const names = templates(DEFAULT_CARDS_DIR);

describe('Adaptive Card → Block Kit', () => {
  it('finds the templates', () => {
    expect(names).toEqual(expect.arrayContaining(['visitor', 'closed', 'unclaimed-alert', 'supervisor/topic', 'supervisor/hours']));
  });

  it.each(names)('%s keeps every button and input, and a click returns its data with its inputs', (name) => {
    const card = cards.expand(name as CardName, SAMPLE) as Node;
    const elements = walk(card);
    const submits = elements.filter((e) => e.node.type === 'Action.Submit');
    const inputs = elements.filter((e) => String(e.node.type).startsWith('Input.'));

    const blocks = adaptiveCardToBlocks(card);
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.length).toBeLessThanOrEqual(50);
    const buttons = blocks
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements as Node[])
      .filter((e) => String(e.action_id).startsWith('submit:'));
    expect(buttons.map((b) => (b.text as Node).text)).toEqual(submits.map((s) => s.node.title));
    const inputBlocks = blocks.filter((b) => b.type === 'input');
    expect(inputBlocks.map((b) => (b.element as Node).action_id)).toEqual(inputs.map((i) => i.node.id));
    expect(new Set(blocks.map((b) => b.block_id).filter(Boolean)).size).toBe(inputBlocks.length);

    // Fill every input, click every button: its data, plus the inputs of its card and sub-card.
    const values: Record<string, Record<string, Node>> = {};
    for (const block of inputBlocks) {
      const element = block.element as Node & { action_id: string; options?: { value: string }[] };
      const state =
        element.type === 'plain_text_input'
          ? { value: `typed ${element.action_id}` }
          : element.type === 'static_select'
            ? { selected_option: element.options![0] }
            : { selected_options: element.options!.slice(0, 2) };
      values[String(block.block_id)] = { [element.action_id]: { type: element.type, ...state } };
    }
    submits.forEach((submit, i) => {
      const got = submittedInputs(buttons[i]!.value as string, values as never);
      const expected: Record<string, unknown> = {};
      for (const input of inputs.filter((x) => x.scope === 0 || x.scope === submit.scope)) {
        const id = String(input.node.id);
        const block = inputBlocks.find((b) => (b.element as Node).action_id === id && String(b.block_id).startsWith(`in:${input.scope === 0 ? 't' : input.scope}:`))!;
        const state = values[String(block.block_id)]![id]!;
        expected[id] =
          state.value ??
          (state.selected_option as Node | undefined)?.value ??
          (state.selected_options as Node[]).map((o) => o.value).join(',');
      }
      expect(got).toEqual({ ...expected, ...(submit.node.data as Node) });
    });
  });

  it('maps text, facts, subtle text, containers and columns', () => {
    const blocks = adaptiveCardToBlocks({
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', weight: 'Bolder', text: 'Title **x** <y> & z' },
        { type: 'TextBlock', isSubtle: true, text: 'quiet' },
        { type: 'FactSet', facts: Array.from({ length: 12 }, (_, i) => ({ title: `t${i}`, value: `v${i}` })) },
        { type: 'ColumnSet', columns: [{ items: [{ type: 'TextBlock', text: 'left' }] }, { items: [{ type: 'TextBlock', text: 'right' }] }] },
        { type: 'Container', items: [{ type: 'TextBlock', text: '[site](https://example.com)' }] },
        { type: 'Image', url: 'https://example.com/x.png' },
      ],
    }) as SlackBlock[];
    expect(blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: '*Title *x* &lt;y&gt; &amp; z*' } });
    expect(blocks[1]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'quiet' }] });
    expect((blocks[2]!.fields as unknown[]).length).toBe(10);
    expect((blocks[3]!.fields as unknown[]).length).toBe(2);
    expect(blocks.slice(4).map((b) => (b.text as Node).text)).toEqual(['left', 'right', '<https://example.com|site>']);
  });

  it('a toggle left unticked submits its off value; a foreign button value is ignored', () => {
    const card = cards.expand('supervisor/hours', SAMPLE) as Node;
    const blocks = adaptiveCardToBlocks(card);
    const save = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements as Node[])[0]!;
    const got = submittedInputs(save.value as string, {});
    expect(got).toMatchObject({ inherit: 'false', action: 'hours_edit', topic: 'sales' });
    const ticked = blocks.find((b) => String(b.block_id).endsWith(':inherit'))!;
    const on = submittedInputs(save.value as string, {
      [String(ticked.block_id)]: { inherit: { type: 'checkboxes', selected_options: [{ value: 'true' }] } },
    } as never);
    expect(on).toMatchObject({ inherit: 'true' });
    expect(submittedInputs('not json', {})).toBeNull();
    expect(submittedInputs(JSON.stringify({ s: 't' }), {})).toBeNull();
  });
});
