// What agents write, as the visitor sees it in Chromium: the agent posts markdown in the sandbox
// (its Webex REST API over HTTP), the product (real PostgreSQL) carries it to the widget, which
// renders links, bold and lists from a safe subset. Also: agents by first name with an initial,
// the language race of the topic list, natural next-opening times and the bubble's language.
// Needs the widget build (npm run build:widget) and /usr/bin/chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserAvailable, openBrowser, type Browser } from './support/browser.js';
import { billingDay, eventually, spaceWith, startProduct, type Product } from './support/product.js';

const ALICE = 'alice@example.com';
const ROOT = 'live-chat-widget';
const marker = (label: string) => `${label} ${Math.random().toString(36).slice(2, 8)}`;

describe.skipIf(!browserAvailable())('agents’ words in the widget (Chromium)', () => {
  let product: Product;
  let browser: Browser | null = null;

  beforeAll(async () => {
    product = await startProduct({ env: { AGENT_DISPLAY: 'first-name' } });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await product?.close();
  }, 30_000);

  async function open(options: Parameters<typeof openBrowser>[0] = {}): Promise<Page> {
    await browser?.close();
    browser = await openBrowser(options);
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => console.error('page error:', error.message));
    return page;
  }

  it('an agent’s markdown link is clickable; javascript: links and HTML are not; a bare address is a link', async () => {
    const page = await open();
    await page.goto(`${product.url}/demo`);
    await page.locator(`${ROOT} .lc-launcher`).click();
    await page.locator(`${ROOT} [data-topic="sales"]`).click();
    const hello = marker('Hello');
    await page.locator(`${ROOT} .lc-composer textarea`).fill(hello);
    await page.locator(`${ROOT} .lc-composer textarea`).press('Enter');
    const room = await spaceWith(product, ALICE, hello);

    // Tracks any script the agent's text might run.
    await page.evaluate(() => ((window as unknown as { pwned: number }).pwned = 0));
    await product.webex(ALICE, 'POST', '/messages', {
      roomId: room.id,
      markdown:
        'Read **the guide**: [our guide](https://example.com/guide)\n' +
        '[click me](javascript:window.pwned=1) <img src=x onerror="window.pwned=2"> <b>not bold</b>\n\n' +
        '- or https://example.com/faq\n- or write to [us](mailto:help@example.com)',
    });
    const bubble = page.locator(`${ROOT} .lc-msg-agent .lc-bubble`, { hasText: 'Read' });
    await bubble.waitFor();

    const guide = bubble.locator('a', { hasText: 'our guide' });
    expect(await guide.getAttribute('href')).toBe('https://example.com/guide');
    expect(await guide.getAttribute('target')).toBe('_blank');
    expect(await guide.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await bubble.locator('strong', { hasText: 'the guide' }).count()).toBe(1);
    expect(await bubble.locator('a', { hasText: 'https://example.com/faq' }).getAttribute('href')).toBe('https://example.com/faq');
    expect(await bubble.locator('a', { hasText: 'us' }).getAttribute('href')).toBe('mailto:help@example.com');
    expect(await bubble.locator('li').count()).toBe(2);

    // The javascript: link is words only; the HTML shows as the text the agent typed.
    expect(await bubble.locator('a', { hasText: 'click me' }).count()).toBe(0);
    expect(await bubble.innerText()).toContain('click me');
    expect(await bubble.locator('img, b').count()).toBe(0);
    expect(await bubble.innerText()).toContain('<img src=x onerror="window.pwned=2"> <b>not bold</b>');
    expect(await bubble.locator('a').evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).protocol))).toEqual([
      'https:',
      'https:',
      'mailto:',
    ]);
    expect(await page.evaluate(() => (window as unknown as { pwned: number }).pwned)).toBe(0);

    // The agent by first name with an initial avatar, and one joined line.
    const meta = page.locator(`${ROOT} .lc-msg-agent .lc-meta`).first();
    expect(await meta.innerText()).toContain('Alice');
    expect(await meta.locator('.lc-avatar').innerText()).toBe('A');
    await product.webex(ALICE, 'POST', '/messages', { roomId: room.id, text: 'Anything else?' });
    await page.locator(`${ROOT} .lc-msg-agent .lc-bubble`, { hasText: 'Anything else?' }).waitFor();
    expect(await page.locator(`${ROOT} .lc-msg-system .lc-bubble`, { hasText: 'joined the chat' }).allInnerTexts()).toEqual(['Alice joined the chat']);

    // The visitor's own markdown stays literal.
    await page.locator(`${ROOT} .lc-composer textarea`).fill('[mine](https://example.com/x) **plain**');
    await page.locator(`${ROOT} .lc-composer textarea`).press('Enter');
    const mine = page.locator(`${ROOT} .lc-msg-visitor .lc-bubble`, { hasText: '[mine](https://example.com/x) **plain**' });
    await mine.waitFor();
    expect(await mine.locator('a, strong').count()).toBe(0);
  }, 60_000);

  it('a language switched while the topics load shows them in the new language; the bubble follows', async () => {
    const page = await open();
    // Hold the English answer until the visitor has picked German: the race, every time.
    let releaseEnglish: () => void = () => undefined;
    const german = new Promise<void>((resolve) => (releaseEnglish = resolve));
    let englishAnswered = false;
    let held = false;
    await page.route('**/api/v1/config*', async (route) => {
      const lang = new URL(route.request().url()).searchParams.get('lang');
      if (lang === 'en') {
        held = true;
        await german;
        await route.continue();
        englishAnswered = true;
        return;
      }
      await route.continue();
    });
    await page.goto(`${product.url}/demo`);
    await page.locator(`${ROOT} .lc-launcher`).click();
    await eventually('the English config request', async () => held);
    await page.locator(`${ROOT} .lc-lang`).selectOption('de');
    releaseEnglish();
    await eventually('the English config answer', async () => englishAnswered);
    await page.locator(`${ROOT} .lc-h`, { hasText: 'Wobei können wir helfen?' }).waitFor();
    await page.locator(`${ROOT} [data-topic="sales"]`, { hasText: 'Vertrieb' }).waitFor();
    // The stale English answer came back and changed nothing.
    expect(await page.locator(`${ROOT} .lc-h`).innerText()).toBe('Wobei können wir helfen?');
    expect(await page.locator(`${ROOT} [data-topic="sales"]`).innerText()).toContain('Vertrieb');

    // The bubble (the panel's close button while open) speaks German too.
    expect(await page.locator(`${ROOT} .lc-launcher`).getAttribute('aria-label')).toBe('Chat schließen');
    expect(await page.locator(`${ROOT} [data-lc="close"]`).getAttribute('aria-label')).toBe('Schließen');
    await page.locator(`${ROOT} .lc-launcher`).click();
    expect(await page.locator(`${ROOT} .lc-launcher`).getAttribute('aria-label')).toBe('Chat öffnen');
  }, 60_000);

  it('the next opening reads naturally in the visitor’s zone and language', async () => {
    const page = await open({ timezoneId: 'UTC' });
    await page.goto(`${product.url}/demo`);
    await page.locator(`${ROOT} .lc-launcher`).click();
    const billing = page.locator(`${ROOT} [data-topic="billing"]`);
    await billing.waitFor();
    // Billing opens the day after tomorrow (UTC) at 09:00.
    const weekday = { sun: 'Sunday', mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday' }[billingDay()];
    expect(await billing.innerText()).toContain(`Opens ${weekday} at 09:00`);
    await page.locator(`${ROOT} .lc-lang`).selectOption('pl');
    await billing.filter({ hasText: 'Płatności' }).waitFor();
    expect(await billing.innerText()).toMatch(/ o 09:00/);
  }, 60_000);
});
