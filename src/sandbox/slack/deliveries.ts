// What the sandbox sends to the app's request URL: Events API callbacks (`message` to the
// bot's channels, `app_mention` when it is mentioned) and interactivity payloads, signed with
// the signing secret (`v0=` HMAC-SHA256 of `v0:<timestamp>:<body>`), one at a time in order.
import { createHmac, randomUUID } from 'node:crypto';
import { messageJson, TEAM_ID, type SlackSandboxChannel, type SlackSandboxMessage } from './workspace.js';

type Kind = 'event' | 'interaction';

function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export class SlackDeliveries {
  /** Where events and interactions go; nothing is sent while it is null. */
  requestUrl: string | null;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly signingSecret: string,
    requestUrl: string | null,
  ) {
    this.requestUrl = requestUrl;
  }

  /** The Events API for a new message: `message`, plus `app_mention` when it mentions the bot. */
  announce(channel: SlackSandboxChannel, message: SlackSandboxMessage, botUserId: string): void {
    const event = {
      ...messageJson(message),
      channel: channel.id,
      channel_type: channel.isPrivate ? 'group' : 'channel',
      event_ts: message.ts,
    };
    const envelopes = [{ ...event, type: 'message' }];
    if (!message.botId && message.text.includes(`<@${botUserId}>`)) envelopes.push({ ...event, type: 'app_mention' });
    for (const e of envelopes) {
      const body = JSON.stringify({
        token: 'deprecated-verification-token',
        team_id: TEAM_ID,
        api_app_id: 'A0SANDBOX',
        event: e,
        type: 'event_callback',
        event_id: `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
        event_time: Math.floor(Number(message.ts)),
      });
      void this.deliver('event', body, 'application/json');
    }
  }

  /** Signs and posts a delivery, in order; events are retried up to three times as Slack does. */
  deliver(kind: Kind, body: string, contentType: string): Promise<number> {
    const run = this.chain.then(() => this.send(kind, body, contentType));
    this.chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Resolves once every delivery queued so far has been answered. */
  async idle(): Promise<void> {
    let chain: Promise<void>;
    do {
      chain = this.chain;
      await chain;
    } while (chain !== this.chain);
  }

  private async send(kind: Kind, body: string, contentType: string): Promise<number> {
    const url = this.requestUrl;
    if (!url) return 0;
    let status = 0;
    for (let attempt = 0; attempt < 4; attempt++) {
      const timestamp = Math.floor(Date.now() / 1000);
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': contentType,
            'x-slack-request-timestamp': String(timestamp),
            'x-slack-signature': sign(this.signingSecret, timestamp, body),
            ...(attempt > 0 ? { 'x-slack-retry-num': String(attempt), 'x-slack-retry-reason': 'http_error' } : {}),
          },
          body,
          signal: AbortSignal.timeout(3_000),
        });
        status = res.status;
        await res.body?.cancel();
      } catch {
        status = 0;
      }
      // Interactions are not retried by Slack; events are, on errors.
      if (kind === 'interaction' || (status >= 200 && status < 300)) return status;
      await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
    }
    return status;
  }
}
