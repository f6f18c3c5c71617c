// A small Slack for development and tests: the Web API methods this product calls (under
// `<base>/api/<method>`, Slack's `{ ok, error }` answers, 429 with Retry-After on demand),
// private channels, users alice…sam and a bot user, and signed deliveries of the Events API
// (`message` and `app_mention` events of channels the bot is in) and of interactivity
// (`block_actions` when someone clicks a button) to the configured request URL.
// State lives in memory: a restart starts a fresh workspace.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { SlackDeliveries } from './deliveries.js';
import { blockActionsPayload, type Typed } from './interactions.js';
import { runMethod } from './web-api.js';
import { ApiError, SlackWorkspace, type Args, type SlackSandboxChannel, type SlackSandboxMessage, type SlackSandboxUser } from './workspace.js';

export { SLACK_SANDBOX_BOT_TOKEN, type SlackSandboxMessage } from './workspace.js';
export { renderMrkdwn } from './render.js';

interface SlackSandboxOptions {
  /** Where `router` is mounted (e.g. `http://127.0.0.1:3000/sandbox/slack`); set later by `listen`. */
  publicUrl?: string;
  /** Where events and interactions go (the app's `/webhooks/slack`); can be set later. */
  requestUrl?: string;
  log?: Logger;
}

/** An armed rate limit: the next `times` calls of `method` (`*`: any) answer 429. */
interface RateLimit {
  method: string;
  times: number;
  retryAfter: number;
}

export class SlackSandbox {
  readonly router = express.Router();
  /** What the app verifies deliveries with (SLACK_SIGNING_SECRET): random, as the workspace lives in memory. */
  readonly signingSecret = randomBytes(32).toString('hex');
  readonly bot: SlackSandboxUser;
  readonly channels: Map<string, SlackSandboxChannel>;
  /** Every Web API call by method name (including refused ones). */
  readonly calls = new Map<string, number>();
  private readonly workspace: SlackWorkspace;
  private readonly outbound: SlackDeliveries;
  private base: string | null;
  private readonly rateLimits: RateLimit[] = [];
  private server: Server | null = null;

  constructor(private readonly options: SlackSandboxOptions = {}) {
    this.base = options.publicUrl?.replace(/\/$/, '') ?? null;
    this.outbound = new SlackDeliveries(this.signingSecret, options.requestUrl ?? null);
    this.workspace = new SlackWorkspace((channel, message) => {
      if (channel.members.has(this.bot.id)) this.outbound.announce(channel, message, this.bot.id);
    });
    this.bot = this.workspace.bot;
    this.channels = this.workspace.channels;
    this.router.use(express.urlencoded({ extended: false, limit: '1mb' }), express.json({ limit: '1mb' }));
    this.router.all('/api/:method', (req, res) => this.serve(req, res));
  }

  /** Where events and interactions go (the app's `/webhooks/slack`); null sends nothing. */
  get requestUrl(): string | null {
    return this.outbound.requestUrl;
  }

  set requestUrl(url: string | null) {
    this.outbound.requestUrl = url;
  }

  /** `<publicUrl>/api`: what SLACK_API_URL points at. */
  get apiBase(): string {
    if (!this.base) throw new Error('the Slack sandbox has no public URL yet');
    return `${this.base}/api`;
  }

  /** Serves the sandbox on its own port (tests playing an external Slack). */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const app = express();
    app.use(this.router);
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(port, host, () => resolve(s));
    });
    this.server = server;
    this.base = `http://${host}:${(server.address() as AddressInfo).port}`;
    return this.base;
  }

  async close(): Promise<void> {
    await this.outbound.idle();
    const server = this.server;
    this.server = null;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  user(email: string): SlackSandboxUser {
    return this.workspace.user(email);
  }

  memberEmails(channel: string): string[] {
    const found = this.channels.get(channel);
    if (!found) return [];
    return [...found.members].map((id) => this.workspace.users.find((u) => u.id === id)!.email).sort();
  }

  // --- knobs

  /** The next `times` calls of `method` (`*`: any) answer 429 with `Retry-After: retryAfter`. */
  rateLimit(method: string, times = 1, retryAfterSeconds = 1): void {
    this.rateLimits.push({ method, times, retryAfter: retryAfterSeconds });
  }

  // --- people acting (what the Slack client would do for them)

  /** A click on the button labelled `title` of message `ts`, with what the person typed or chose. */
  async click(email: string, channel: string, ts: string, title: string, typed: Typed = {}): Promise<number> {
    const user = this.user(email);
    const room = this.channels.get(channel);
    const message = room?.messages.find((m) => m.ts === ts);
    if (!room || !message || !room.members.has(user.id)) throw new Error(`${email} cannot see message ${ts} in ${channel}`);
    const payload = blockActionsPayload({
      user,
      channel: room,
      message,
      title,
      typed,
      newTs: () => this.workspace.newTs(),
      base: this.base ?? '',
    });
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.outbound.deliver('interaction', body, 'application/x-www-form-urlencoded');
  }

  /** Posts as a person (their own token would do the same through the API). */
  say(email: string, channel: string, text: string, threadTs?: string): SlackSandboxMessage {
    return this.workspace.postMessage(this.user(email), { channel, text, ...(threadTs ? { thread_ts: threadTs } : {}) });
  }

  // --- the Web API

  private async serve(req: Request, res: Response): Promise<void> {
    const method = String(req.params.method);
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const limited = take(this.rateLimits, method);
    if (limited) {
      res.status(429).set('retry-after', String(limited.retryAfter)).json({ ok: false, error: 'ratelimited' });
      return;
    }
    const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? (req.body?.token as string | undefined);
    if (!token) {
      res.json({ ok: false, error: 'not_authed' });
      return;
    }
    const caller = this.workspace.users.find((u) => u.token === token);
    if (!caller) {
      res.json({ ok: false, error: 'invalid_auth' });
      return;
    }
    const args: Args = { ...(req.query as Args), ...((req.body as Args | undefined) ?? {}) };
    try {
      res.json({ ok: true, ...runMethod(this.workspace, method, caller, args, this.base ?? '') });
    } catch (error) {
      if (error instanceof ApiError) res.json({ ok: false, error: error.code });
      else {
        this.options.log?.error({ err: error, method }, 'slack sandbox failure');
        res.status(500).json({ ok: false, error: 'internal_error' });
      }
    }
  }
}

/** Consumes one armed rate limit matching the method, if any. */
function take(list: RateLimit[], method: string): RateLimit | null {
  const found = list.find((k) => k.times > 0 && (k.method === method || k.method === '*'));
  if (!found) return null;
  found.times--;
  return found;
}
