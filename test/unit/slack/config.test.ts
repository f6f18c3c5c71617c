// MESSENGER=slack and its variables; Webex stays the default.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

const cwd = mkdtempSync(path.join(tmpdir(), 'slack-config-'));
const load = (env: Record<string, string>) => loadConfig(env, [], cwd);

describe('Slack configuration', () => {
  it('defaults to Webex', () => {
    expect(load({}).messenger).toBe('webex');
  });

  it('without a token, the Slack sandbox', () => {
    expect(load({ MESSENGER: 'slack' }).slack).toEqual({ sandbox: true, botToken: null, signingSecret: null, apiUrl: null });
  });

  it('with a token: the signing secret is required, the API URL defaults to Slack’s', () => {
    expect(() => load({ MESSENGER: 'slack', SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(ConfigError);
    try {
      load({ MESSENGER: 'slack', SLACK_BOT_TOKEN: 'xoxb-1' });
    } catch (error) {
      expect((error as Error).message).toContain('SLACK_SIGNING_SECRET');
    }
    const config = load({ MESSENGER: 'slack', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
    expect(config.slack).toEqual({ sandbox: false, botToken: 'xoxb-1', signingSecret: 's', apiUrl: 'https://slack.com/api' });
    expect(load({ MESSENGER: 'slack', SLACK_BOT_TOKEN: 'x', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'http://127.0.0.1:9/api' }).slack.apiUrl).toBe(
      'http://127.0.0.1:9/api',
    );
    expect(() => load({ MESSENGER: 'teams' })).toThrow(ConfigError);
  });
});
