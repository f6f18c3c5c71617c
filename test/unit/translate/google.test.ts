// The Google translator (Cloud Translation basic, v2, through @google-cloud/translate) against
// its REST endpoint intercepted by nock: what is sent, what comes back, and failures reaching
// the chat as the original words.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { paragraph } from '../../../src/domain/rich-text.js';
import { CachedTranslator } from '../../../src/adapters/translate/cache.js';
import { GoogleTranslator } from '../../../src/adapters/translate/google.js';
import { ChatTranslation } from '../../../src/services/translation.js';
import { capturingLog } from './support.js';

const API = 'https://translation.googleapis.com';
const PATH = '/language/translate/v2';

beforeAll(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
});

afterAll(() => {
  nock.enableNetConnect();
});

describe('GoogleTranslator', () => {
  it('posts the text as plain text with the API key; returns the translation and the detected language', async () => {
    let body: unknown;
    nock(API)
      .post(PATH, (b: unknown) => ((body = b), true))
      .query({ key: 'test-key' })
      .reply(200, { data: { translations: [{ translatedText: 'Good morning, <b>is the shop open?</b>', detectedSourceLanguage: 'pl' }] } });
    const google = new GoogleTranslator({ apiKey: 'test-key' });
    expect(await google.translate('Dzień dobry, <b>czy sklep jest otwarty?</b>', 'en')).toEqual({
      text: 'Good morning, <b>is the shop open?</b>',
      from: 'pl',
    });
    // `format: text` even though the words look like HTML: chat text is never markup.
    expect(body).toEqual({ q: ['Dzień dobry, <b>czy sklep jest otwarty?</b>'], format: 'text', target: 'en' });
  });

  it('sends a known source language; Google then omits the detected one', async () => {
    let body: unknown;
    nock(API)
      .post(PATH, (b: unknown) => ((body = b), true))
      .query({ key: 'test-key' })
      .reply(200, { data: { translations: [{ translatedText: 'W czym mogę pomóc?' }] } });
    const google = new GoogleTranslator({ apiKey: 'test-key' });
    expect(await google.translate('How can I help?', 'pl', 'en')).toEqual({ text: 'W czym mogę pomóc?', from: 'en' });
    expect(body).toMatchObject({ source: 'en', target: 'pl' });
  });

  it('normalises the detected code (Google answers zh-CN): primary subtag lower-cased', async () => {
    nock(API)
      .post(PATH)
      .query(true)
      .reply(200, { data: { translations: [{ translatedText: 'hello', detectedSourceLanguage: 'zh-CN' }] } });
    expect(await new GoogleTranslator({ apiKey: 'k' }).translate('你好', 'en')).toEqual({ text: 'hello', from: 'zh-CN' });
  });

  it('rejects on an HTTP error (and does not retry it)', async () => {
    nock(API).post(PATH).query(true).reply(500, { error: { code: 500, message: 'Internal error' } });
    await expect(new GoogleTranslator({ apiKey: 'k' }).translate('tak', 'en')).rejects.toThrow();
  });

  it('rejects on a refused key (403) with Google’s message', async () => {
    nock(API).post(PATH).query(true).reply(403, { error: { code: 403, message: 'The request is missing a valid API key.' } });
    await expect(new GoogleTranslator({ apiKey: 'bad' }).translate('tak', 'en')).rejects.toThrow(/valid API key/);
  });

  it('in the chat: a 500 gives the original words, a later success is cached (one call for two asks)', async () => {
    const { log, lines } = capturingLog();
    const translation = new ChatTranslation({
      translator: new CachedTranslator(new GoogleTranslator({ apiKey: 'k' })),
      agentLanguage: 'en',
      timeoutMs: 5_000,
      log,
    });
    nock(API).post(PATH).query(true).reply(500, { error: { code: 500, message: 'Internal error' } });
    expect(await translation.noteForAgents('pl', 'dzień dobry')).toBeNull();
    expect(lines.filter((l) => l.level === 40)).toHaveLength(1);

    nock(API)
      .post(PATH)
      .query(true)
      .once()
      .reply(200, { data: { translations: [{ translatedText: 'good morning', detectedSourceLanguage: 'pl' }] } });
    expect(await translation.noteForAgents('pl', 'dzień dobry')).toEqual([paragraph('(pl → en) good morning')]);
    expect(await translation.noteForAgents('pl', 'dzień dobry')).toEqual([paragraph('(pl → en) good morning')]);
  });
});
