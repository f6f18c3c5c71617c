// A queued visitor nobody claims is offered, after `timers.queueGiveUp`, to leave a message
// instead: in headless Chromium against the whole product (startApp, PostgreSQL, the in-process
// Webex sandbox) with a give-up time of a few seconds. "Keep waiting" hides the offer and the
// chat goes on; "Leave a message" closes the chat (the visitor gave up waiting) and opens the
// offline form pre-filled with what the visitor gave and wrote, which reaches the supervisors.
// Needs the widget build (npm run build:widget) and /usr/bin/chromium (see ./support/browser.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserAvailable, openBrowser, type Browser } from './support/browser.js';
import { eventually, messagesIn, roomByTitle, spaceWith, startProduct, type Product } from './support/product.js';

const GIVE_UP_MS = 3_000;
/** How long the offer may take: the give-up time, a few sweeps, and a busy machine. */
const OFFER_DEADLINE_MS = GIVE_UP_MS + 20_000;
const ALICE = 'alice@example.com';
const CAROL = 'carol@example.com';
const hasBrowser = browserAvailable();

const marker = (label: string) => `${label} ${Math.random().toString(36).slice(2, 8)}`;

function widget(page: Page) {
  const root = 'live-chat-widget';
  return {
    launcher: page.locator(`${root} .lc-launcher`),
    heading: page.locator(`${root} .lc-h`),
    topic: (id: string) => page.locator(`${root} [data-topic="${id}"]`),
    composer: page.locator(`${root} .lc-composer textarea`),
    bubble: (from: string, text: string) => page.locator(`${root} .lc-msg-${from} .lc-bubble`, { hasText: text }),
    button: (lc: string) => page.locator(`${root} [data-lc="${lc}"]`),
    field: (name: string) => page.locator(`${root} .lc-form [name="${name}"]`),
    submit: page.locator(`${root} .lc-form button[type="submit"]`),
  };
}

async function chatId(page: Page): Promise<string> {
  return page.evaluate(() => (JSON.parse(sessionStorage.getItem('livechat.chat')!) as { id: string }).id);
}

describe.skipIf(!hasBrowser)('queued too long: the offer to leave a message', () => {
  let product: Product;
  let browser: Browser | null = null;

  beforeAll(async () => {
    product = await startProduct({
      env: {
        TIMER_QUEUE_GIVE_UP: `${GIVE_UP_MS}ms`,
        TIMER_SWEEP_EVERY: '300ms',
        // Nothing else of the timers may get in the way while the visitor waits.
        TIMER_QUEUE_UPDATE: '1h',
        TIMER_UNCLAIMED_ALERT: '1h',
      },
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await product?.close();
  }, 30_000);

  async function open(): Promise<Page> {
    await browser?.close();
    browser = await openBrowser();
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => console.error('page error:', error.message));
    return page;
  }

  /** Waits for the offer under the system line, with a deadline that says what was awaited. */
  async function offerShown(page: Page): Promise<void> {
    const w = widget(page);
    try {
      await w.button('leave-message').waitFor({ timeout: OFFER_DEADLINE_MS });
    } catch {
      throw new Error(`e2e: no "Leave a message" offer within ${OFFER_DEADLINE_MS} ms of a queue give-up time of ${GIVE_UP_MS} ms`);
    }
    await w.button('keep-waiting').waitFor();
    // The buttons sit under the server's system line that carries the offer.
    const line = page.locator('live-chat-widget .lc-msg-system', { has: page.locator('[data-lc="leave-message"]') });
    expect(await line.locator('.lc-bubble').innerText()).toMatch(/leave a message/i);
  }

  it('"Keep waiting" hides the offer; the chat stays queued and goes on', async () => {
    const page = await open();
    const w = widget(page);
    await page.goto(`${product.url}/demo`);
    await w.launcher.click();
    await w.topic('sales').click();
    const hello = marker('Anyone there?');
    await w.composer.fill(hello);
    await w.composer.press('Enter');
    await w.bubble('visitor', hello).waitFor();
    const room = await spaceWith(product, ALICE, hello);
    const id = await chatId(page);

    await offerShown(page);
    expect(await w.button('leave-message').innerText()).toBe('Leave a message');
    expect(await w.button('keep-waiting').innerText()).toBe('Keep waiting');
    await w.button('keep-waiting').click();
    await w.button('leave-message').waitFor({ state: 'detached' });
    expect(await w.button('keep-waiting').count()).toBe(0);
    expect((await product.app.store.getChat(id))?.state).toBe('queued');

    // The chat goes on: the next message reaches the same space, and the offer does not come back.
    const more = marker('Still here');
    await w.composer.fill(more);
    await w.composer.press('Enter');
    await w.bubble('visitor', more).waitFor();
    expect((await spaceWith(product, ALICE, more)).id).toBe(room.id);
    await page.waitForTimeout(1_500);
    expect(await w.button('leave-message').count()).toBe(0);
    expect(await w.composer.isEnabled()).toBe(true);
  }, 90_000);

  it('"Leave a message" closes the chat (gave up) and opens the offline form pre-filled; sending it reaches the supervisors', async () => {
    const page = await open();
    const w = widget(page);
    await page.goto(`${product.url}/demo`);
    await w.launcher.click();
    // Support asks for a name and an e-mail before the chat.
    await w.topic('support').click();
    await w.field('name').fill('Wanda Waiting');
    await w.field('email').fill('wanda@example.com');
    await w.submit.click();
    await w.composer.waitFor();
    const first = marker('My order has not arrived');
    const second = marker('Order number 4711');
    for (const text of [first, second]) {
      await w.composer.fill(text);
      await w.composer.press('Enter');
      await w.bubble('visitor', text).waitFor();
    }
    const room = await spaceWith(product, CAROL, second);
    const id = await chatId(page);

    await offerShown(page);
    await w.button('leave-message').click();

    // The chat is closed as the visitor giving up, and its space says so.
    await eventually('the chat closed', async () => (await product.app.store.getChat(id))?.state === 'closed');
    await eventually('"gave up waiting" in the space', async () =>
      (await messagesIn(product, CAROL, room.id)).some((m) => /gave up waiting/.test(`${m.text ?? ''}${m.markdown ?? ''}`)),
    );
    expect(await page.evaluate(() => sessionStorage.getItem('livechat.chat'))).toBeNull();

    // The offline form, with what the visitor gave and wrote.
    await w.heading.filter({ hasText: 'Leave a message for Support' }).waitFor();
    expect(await w.composer.count()).toBe(0);
    expect(await w.field('name').inputValue()).toBe('Wanda Waiting');
    expect(await w.field('email').inputValue()).toBe('wanda@example.com');
    expect(await w.field('message').inputValue()).toBe(`${first}\n\n${second}`);

    const extra = marker('Please e-mail me');
    await w.field('message').fill(`${await w.field('message').inputValue()}\n\n${extra}`);
    await w.submit.click();
    await page.locator('live-chat-widget .lc-ok').waitFor();

    const space = await roomByTitle(product, 'sam@example.com', 'Live Chat Supervisors');
    const notice = await eventually('the offline message in the supervisors space', async () =>
      (await messagesIn(product, 'sam@example.com', space.id))
        .map((m) => `${m.text ?? ''}${m.markdown ?? ''}`)
        .find((text) => text.includes(extra)),
    );
    expect(notice).toContain(first);
    expect(notice).toContain('wanda@example.com');
  }, 90_000);
});
