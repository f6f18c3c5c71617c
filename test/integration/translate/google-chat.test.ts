// The same chat with TRANSLATOR=google: Google's endpoint intercepted by nock (the only host
// not on 127.0.0.1; everything else — widget API, sandbox, database — is real).
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Agent, latestCard, spaceOf, startProduct, Visitor, waitForText, type Product } from '../chats/harness.js';

const API = 'https://translation.googleapis.com';
const PATH = '/language/translate/v2';

let product: Product;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  product = await startProduct({ TRANSLATOR: 'google', GOOGLE_TRANSLATE_API_KEY: 'test-key', AGENT_LANGUAGE: 'en' });
});

afterEach(() => {
  nock.cleanAll();
});

afterAll(async () => {
  await product?.close();
  nock.enableNetConnect();
});

type Body = { q: string[]; target: string; source?: string; format: string };

describe('translated chat (TRANSLATOR=google)', () => {
  it('German visitor and English agent through Google; a 500 from Google leaves the original words', async () => {
    const { app } = product;
    const bob = new Agent(app, 'bob@example.com');
    const bodies: Body[] = [];
    nock(API)
      .post(PATH, (b: Body) => (bodies.push(b), true))
      .query({ key: 'test-key' })
      .times(2)
      .reply(200, (_uri, b) => {
        const body = b as Body;
        return body.target === 'en'
          ? { data: { translations: [{ translatedText: 'Hello, where is my parcel?', detectedSourceLanguage: 'de' }] } }
          : { data: { translations: [{ translatedText: 'Es ist heute unterwegs.', detectedSourceLanguage: 'en' }] } };
      });

    const visitor = await Visitor.start(app.url, { topic: 'sales', name: 'Greta', language: 'de' });
    const room = await spaceOf(app, visitor.id);
    await latestCard(bob, room, true);
    await visitor.send('Hallo, wo ist mein Paket?');
    const line = await waitForText(bob, room, /Greta/);
    expect(line.markdown).toBe('**Visitor · Greta \\(unverified\\):** Hallo, wo ist mein Paket?\n_\\(de → en\\) Hello, where is my parcel?_');

    await bob.say(room, 'It is on its way today.');
    const reply = await visitor.waitFor((m) => m.from === 'agent');
    expect(reply.text).toBe('Es ist heute unterwegs.');
    expect((reply as { data?: unknown }).data).toEqual({ original: 'It is on its way today.', from: 'en', to: 'de' });
    expect(bodies).toEqual([
      { q: ['Hallo, wo ist mein Paket?'], target: 'en', format: 'text' },
      { q: ['It is on its way today.'], target: 'de', format: 'text' },
    ]);

    const failing = nock(API).post(PATH).query(true).times(2).reply(500, { error: { code: 500, message: 'Internal error' } });
    await visitor.send('Danke!');
    const plain = await waitForText(bob, room, /Danke/);
    expect(plain.markdown).toBe('**Visitor · Greta \\(unverified\\):** Danke!');
    await bob.say(room, 'You are welcome.');
    const untranslated = await visitor.waitFor((m) => m.from === 'agent' && m.text === 'You are welcome.');
    expect((untranslated as { data?: unknown }).data).toBeUndefined();
    expect(failing.isDone()).toBe(true);
  });
});
