// TRANSLATOR and its companions in the configuration.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

const load = (env: Record<string, string>) => loadConfig(env, [], '/nonexistent-dir');

function issues(env: Record<string, string>): string[] {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

describe('translation config', () => {
  it('is off by default, agents speak English, 5 s per translation', () => {
    expect(load({}).translation).toEqual({ provider: 'none', agentLanguage: 'en', timeoutMs: 5_000 });
  });

  it('google with an API key, agents in German, a shorter deadline', () => {
    expect(load({ TRANSLATOR: 'google', GOOGLE_TRANSLATE_API_KEY: 'k', AGENT_LANGUAGE: 'de', TRANSLATOR_TIMEOUT: '2s' }).translation).toEqual({
      provider: 'google',
      apiKey: 'k',
      agentLanguage: 'de',
      timeoutMs: 2_000,
    });
    // A service account instead of a key.
    expect(load({ TRANSLATOR: 'google', GOOGLE_APPLICATION_CREDENTIALS: '/etc/sa.json' }).translation).toMatchObject({ provider: 'google', apiKey: null });
  });

  it('llm over the assistant’s endpoint; TRANSLATOR_MODEL overrides OPENAI_MODEL', () => {
    const env = { TRANSLATOR: 'llm', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_MODEL: 'llama3.1' };
    expect(load(env).translation).toEqual({
      provider: 'llm',
      apiKey: null,
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'llama3.1',
      agentLanguage: 'en',
      timeoutMs: 5_000,
    });
    expect(load({ ...env, TRANSLATOR_MODEL: 'small-translator' }).translation).toMatchObject({ model: 'small-translator' });
    // The assistant itself may stay off.
    expect(load(env).ai).toEqual({ provider: 'none' });
  });

  it('names each bad or missing value', () => {
    expect(issues({ TRANSLATOR: 'deepl' })[0]).toMatch(/^TRANSLATOR: /);
    expect(issues({ TRANSLATOR: 'google' })).toEqual([
      'GOOGLE_TRANSLATE_API_KEY: required with TRANSLATOR=google (or set GOOGLE_APPLICATION_CREDENTIALS)',
    ]);
    expect(issues({ TRANSLATOR: 'llm' })).toEqual(['OPENAI_API_KEY: required with TRANSLATOR=llm (or set OPENAI_BASE_URL for a local model)']);
    expect(issues({ AGENT_LANGUAGE: 'English' })).toEqual(['AGENT_LANGUAGE: a language code such as "en" or "pt-BR"']);
    expect(issues({ TRANSLATOR_TIMEOUT: 'soon' })[0]).toMatch(/^TRANSLATOR_TIMEOUT: not a duration/);
  });
});
