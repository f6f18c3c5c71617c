// Who can reach the server while a sandbox stands in for the messenger. The sandbox hands out
// every identity's token, so it stays on this machine unless SANDBOX_PUBLIC=true says otherwise:
// loopback by default, and a public PUBLIC_URL without a bot token stops the start.
import { isIP } from 'node:net';
import type { Env } from './env.js';
import type { Issues } from './env-mapping.js';
import type { Config } from './types.js';

/** `localhost`, `*.localhost`, 127.0.0.0/8 and ::1: names that only ever mean this machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host.startsWith('::ffff:127.');
}

/** HOST and SANDBOX_PUBLIC, checked against PUBLIC_URL and the messenger's sandbox. */
export function exposureFrom(
  e: Env,
  channels: Pick<Config, 'messenger' | 'webex' | 'slack'>,
  issues: Issues,
): Pick<Config, 'host' | 'sandboxPublic'> {
  const sandbox = channels.messenger === 'slack' ? channels.slack.sandbox : channels.webex.sandbox;
  const publicHost = e.PUBLIC_URL ? new URL(e.PUBLIC_URL).hostname : null;
  if (sandbox && !e.SANDBOX_PUBLIC && publicHost && !isLoopbackHost(publicHost)) {
    const credentials =
      channels.messenger === 'slack' ? 'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET' : 'WEBEX_BOT_TOKEN and WEBEX_WEBHOOK_SECRET';
    issues.push({
      path: 'PUBLIC_URL',
      message:
        `${publicHost} is not this machine, but no bot token is set, so the built-in sandbox (which hands out ` +
        `every agent's token) would serve the public. Either set the credentials (${credentials}), ` +
        'or set SANDBOX_PUBLIC=true to open the sandbox to everyone on purpose',
    });
  }
  return {
    host: e.HOST ?? (sandbox && !e.SANDBOX_PUBLIC ? '127.0.0.1' : '0.0.0.0'),
    sandboxPublic: sandbox && e.SANDBOX_PUBLIC,
  };
}
