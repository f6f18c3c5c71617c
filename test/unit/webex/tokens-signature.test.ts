import { afterEach, describe, expect, it } from 'vitest';
import { WebexApiError, WebexClient } from '../../../src/adapters/channel/webex/client.js';
import { verifyWebhookSignature } from '../../../src/adapters/channel/webex/signature.js';
import { RefreshingToken, type RelayTokens } from '../../../src/adapters/channel/webex/tokens.js';
import { json, signWebhookBody, startFakeServer } from './fake-server.js';

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

/** A local stand-in for Webex's `POST /v1/access_token` and one protected endpoint. */
async function tokenServer() {
  let issued = 0;
  let valid = 'initial';
  const server = await startFakeServer((req, res) => {
    if (req.method === 'POST' && req.url === '/v1/access_token') {
      const form = new URLSearchParams(req.body);
      if (
        req.headers['content-type'] !== 'application/x-www-form-urlencoded' ||
        form.get('grant_type') !== 'refresh_token' ||
        form.get('client_id') !== 'cid' ||
        form.get('client_secret') !== 'csecret' ||
        form.get('refresh_token') !== 'refresh-1'
      ) {
        return json(res, 400, { message: 'invalid_grant', trackingId: 'TOK_1' });
      }
      issued++;
      valid = `access-${issued}`;
      return json(res, 200, {
        access_token: valid,
        expires_in: 1209599,
        refresh_token: 'refresh-1',
        refresh_token_expires_in: 7775999,
      });
    }
    if (req.headers.authorization !== `Bearer ${valid}`) return json(res, 401, { message: 'expired' });
    json(res, 200, { id: 'relay', emails: ['relay@example.com'], displayName: 'Relay' });
  });
  servers.push(server);
  return { server, issued: () => issued, expire: () => (valid = 'nobody-has-this') };
}

describe('RefreshingToken', () => {
  it('renews at start when the expiry is unknown, and again on a 401, reporting new tokens', async () => {
    const { server, issued, expire } = await tokenServer();
    const saved: RelayTokens[] = [];
    const tokens = new RefreshingToken({
      baseUrl: `${server.url}/v1`,
      accessToken: 'from-env',
      refreshToken: 'refresh-1',
      clientId: 'cid',
      clientSecret: 'csecret',
      onTokens: (t) => void saved.push(t),
    });
    await tokens.start();
    expect(await tokens.token()).toBe('access-1');
    expect(saved[0]?.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 13 * 24 * 3600 * 1000);

    const client = new WebexClient({ baseUrl: `${server.url}/v1`, token: tokens });
    expect((await client.me()).id).toBe('relay');
    expire();
    expect((await client.me()).id).toBe('relay');
    expect(issued()).toBe(2);
    expect(saved.map((t) => t.accessToken)).toEqual(['access-1', 'access-2']);
    tokens.stop();
  });

  it('renews ahead of a known expiry, on its own timer, and re-arms for the new expiry', async () => {
    const { server, issued } = await tokenServer();
    const saved: RelayTokens[] = [];
    const tokens = new RefreshingToken({
      baseUrl: `${server.url}/v1`,
      accessToken: 'about-to-expire',
      refreshToken: 'refresh-1',
      clientId: 'cid',
      clientSecret: 'csecret',
      // Inside the renewal margin already: due now.
      expiresAt: new Date(Date.now() + 60_000),
      refreshMarginMs: 120_000,
      onTokens: (t) => void saved.push(t),
    });
    await tokens.start();
    expect(issued()).toBe(0); // a known expiry is not renewed synchronously at start
    while (issued() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    while (saved.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await tokens.token()).toBe('access-1');
    expect(tokens.tokens.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 13 * 24 * 3600 * 1000);
    tokens.stop();
    expect(issued()).toBe(1);
  });

  it('shares one exchange between concurrent refreshes', async () => {
    const { server, issued } = await tokenServer();
    const tokens = new RefreshingToken({
      baseUrl: `${server.url}/v1`,
      accessToken: 'x',
      refreshToken: 'refresh-1',
      clientId: 'cid',
      clientSecret: 'csecret',
    });
    await Promise.all([tokens.refresh(), tokens.refresh(), tokens.refresh()]);
    expect(issued()).toBe(1);
  });

  it('fails with a typed error when Webex refuses the refresh token', async () => {
    const { server } = await tokenServer();
    const tokens = new RefreshingToken({
      baseUrl: `${server.url}/v1`,
      accessToken: 'x',
      refreshToken: 'revoked',
      clientId: 'cid',
      clientSecret: 'csecret',
    });
    const error = (await tokens.refresh().catch((e: unknown) => e)) as WebexApiError;
    expect(error).toBeInstanceOf(WebexApiError);
    expect(error.status).toBe(400);
    expect(error.trackingId).toBe('TOK_1');
  });

  it('does not try to refresh without client credentials', async () => {
    const tokens = new RefreshingToken({ baseUrl: 'http://127.0.0.1:9/v1', accessToken: 'x', refreshToken: 'r' });
    expect(tokens.canRefresh).toBe(false);
    expect(await tokens.refresh()).toBe(false);
    await tokens.start();
    expect(await tokens.token()).toBe('x');
  });
});

describe('webhook signatures', () => {
  const body = Buffer.from('{"id":"w1","resource":"messages","event":"created","data":{"id":"m1"}}');

  it('accepts the hex HMAC-SHA1 of the raw body, in either case', () => {
    const sig = signWebhookBody(body, 'sekret');
    expect(verifyWebhookSignature(body, sig, 'sekret')).toBe(true);
    expect(verifyWebhookSignature(body, sig.toUpperCase(), 'sekret')).toBe(true);
  });

  it('refuses another secret, another body, a missing, short, repeated or non-hex header', () => {
    const sig = signWebhookBody(body, 'sekret');
    expect(verifyWebhookSignature(body, signWebhookBody(body, 'other'), 'sekret')).toBe(false);
    expect(verifyWebhookSignature(Buffer.from(`${body.toString()} `), sig, 'sekret')).toBe(false);
    expect(verifyWebhookSignature(body, undefined, 'sekret')).toBe(false);
    expect(verifyWebhookSignature(body, sig.slice(0, 20), 'sekret')).toBe(false);
    expect(verifyWebhookSignature(body, [sig, sig], 'sekret')).toBe(false);
    expect(verifyWebhookSignature(body, 'z'.repeat(40), 'sekret')).toBe(false);
  });
});
