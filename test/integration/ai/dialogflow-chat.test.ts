// The assistant in the chat flow with Dialogflow ES (REST intercepted by nock; everything local
// stays real): quick replies reach the widget API and the space, and fallbacks counted from the
// stored chat hand over.
import { generateKeyPairSync } from 'node:crypto';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topic } from '../../../src/domain/types.js';
import { startAiStack, Visitor, type AiStack } from './harness.js';

const PROJECT = 'acme-demo';
const SALES: Topic = {
  id: 'sales',
  names: { en: 'Sales' },
  mode: 'group',
  agents: ['alice@example.com', 'bob@example.com'],
  assistant: true,
  addAgentsAt: 'start',
  fields: [],
  position: 0,
};

let stack: AiStack;
const queries: { session: string; input: Record<string, unknown> }[] = [];

/** A tiny Dialogflow agent: welcome with chips, one known question, fallback for the rest. */
function agent(input: { text?: { text: string }; event?: { name: string } }) {
  if (input.event?.name === 'WELCOME') {
    return {
      fulfillmentMessages: [
        { text: { text: ['Greetings! How can I assist?'] } },
        { payload: { richContent: [[{ type: 'chips', options: [{ text: 'Products' }, { text: 'Trial' }] }]] } },
      ],
      intent: { displayName: 'Default Welcome Intent' },
    };
  }
  if (input.text?.text === 'Trial') {
    return {
      fulfillmentMessages: [{ text: { text: ['There is a free 30-day trial for up to 10 users.'] } }, { quickReplies: { quickReplies: ['Start a trial', 'Prices'] } }],
      intent: { displayName: 'Trial' },
    };
  }
  return { fulfillmentMessages: [{ text: { text: ["Sorry, I didn't get that."] } }], intent: { displayName: 'Default Fallback Intent', isFallback: true } };
}

beforeAll(async () => {
  // Only Dialogflow is intercepted; the product's own HTTP on 127.0.0.1 stays real. A call to a
  // token endpoint would fail and hand the chat over: the client signs its own JWT.
  nock.disableNetConnect();
  nock.enableNetConnect((host) => host.startsWith('127.0.0.1'));
  nock('https://dialogflow.googleapis.com')
    .persist()
    .post(/\/v2\/projects\/acme-demo\/agent\/sessions\/[^/]+:detectIntent/)
    .query(true)
    .reply((uri, body) => {
      const { queryInput } = body as { queryInput: Parameters<typeof agent>[0] };
      queries.push({ session: uri.split('/sessions/')[1]!.split(':')[0]!, input: queryInput as Record<string, unknown> });
      return [200, { queryResult: agent(queryInput) }];
    });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  stack = await startAiStack({
    assistant: { provider: 'dialogflow', projectId: PROJECT, credentials: { client_email: `livechat@${PROJECT}.iam.gserviceaccount.com`, private_key: privateKey }, handoffIntents: [] },
    topics: [SALES],
  });
});

afterAll(async () => {
  await stack?.close();
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('assistant in the chat flow (Dialogflow ES)', () => {
  it('sends quick replies to the widget and shows them in the space', async () => {
    const visitor = new Visitor(stack.url);
    await visitor.start('sales', 'en');
    await stack.settle(visitor.chatId);
    await visitor.say('Trial'); // a quick reply pressed
    await stack.settle(visitor.chatId);

    const seen = await visitor.messages();
    expect(seen.state).toBe('bot');
    expect(seen.messages.filter((m) => m.from === 'bot').map((m) => ({ text: m.text, data: m.data }))).toEqual([
      { text: 'Greetings! How can I assist?', data: { quickReplies: ['Products', 'Trial'] } },
      { text: 'There is a free 30-day trial for up to 10 users.', data: { quickReplies: ['Start a trial', 'Prices'] } },
    ]);
    expect(queries.filter((q) => q.session === visitor.chatId).map((q) => q.input)).toEqual([
      { event: { name: 'WELCOME', languageCode: 'en' } },
      { text: { text: 'Trial', languageCode: 'en' } },
    ]);

    const chat = await stack.store.getChat(visitor.chatId);
    const space = (await stack.spaceMessages(chat!.spaceId!)).filter((m) => !m.attachments?.length).map((m) => m.markdown ?? m.text);
    expect(space).toEqual([
      'Greetings! How can I assist?\n\n_Options:_ Products · Trial',
      '**Visitor · Ada Visitor \\(unverified\\):** Trial',
      'There is a free 30-day trial for up to 10 users.\n\n_Options:_ Start a trial · Prices',
    ]);
  });

  it('hands over after two fallbacks in a row, counted from the stored chat', async () => {
    const visitor = new Visitor(stack.url);
    await visitor.start('sales', 'en');
    await stack.settle(visitor.chatId);
    await visitor.say('blorp');
    await stack.settle(visitor.chatId);
    expect((await visitor.messages()).state).toBe('bot');
    await visitor.say('zzzt');
    await stack.settle(visitor.chatId);

    const seen = await visitor.messages();
    expect(seen.state).toBe('queued');
    expect(seen.messages.filter((m) => m.from === 'bot').map((m) => m.text)).toEqual([
      'Greetings! How can I assist?',
      "Sorry, I didn't get that.",
      'I am handing you over to a colleague who can help further; please wait a moment.',
    ]);
    const events = await stack.store.listEvents(visitor.chatId);
    expect(events.find((e) => e.type === 'handed_off')).toMatchObject({ actor: 'bot', data: { reason: 'fallbacks', detail: '2 in a row' } });
  });
});
