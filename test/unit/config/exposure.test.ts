import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { isLoopbackHost } from '../../../src/config/exposure.js';

const dir = mkdtempSync(path.join(tmpdir(), 'livechat-exposure-'));
const load = (env: Record<string, string>) => loadConfig(env, [], dir);
const REAL = { WEBEX_BOT_TOKEN: 'bot', WEBEX_WEBHOOK_SECRET: 'hook', PUBLIC_URL: 'https://chat.example.com' };

describe('HOST and SANDBOX_PUBLIC', () => {
  it('binds loopback while a sandbox plays the messenger, every interface otherwise', () => {
    expect(load({})).toMatchObject({ host: '127.0.0.1', sandboxPublic: false });
    expect(load({ MESSENGER: 'slack' }).host).toBe('127.0.0.1');
    expect(load(REAL)).toMatchObject({ host: '0.0.0.0', sandboxPublic: false });
    expect(load({ HOST: '::' }).host).toBe('::');
    expect(load({ SANDBOX_PUBLIC: 'true', PUBLIC_URL: 'https://demo.example.com' })).toMatchObject({ host: '0.0.0.0', sandboxPublic: true });
  });

  it('refuses a public PUBLIC_URL with a sandbox, naming both ways out; loopback names pass', () => {
    for (const url of ['https://chat.example.com', 'http://192.0.2.7:3000']) {
      let error: unknown;
      try {
        load({ PUBLIC_URL: url });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toMatch(/PUBLIC_URL: .* is not this machine.*WEBEX_BOT_TOKEN.*SANDBOX_PUBLIC=true/s);
    }
    expect(() => load({ MESSENGER: 'slack', PUBLIC_URL: 'https://chat.example.com' })).toThrow(/SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET/);
    for (const url of ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000', 'http://app.localhost']) {
      expect(load({ PUBLIC_URL: url }).publicUrl).toBe(url);
    }
    expect(isLoopbackHost('127.example.com')).toBe(false);
  });
});
