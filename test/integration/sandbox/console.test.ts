// The agent console: served with a strict CSP, its vendor files present, and (where Chromium is
// installed) usable in a browser: pick an identity, post a message mentioning the bot, submit a card.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxServer } from '../../../src/sandbox/index.js';
import { browserAvailable, CHROMIUM_PATH as CHROMIUM } from '../../e2e/support/browser.js';
import { apiFor, BOT, groupRoom, startReceiver, startSandbox, type Receiver } from './helpers.js';

let server: SandboxServer;

beforeAll(async () => {
  server = await startSandbox();
});
afterAll(async () => server.close());

describe('console assets', () => {
  it('serves the console with a CSP that forbids inline scripts', async () => {
    const redirect = await fetch(server.url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/sandbox/');
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const html = await res.text();
    expect(html).toContain('Sandbox — not Webex');
    expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script bodies
  });

  it('serves its script, style and the marked and adaptivecards browser builds', async () => {
    for (const [path, type] of [
      ['console/console.js', 'javascript'],
      ['console/console.css', 'css'],
      ['vendor/marked.js', 'javascript'],
      ['vendor/adaptivecards.js', 'javascript'],
      ['vendor/adaptivecards.css', 'css'],
    ] as const) {
      const res = await fetch(`${server.url}/${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain(type);
    }
    expect((await fetch(`${server.url}/vendor/other.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/console/missing.js`)).status).toBe(404);
  });
});

// Skips with a notice without Chromium, unless REQUIRE_BROWSER=1 (CI), where that fails.
describe.skipIf(!browserAvailable())('console in a browser', () => {
  let browser: Browser;
  let receiver: Receiver;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
  });

  it('lets alice mention the bot and submit a card as herself, with no CSP violation', async () => {
    const bot = apiFor(server, BOT);
    await bot('POST', '/webhooks', { name: 'cards', targetUrl: receiver.url, resource: 'attachmentActions', event: 'created', secret: 'x' });
    const roomId = await groupRoom(bot, 'Console test', ['alice@example.com']);
    const card = await bot('POST', '/messages', {
      roomId,
      markdown: 'A visitor is waiting',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            type: 'AdaptiveCard',
            version: '1.3',
            body: [{ type: 'TextBlock', text: 'Jane Visitor' }, { type: 'Input.Text', id: 'note' }],
            actions: [{ type: 'Action.Submit', title: 'Claim', data: { action: 'claim' } }],
          },
        },
      ],
    });

    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.addInitScript(() => localStorage.setItem('sbx.identity', 'alice@example.com'));
    await page.goto(`${server.url}/`);
    await page.locator(`#space-list li[data-id="${roomId}"]`).click();
    await page.locator('.card input').fill('mine now');
    await page.locator('.card .ac-pushButton', { hasText: 'Claim' }).click();

    await page.locator('#text').fill('Taking it @bot');
    await page.keyboard.press('Enter');
    await page.locator('.msg .mention', { hasText: 'Live Chat Bot' }).waitFor();

    await expect.poll(() => receiver.deliveries.length).toBe(1);
    const actionId = receiver.deliveries[0]!.body.data.id;
    const action = await bot('GET', `/attachment/actions/${actionId}`);
    expect(action.body).toMatchObject({ messageId: card.body.id, inputs: { action: 'claim', note: 'mine now' } });
    expect(action.body.personId).toBe((await apiFor(server, 'alice@example.com')('GET', '/people/me')).body.id);

    const mentions = await bot('GET', `/messages?roomId=${roomId}&mentionedPeople=me`);
    expect(mentions.body.items.map((m: any) => m.text)).toEqual(['Taking it Live Chat Bot']);
    expect(problems).toEqual([]);
    await page.close();
  });
});
