// The welcome line fits the chat: while the assistant answers nobody promises an agent
// "shortly"; a chat that starts in the queue does say someone will come. (The widget shows
// "Talk to a person" only in the assistant's state: covered by its state handling.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAi, type FakeOpenAi } from '../../unit/ai/support/fake-openai.js';
import { startProduct, Visitor, type Product } from './harness.js';

let fake: FakeOpenAi;
let product: Product;

beforeAll(async () => {
  fake = await startFakeOpenAi();
  fake.behave(() => ({ content: 'Hello! I am the assistant. How can I help?' }));
  product = await startProduct({
    AI_PROVIDER: 'openai',
    OPENAI_API_KEY: 'sk-test',
    OPENAI_BASE_URL: fake.url,
    OPENAI_MODEL: 'acme-mini',
    TIMER_LOST_VISITOR: '1h',
  });
});

afterAll(async () => {
  await product?.close();
  await fake?.close();
});

describe('the welcome line', () => {
  it('with the assistant answering: no promise of an agent', async () => {
    const started = await fetch(`${product.app.url}/api/v1/chats`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ topic: 'sales', language: 'en' }),
    });
    expect(started.status).toBe(201);
    const body = (await started.json()) as { state: string; messages: { from: string; text: string }[] };
    expect(body.state).toBe('bot');
    const welcome = body.messages[0]!;
    expect(welcome.from).toBe('system');
    expect(welcome.text).toBe('Thanks for contacting Sales. Our assistant answers first; you can ask for a person at any time.');
    expect(welcome.text).not.toMatch(/agent will be with you/);
  });

  it('in Polish too', async () => {
    const v = await Visitor.start(product.app.url, { topic: 'sales', language: 'pl' });
    const first = (await v.messages()).messages[0]!;
    expect(first.text).toMatch(/Najpierw odpowie asystent/);
  });
});
