// Adaptive Cards (the templates in cards/, as the services post them) → Slack Block Kit, so one
// set of templates serves both messengers; and a `block_actions` payload back to the inputs a
// Webex card submission would carry. Pure, no I/O.
//
// Mapping: TextBlock → section (mrkdwn; subtle text → context), FactSet → section fields,
// RichTextBlock → section (plain text: its TextRuns are never markdown),
// Container/ColumnSet → their items in order, Input.Text → input + plain_text_input,
// Input.ChoiceSet → input + (multi_)static_select, Input.Toggle → input + one checkbox,
// Action.Submit → button whose value carries the submit data, Action.OpenUrl → link button,
// Action.ShowCard → its title, its inputs and its buttons inline below the card.
// Inputs are scoped (block_id `in:<scope>:<id>`): a button gathers the card's own inputs and
// those of its sub-card, as Adaptive Cards do.
import { escapeSlack, markdownToMrkdwn } from './mrkdwn.js';

export type SlackBlock = Record<string, unknown>;

type Element = Record<string, unknown>;

const MAX_BLOCKS = 50;
const MAX_SECTION_TEXT = 3000;
const MAX_FIELDS = 10;
const TOP = 't';

function str(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function plain(text: string, max: number): { type: 'plain_text'; text: string; emoji: boolean } {
  return { type: 'plain_text', text: clip(text.trim() || ' ', max), emoji: true };
}

/** What a submit button carries in its `value`. */
export interface ButtonValue {
  /** The Action.Submit's data. */
  d: Record<string, unknown>;
  /** The scope of the sub-card it belongs to (`t` for the card itself). */
  s: string;
  /** Toggles of its scopes: input id → value when unchecked. */
  off?: Record<string, string>;
}

interface Scope {
  id: string;
  toggles: Record<string, string>;
}

class Converter {
  readonly blocks: SlackBlock[] = [];
  private scopes = 0;
  private buttons = 0;
  private readonly topToggles: Record<string, string> = {};

  card(card: Element): SlackBlock[] {
    const top: Scope = { id: TOP, toggles: this.topToggles };
    this.body(card.body, top);
    this.actions(card.actions, top);
    return this.blocks;
  }

  private body(items: unknown, scope: Scope): void {
    if (!Array.isArray(items)) return;
    for (const item of items) if (item && typeof item === 'object') this.element(item as Element, scope);
  }

  /** TextRuns are never markdown: shown as plain text in Slack too (nothing to break). */
  private richText(el: Element): void {
    const runs = Array.isArray(el.inlines) ? (el.inlines as Element[]) : [];
    const text = runs.map((r) => (typeof r === 'string' ? r : str(r.text))).join('');
    if (text.trim()) this.blocks.push({ type: 'section', text: plain(text, MAX_SECTION_TEXT) });
  }

  private element(el: Element, scope: Scope): void {
    switch (el.type) {
      case 'TextBlock': {
        const raw = str(el.text).trim();
        if (!raw) return;
        let text = markdownToMrkdwn(raw);
        if (el.weight === 'Bolder' || el.weight === 'bolder') text = `*${text}*`;
        if (el.fontType === 'Monospace') text = `\`${text}\``;
        if (el.isSubtle === true) {
          this.blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(text, MAX_SECTION_TEXT) }] });
        } else {
          this.blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(text, MAX_SECTION_TEXT) } });
        }
        return;
      }
      case 'FactSet': {
        const facts = Array.isArray(el.facts) ? (el.facts as Element[]) : [];
        const fields = facts.map((f) => ({
          type: 'mrkdwn',
          text: clip(`*${markdownToMrkdwn(str(f.title))}*\n${markdownToMrkdwn(str(f.value))}`, 2000),
        }));
        for (let i = 0; i < fields.length; i += MAX_FIELDS) {
          this.blocks.push({ type: 'section', fields: fields.slice(i, i + MAX_FIELDS) });
        }
        return;
      }
      case 'RichTextBlock':
        this.richText(el);
        return;
      case 'Container':
        this.body(el.items, scope);
        return;
      case 'ColumnSet':
        for (const column of Array.isArray(el.columns) ? (el.columns as Element[]) : []) this.body(column.items, scope);
        return;
      case 'Input.Text':
        this.input(el, scope, {
          type: 'plain_text_input',
          multiline: el.isMultiline === true,
          ...(typeof el.maxLength === 'number' && el.maxLength > 0 ? { max_length: Math.min(el.maxLength, 3000) } : {}),
          ...(str(el.value) ? { initial_value: str(el.value) } : {}),
        });
        return;
      case 'Input.ChoiceSet': {
        const choices = (Array.isArray(el.choices) ? (el.choices as Element[]) : []).slice(0, 100);
        const options = choices.map((c) => ({ text: plain(str(c.title) || str(c.value), 75), value: clip(str(c.value), 150) }));
        const multi = el.isMultiSelect === true;
        const chosen = str(el.value).split(',').filter(Boolean);
        const initial = options.filter((o) => chosen.includes(o.value));
        if (options.length === 0) {
          // Slack refuses a select without options; say so instead of dropping the field.
          this.blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `${escapeSlack(this.label(el))}: no choices` }] });
          return;
        }
        this.input(el, scope, {
          type: multi ? 'multi_static_select' : 'static_select',
          options,
          ...(multi && initial.length ? { initial_options: initial } : {}),
          ...(!multi && initial[0] ? { initial_option: initial[0] } : {}),
        });
        return;
      }
      case 'Input.Toggle': {
        const on = str(el.valueOn ?? 'true');
        const option = { text: plain(str(el.title) || this.label(el), 75), value: clip(on, 150) };
        scope.toggles[str(el.id)] = str(el.valueOff ?? 'false');
        this.input(el, scope, {
          type: 'checkboxes',
          options: [option],
          ...(str(el.value) === on ? { initial_options: [option] } : {}),
        });
        return;
      }
      default:
        // Images, media and other decorations have no Slack counterpart here.
        return;
    }
  }

  private label(el: Element): string {
    return str(el.label) || str(el.placeholder) || str(el.title) || str(el.id);
  }

  private input(el: Element, scope: Scope, element: Element): void {
    const id = str(el.id);
    if (!id) return;
    const placeholder = str(el.placeholder);
    const withPlaceholder =
      placeholder && element.type !== 'checkboxes' ? { ...element, placeholder: plain(placeholder, 150) } : element;
    this.blocks.push({
      type: 'input',
      block_id: clip(`in:${scope.id}:${id}`, 255),
      optional: el.isRequired !== true,
      label: plain(this.label(el), 2000),
      element: { ...withPlaceholder, action_id: clip(id, 255) },
    });
  }

  private actions(actions: unknown, scope: Scope): void {
    if (!Array.isArray(actions)) return;
    const buttons: Element[] = [];
    const subCards: Element[] = [];
    for (const action of actions as Element[]) {
      if (action?.type === 'Action.Submit') {
        const value: ButtonValue = {
          d: action.data && typeof action.data === 'object' ? (action.data as Record<string, unknown>) : {},
          s: scope.id,
        };
        const off = { ...this.topToggles, ...scope.toggles };
        if (Object.keys(off).length) value.off = off;
        buttons.push({
          type: 'button',
          action_id: `submit:${this.buttons++}`,
          text: plain(str(action.title) || 'Submit', 75),
          value: JSON.stringify(value),
        });
      } else if (action?.type === 'Action.OpenUrl' && /^https?:\/\//.test(str(action.url))) {
        buttons.push({
          type: 'button',
          action_id: `url:${this.buttons++}`,
          text: plain(str(action.title) || str(action.url), 75),
          url: clip(str(action.url), 3000),
        });
      } else if (action?.type === 'Action.ShowCard' && action.card && typeof action.card === 'object') {
        subCards.push(action);
      }
    }
    for (let i = 0; i < buttons.length; i += 25) {
      this.blocks.push({ type: 'actions', elements: buttons.slice(i, i + 25) });
    }
    for (const action of subCards) {
      const sub: Scope = { id: String(++this.scopes), toggles: {} };
      const card = action.card as Element;
      this.blocks.push({ type: 'divider' });
      this.blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*${escapeSlack(str(action.title))}*` } });
      this.body(card.body, sub);
      this.actions(card.actions, sub);
    }
  }
}

/** The blocks of a card (at most 50, Slack's limit; a note says when some were left out). */
export function adaptiveCardToBlocks(card: unknown): SlackBlock[] {
  if (!card || typeof card !== 'object') return [];
  const blocks = new Converter().card(card as Element);
  if (blocks.length <= MAX_BLOCKS) return blocks;
  return [
    ...blocks.slice(0, MAX_BLOCKS - 1),
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'Part of this card is too long for Slack.' }] },
  ];
}

/** The state of one input in a `block_actions` payload's `state.values`. */
interface InputState {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: { value?: string }[] | null;
}

/**
 * A submit button's click → the inputs a Webex card submission carries: the inputs of the
 * card and of the button's sub-card (multi-selects comma-separated, toggles their on/off
 * values), then the button's data. null when the button is not one of ours.
 */
export function submittedInputs(
  buttonValue: string | undefined,
  values: Record<string, Record<string, InputState>> | undefined,
): Record<string, unknown> | null {
  let parsed: ButtonValue;
  try {
    parsed = JSON.parse(buttonValue ?? '') as ButtonValue;
  } catch {
    return null;
  }
  if (!parsed || typeof parsed !== 'object' || typeof parsed.d !== 'object' || parsed.d === null) return null;
  const scopes = new Set([TOP, String(parsed.s)]);
  const inputs: Record<string, unknown> = {};
  for (const [blockId, actions] of Object.entries(values ?? {})) {
    const match = /^in:([^:]+):/.exec(blockId);
    if (!match || !scopes.has(match[1]!)) continue;
    for (const [id, state] of Object.entries(actions ?? {})) {
      if (state.type === 'checkboxes' && id in (parsed.off ?? {})) {
        inputs[id] = state.selected_options?.[0]?.value ?? parsed.off?.[id] ?? 'false';
      } else if (state.selected_options) {
        inputs[id] = state.selected_options.map((o) => o.value ?? '').join(',');
      } else if (state.selected_option !== undefined) {
        inputs[id] = state.selected_option?.value ?? '';
      } else {
        inputs[id] = state.value ?? '';
      }
    }
  }
  // Toggles the payload does not mention are off.
  for (const [id, off] of Object.entries(parsed.off ?? {})) if (!(id in inputs)) inputs[id] = off;
  return { ...inputs, ...parsed.d };
}
