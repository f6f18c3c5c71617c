// The supervisors' space as the supervision tests see it: the product on a fresh database with
// the in-process sandbox, sam (the configured supervisor) and others mentioning the bot over the
// sandbox's Webex API, the bot's answers read back as shown.
import { SUPERVISORS_SPACE_SETTING } from '../../../src/services/deliveries.js';
import { Agent, eventually, members, startProduct, type Product, type WebexMessage } from '../chats/harness.js';

export interface Desk {
  product: Product;
  space: string;
  sam: Agent;
  botEmail: string;
  botId: string;
  close(): Promise<void>;
}

export async function startDesk(env: Record<string, string> = {}): Promise<Desk> {
  const product = await startProduct(env);
  const { app } = product;
  const bot = app.sandbox!.identities().find((i) => i.type === 'bot')!;
  const sam = new Agent(app, 'sam@example.com');
  const space = await eventually(async () => app.store.getSetting<string>(SUPERVISORS_SPACE_SETTING));
  await eventually(async () => (await members(app, space)).includes('sam@example.com'));
  return { product, space, sam, botEmail: bot.email, botId: bot.id, close: () => product.close() };
}

/** The message's markdown with the escapes the Webex adapter adds undone: the words as shown, marks kept. */
export function textOf(m: WebexMessage): string {
  return (m.markdown ?? m.text ?? '').replace(/\\([^\w\s])/g, '$1');
}

export type Waiter = (pattern: RegExp) => Promise<WebexMessage>;

/** Bot messages in the space after `afterId` that match, waited for (the test's timeout bounds it). */
export function botAnswer(desk: Desk, afterId: string): Waiter {
  return (pattern) =>
    eventually(async () => {
      const all = await desk.sam.messages(desk.space);
      const after = all.slice(all.findIndex((m) => m.id === afterId) + 1);
      return after.find((m) => m.personEmail === desk.botEmail && pattern.test(textOf(m)));
    });
}

/** Posts a command mentioning the bot; returns a waiter for the bot's answers after it. */
export async function command(desk: Desk, as: Agent, words: string): Promise<Waiter> {
  const { status, json } = await as.call<WebexMessage>('POST', '/messages', {
    roomId: desk.space,
    markdown: `<@personId:${desk.botId}|Live Chat Bot> ${words}`,
  });
  if (status !== 200) throw new Error(`${as.email} cannot post: ${status}`);
  return botAnswer(desk, json.id);
}

/** Submits a card's form as `as`; returns a waiter for the bot's answers after the newest message. */
export async function submit(desk: Desk, as: Agent, cardId: string, inputs: Record<string, unknown>): Promise<Waiter> {
  const last = (await desk.sam.messages(desk.space)).at(-1)!.id;
  const status = await as.submit(cardId, inputs);
  if (status !== 202) throw new Error(`${as.email} cannot submit: ${status}`);
  return botAnswer(desk, last);
}

/** Every Action.Submit `data` of a card, show cards included. */
export function submitData(card: WebexMessage): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.Submit' && o.data) found.push(o.data as Record<string, unknown>);
      Object.values(o).forEach(walk);
    }
  };
  walk(card.attachments?.[0]?.content);
  return found;
}

/** A non-supervisor (an agent) added to the supervisors' space by Sam: the one who must be refused. */
export async function outsider(desk: Desk, email = 'alice@example.com'): Promise<Agent> {
  const { status } = await desk.sam.call('POST', '/memberships', { roomId: desk.space, personEmail: email });
  if (status !== 200) throw new Error(`${email} was not added to the supervisors' space: ${status}`);
  return new Agent(desk.product.app, email);
}
