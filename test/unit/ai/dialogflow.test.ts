// Dialogflow ES over its REST transport, intercepted by nock. The client signs its own JWT with
// a key made here, so no token endpoint is ever called (net connect is disabled to prove it).
import { generateKeyPairSync, verify } from 'node:crypto';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAssistant } from '../../../src/adapters/ai/index.js';
import { parseCredentials, sessionIdFor } from '../../../src/adapters/ai/dialogflow.js';
import { createAssistantTexts } from './support/texts.js';
import type { Assistant } from '../../../src/ports.js';
import { createAssistantService, type AssistantService } from '../../../src/services/assistant.js';
import { botChat, silentLog, Transcript } from './support/chat.js';

const API = 'https://dialogflow.googleapis.com';
const PROJECT = 'acme-demo';
const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const key = JSON.stringify({ type: 'service_account', project_id: PROJECT, client_email: 'livechat@acme-demo.iam.gserviceaccount.com', private_key: privateKey });

const sessionPath = (chatId: string) => `/v2/projects/${PROJECT}/agent/sessions/${chatId}:detectIntent`;

interface Seen {
  body: { queryInput: { text?: { text: string; languageCode: string }; event?: { name: string; languageCode: string } } };
  authorization: string;
}

/** Answers one detectIntent call for the chat with `queryResult`, remembering the request. */
function answer(chatId: string, queryResult: Record<string, unknown>, seen: Seen[] = [], status = 200) {
  return nock(API)
    .post(sessionPath(chatId))
    .query(true)
    .reply(function (_uri, body) {
      seen.push({ body: body as Seen['body'], authorization: String(this.req.headers.authorization) });
      return status === 200 ? [200, { responseId: `r${seen.length}`, queryResult }] : [status, { error: { code: status, message: 'backend error', status: 'INTERNAL' } }];
    });
}

const intent = (displayName: string, extra: Record<string, unknown> = {}) => ({ name: `projects/${PROJECT}/agent/intents/${displayName.length}`, displayName, ...extra });
const text = (...lines: string[]) => ({ text: { text: lines } });

let assistant: Assistant;
let service: AssistantService;
let transcripts: Map<string, Transcript>;

beforeAll(async () => {
  nock.disableNetConnect();
  assistant = await createAssistant({ provider: 'dialogflow', projectId: PROJECT, credentials: key, handoffIntents: [] }, silentLog);
  transcripts = new Map();
  const store = {
    listMessages: (chatId: string, after: number, limit?: number) => transcripts.get(chatId)!.listMessages(chatId, after, limit),
  };
  service = createAssistantService({ assistant, store, texts: await createAssistantTexts(), log: silentLog, turnLimit: 10, timeoutMs: 10_000 });
});

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

afterAll(() => {
  nock.enableNetConnect();
});

function transcript(chatId: string): Transcript {
  const t = new Transcript(chatId);
  transcripts.set(chatId, t);
  return t;
}

/** What the chats service does with a visitor message: store it, ask, store the answer. */
async function visitorSays(chatId: string, words: string, language = 'en') {
  const t = transcripts.get(chatId)!;
  t.add('visitor', words);
  const outcome = await service.onVisitorMessage(botChat(chatId, language), words);
  t.addOutcome(outcome);
  return outcome;
}

describe('Dialogflow ES assistant', () => {
  it('answers a question in the visitor language, signing its own token', async () => {
    transcript('chat-answer');
    const seen: Seen[] = [];
    answer('chat-answer', {
      queryText: 'co robicie',
      action: 'company.about',
      fulfillmentText: 'Acme sprzedaje usługi Webex.',
      fulfillmentMessages: [text('Acme sprzedaje usługi Webex.', 'Mamy biura w Gdańsku, Berlinie i Lyonie.')],
      intent: intent('About the company'),
    }, seen);

    const outcome = await visitorSays('chat-answer', 'co robicie', 'pl');

    expect(outcome.handoff).toBeNull();
    expect(outcome.messages.map((m) => m.text)).toEqual(['Acme sprzedaje usługi Webex.', 'Mamy biura w Gdańsku, Berlinie i Lyonie.']);
    expect(outcome.messages[0]!.data).toBeNull();
    expect(seen[0]!.body.queryInput).toEqual({ text: { text: 'co robicie', languageCode: 'pl' } });

    // The bearer token is a JWT signed with our key: no token endpoint was needed.
    const [header, payload, signature] = seen[0]!.authorization.replace(/^Bearer /, '').split('.');
    expect(verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature!, 'base64url'))).toBe(true);
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({ iss: 'livechat@acme-demo.iam.gserviceaccount.com' });
  });

  it('greets with the welcome event and turns quick replies into buttons', async () => {
    transcript('chat-greet');
    const seen: Seen[] = [];
    answer('chat-greet', {
      action: 'input.welcome',
      fulfillmentMessages: [
        text('Greetings! How can I assist?'),
        { quickReplies: { title: '', quickReplies: ['Products', 'Prices'] } },
        { payload: { richContent: [[{ type: 'chips', options: [{ text: 'Support hours' }, { text: 'Products' }] }]] } },
        { platform: 'FACEBOOK', text: { text: ['Only for Messenger'] } },
        { quickReplies: { title: 'Or pick a language', quickReplies: ['English', 'Polski'] } },
      ],
      intent: intent('Default Welcome Intent'),
    }, seen);

    const outcome = await service.onChatStarted(botChat('chat-greet', 'en'));

    expect(seen[0]!.body.queryInput).toEqual({ event: { name: 'WELCOME', languageCode: 'en' } });
    expect(outcome.handoff).toBeNull();
    expect(outcome.messages).toEqual([
      { text: 'Greetings! How can I assist?', quickReplies: ['Products', 'Prices', 'Support hours'], data: { quickReplies: ['Products', 'Prices', 'Support hours'] } },
      { text: 'Or pick a language', quickReplies: ['English', 'Polski'], data: { quickReplies: ['English', 'Polski'] } },
    ]);
  });

  it('reads quick replies from a custom payload with its own text', async () => {
    transcript('chat-payload');
    answer('chat-payload', {
      fulfillmentMessages: [{ payload: { text: 'Which product?', quickReplies: ['Calling', 'Contact Center', ''] } }],
      intent: intent('Products'),
    });
    const outcome = await visitorSays('chat-payload', 'products');
    expect(outcome.messages).toEqual([{ text: 'Which product?', quickReplies: ['Calling', 'Contact Center'], data: { quickReplies: ['Calling', 'Contact Center'] } }]);
  });

  it('hands off on the seed intent "Transfer to agent" with the agent words', async () => {
    transcript('chat-intent');
    answer('chat-intent', {
      action: 'transfer',
      fulfillmentMessages: [text("Thank you for the conversation, I'm transferring you to an agent.")],
      intent: intent('Transfer to agent'),
    });
    const outcome = await visitorSays('chat-intent', 'I have a question about my contract');
    expect(outcome.handoff).toEqual({ reason: 'intent', detail: 'Transfer to agent' });
    expect(outcome.messages.map((m) => m.text)).toEqual(["Thank you for the conversation, I'm transferring you to an agent."]);
  });

  it('hands off after two fallback intents in a row, not after fallbacks with answers between', async () => {
    transcript('chat-fallback');
    const fallback = { action: 'input.unknown', fulfillmentMessages: [text("Sorry, I didn't get that.")], intent: intent('Default Fallback Intent', { isFallback: true }) };
    const understood = { fulfillmentMessages: [text('We are open 8 to 18.')], intent: intent('Hours') };

    answer('chat-fallback', fallback);
    const first = await visitorSays('chat-fallback', 'blorp');
    expect(first).toEqual({ messages: [{ text: "Sorry, I didn't get that.", quickReplies: [], data: { fallback: true } }], handoff: null });

    answer('chat-fallback', understood);
    expect((await visitorSays('chat-fallback', 'hours?')).handoff).toBeNull();

    answer('chat-fallback', fallback);
    expect((await visitorSays('chat-fallback', 'zzz')).handoff).toBeNull();

    answer('chat-fallback', fallback);
    const handed = await visitorSays('chat-fallback', 'qqq');
    expect(handed.handoff).toEqual({ reason: 'fallbacks', detail: '2 in a row' });
    // Not the agent's "sorry" again but the handover sentence.
    expect(handed.messages.map((m) => m.text)).toEqual(['I am handing you over to a colleague who can help further; please wait a moment.']);
  });

  it('hands off politely, in the visitor language, when Dialogflow fails', async () => {
    transcript('chat-500');
    answer('chat-500', {}, [], 500);
    const outcome = await visitorSays('chat-500', 'Wie lange dauert die Portierung?', 'de');
    expect(outcome.handoff?.reason).toBe('error');
    expect(outcome.messages.map((m) => m.text)).toEqual([
      'Entschuldigung, ich kann gerade nicht antworten. Ich verbinde Sie mit einem Mitarbeiter, der Ihnen hilft.',
    ]);
  });

  it('does not call Dialogflow when the visitor asks for a person', async () => {
    transcript('chat-human');
    const outcome = await visitorSays('chat-human', 'konsultant', 'pl');
    expect(outcome.handoff).toEqual({ reason: 'visitor_request' });
    expect(outcome.messages.map((m) => m.text)).toEqual(['Oczywiście. Łączę z konsultantem, proszę chwilę poczekać.']);
  });
});

describe('Dialogflow settings', () => {
  it('uses configured intents or actions, Dialogflow own handoff flag, a regional agent and its languages', async () => {
    const regional = await createAssistant(
      { provider: 'dialogflow', projectId: PROJECT, credentials: parseCredentials(key), handoffIntents: ['escalate.human'], location: 'europe-west2', languages: ['en', 'de'] },
      silentLog,
    );
    const seen: Seen[] = [];
    const scope = nock('https://europe-west2-dialogflow.googleapis.com')
      .post(`/v2/projects/${PROJECT}/locations/europe-west2/agent/sessions/chat-eu:detectIntent`)
      .query(true)
      .times(3)
      .reply(function (_uri, body) {
        seen.push({ body: body as Seen['body'], authorization: '' });
        const results = [
          { action: 'escalate.human', intent: intent('Angry customer') },
          { intent: intent('Transfer to agent') },
          { intent: intent('Manager please', { liveAgentHandoff: true }) },
        ];
        return [200, { queryResult: results[seen.length - 1] }];
      });
    const ctx = { chatId: 'chat-eu', topicId: 'support', history: [] };
    expect((await regional.reply({ ...ctx, language: 'de-AT', text: 'grr' })).handoff).toEqual({ reason: 'intent', detail: 'Angry customer' });
    // The default list is replaced, not extended.
    expect((await regional.reply({ ...ctx, language: 'pl', text: 'agent' })).handoff).toBeNull();
    expect((await regional.reply({ ...ctx, language: 'en', text: 'manager' })).handoff).toEqual({ reason: 'intent', detail: 'Manager please' });
    expect(seen.map((s) => s.body.queryInput.text!.languageCode)).toEqual(['de', 'en', 'en']);
    scope.done();
  });

  it('reports its own deadline as a timeout', async () => {
    const slow = await createAssistant({ provider: 'dialogflow', projectId: PROJECT, credentials: key, handoffIntents: [], timeoutMs: 150 }, silentLog);
    nock(API).post(sessionPath('chat-slow')).query(true).delay(1_500).reply(200, { queryResult: {} });
    const t = transcript('chat-slow');
    const slowService = createAssistantService({ assistant: slow, store: t, texts: await createAssistantTexts(), log: silentLog, turnLimit: 5, timeoutMs: 10_000 });
    const outcome = await slowService.onVisitorMessage(botChat('chat-slow', 'es'), '¿Cuánto cuesta?');
    expect(outcome.handoff?.reason).toBe('timeout');
    expect(outcome.messages.map((m) => m.text)).toEqual(['Lo siento, ahora no puedo responder. Le pongo en contacto con una persona que le ayudará.']);
  });

  it('rejects unusable credentials with a clear message', () => {
    expect(() => parseCredentials('{not json')).toThrow(/not valid JSON/);
    expect(() => parseCredentials('{"client_email":"a@b.c"}')).toThrow(/client_email and private_key/);
    expect(() => parseCredentials('/nonexistent/key.json')).toThrow(/ENOENT/);
  });

  it('keeps session ids within Dialogflow limits', () => {
    expect(sessionIdFor('3f6c1a52-2a7e-4d0c-9a55-0c3b1d9e8f10')).toBe('3f6c1a52-2a7e-4d0c-9a55-0c3b1d9e8f10');
    const long = sessionIdFor('x'.repeat(80));
    expect(long).toMatch(/^[0-9a-f]{36}$/);
    expect(sessionIdFor('x'.repeat(80))).toBe(long);
  });
});
