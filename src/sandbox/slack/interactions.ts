// A click on a message's button as Slack reports it to the app: a `block_actions` payload
// carrying the button and the state of the message's input blocks (what the person typed or
// chose, else the inputs' initial values).
import { randomUUID } from 'node:crypto';
import { TEAM_ID, type SlackSandboxChannel, type SlackSandboxMessage, type SlackSandboxUser } from './workspace.js';

type Block = Record<string, unknown>;
export type Typed = Record<string, string | string[]>;

interface Click {
  user: SlackSandboxUser;
  channel: SlackSandboxChannel;
  message: SlackSandboxMessage;
  /** The label of the button clicked. */
  title: string;
  typed: Typed;
  /** The workspace's clock, for `action_ts`. */
  newTs: () => string;
  /** The sandbox's public URL, for `response_url`. */
  base: string;
}

export function blockActionsPayload(click: Click): Record<string, unknown> {
  const { user, channel, message } = click;
  const blocks = message.blocks ?? [];
  const { button, blockId } = findButton(blocks, click.title, message.ts);
  return {
    type: 'block_actions',
    user: { id: user.id, username: user.name, name: user.name, team_id: TEAM_ID },
    api_app_id: 'A0SANDBOX',
    team: { id: TEAM_ID, domain: 'sandbox' },
    container: { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: false },
    trigger_id: randomUUID(),
    channel: { id: channel.id, name: channel.name },
    message: { type: 'message', ts: message.ts, user: message.user, bot_id: message.botId, text: message.text, blocks },
    state: { values: inputValues(blocks, click.typed) },
    response_url: `${click.base}/response/${randomUUID()}`,
    actions: [
      {
        action_id: button.action_id,
        block_id: blockId,
        text: button.text,
        value: button.value,
        type: 'button',
        action_ts: click.newTs(),
      },
    ],
  };
}

function findButton(blocks: Block[], title: string, ts: string): { button: Block; blockId: string } {
  for (const block of blocks) {
    if (block.type !== 'actions') continue;
    const found = (block.elements as Block[]).find((e) => e.type === 'button' && (e.text as { text: string }).text === title);
    if (found) return { button: found, blockId: String(block.block_id ?? '') };
  }
  throw new Error(`no button "${title}" on message ${ts}`);
}

/** `state.values`: block id → action id → the element's type and its value or selection. */
function inputValues(blocks: Block[], typed: Typed): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const block of blocks) {
    if (block.type !== 'input') continue;
    const element = block.element as Block & { action_id: string; type: string };
    values[String(block.block_id)] = { [element.action_id]: { type: element.type, ...inputState(element, typed[element.action_id]) } };
  }
  return values;
}

function inputState(element: Block & { action_id: string; type: string }, given: string | string[] | undefined): Block {
  const list = given === undefined ? undefined : Array.isArray(given) ? given : given.split(',').filter(Boolean);
  const options = (element.options as { value: string }[] | undefined) ?? [];
  const pick = (v: string) => {
    const option = options.find((o) => o.value === v);
    if (!option) throw new Error(`no option "${v}" in ${element.action_id}`);
    return option;
  };
  switch (element.type) {
    case 'plain_text_input':
      return { value: given === undefined ? (element.initial_value ?? null) : String(given) };
    case 'static_select':
      return { selected_option: list ? (list[0] ? pick(list[0]) : null) : (element.initial_option ?? null) };
    default:
      return { selected_options: list ? list.map(pick) : (element.initial_options ?? []) };
  }
}
