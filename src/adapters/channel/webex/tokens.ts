// The relay identity's access token. Integration tokens expire (about 14 days); with a refresh
// token and the integration's client id/secret we renew it before it expires and when Webex
// answers 401, through `POST /access_token` (grant_type=refresh_token).
import type { Logger } from 'pino';
import { WebexApiError, type TokenSource } from './client.js';

export interface RelayTokens {
  accessToken: string;
  refreshToken: string | null;
  /** When the access token expires; null when unknown. */
  expiresAt: Date | null;
}

export interface RefreshingTokenOptions {
  baseUrl: string;
  /** The token endpoint; default `${baseUrl}/access_token`. */
  tokenUrl?: string | null;
  accessToken: string;
  refreshToken?: string | null;
  clientId?: string | null;
  clientSecret?: string | null;
  expiresAt?: Date | null;
  /** Renew this long before expiry (default 1 day). */
  refreshMarginMs?: number;
  /** Called with every new token pair, so the caller can persist it (refresh tokens rotate). */
  onTokens?: (tokens: RelayTokens) => void | Promise<void>;
  logger?: Logger;
  timeoutMs?: number;
}

// setTimeout takes at most 2^31-1 ms; longer waits are re-armed.
const MAX_TIMER_MS = 2_147_483_647;

interface AccessTokenResponse {
  access_token?: unknown;
  expires_in?: unknown;
  refresh_token?: unknown;
  refresh_token_expires_in?: unknown;
}

export class RefreshingToken implements TokenSource {
  private current: RelayTokens;
  private inFlight: Promise<boolean> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly options: RefreshingTokenOptions;

  constructor(options: RefreshingTokenOptions) {
    this.options = options;
    this.current = {
      accessToken: options.accessToken,
      refreshToken: options.refreshToken ?? null,
      expiresAt: options.expiresAt ?? null,
    };
  }

  get canRefresh(): boolean {
    return Boolean(this.current.refreshToken && this.options.clientId && this.options.clientSecret);
  }

  get tokens(): RelayTokens {
    return { ...this.current };
  }

  async token(): Promise<string> {
    return this.current.accessToken;
  }

  /** Renews now (one request at a time); false when no refresh credentials are configured. */
  refresh(): Promise<boolean> {
    if (!this.canRefresh) return Promise.resolve(false);
    this.inFlight ??= this.exchange().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Arms the timer that renews before expiry. With an unknown expiry, renews once now. */
  async start(): Promise<void> {
    this.stopped = false;
    if (!this.canRefresh) return;
    if (!this.current.expiresAt) await this.refresh();
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.stopped || !this.current.expiresAt) return;
    if (this.timer) clearTimeout(this.timer);
    const margin = this.options.refreshMarginMs ?? 24 * 60 * 60 * 1000;
    const due = this.current.expiresAt.getTime() - margin - Date.now();
    const wait = Math.min(Math.max(due, 0), MAX_TIMER_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (wait < due) return this.arm();
      this.refresh().catch((error: unknown) => {
        this.options.logger?.error({ err: (error as Error).message }, 'webex relay token refresh failed');
        // Try again later rather than never; the 401 path also refreshes on demand.
        this.timer = setTimeout(() => this.arm(), 60_000);
        this.timer.unref();
      });
    }, wait);
    this.timer.unref();
  }

  private async exchange(): Promise<boolean> {
    const url = this.options.tokenUrl ?? `${this.options.baseUrl.replace(/\/+$/, '')}/access_token`;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: this.options.clientId ?? '',
        client_secret: this.options.clientSecret ?? '',
        refresh_token: this.current.refreshToken ?? '',
      }),
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
    });
    const body = (await response.json().catch(() => ({}))) as AccessTokenResponse & {
      message?: unknown;
      trackingId?: unknown;
    };
    if (!response.ok || typeof body.access_token !== 'string') {
      throw new WebexApiError(
        response.status,
        'POST',
        '/access_token',
        typeof body.message === 'string' ? body.message : 'no access_token in the answer',
        [],
        typeof body.trackingId === 'string' ? body.trackingId : response.headers.get('trackingid'),
      );
    }
    const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : null;
    this.current = {
      accessToken: body.access_token,
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : this.current.refreshToken,
      expiresAt: expiresIn !== null ? new Date(Date.now() + expiresIn * 1000) : null,
    };
    this.options.logger?.info({ expiresAt: this.current.expiresAt }, 'webex relay token renewed');
    await this.options.onTokens?.(this.tokens);
    this.arm();
    return true;
  }
}
