// The visitor widget in headless Chromium against the whole product (startApp: PostgreSQL, the
// in-process Webex sandbox). Agents act through the sandbox's REST API with their own tokens.
// Needs the widget build (npm run build:widget) and /usr/bin/chromium; without the browser the
// file skips with a notice, unless REQUIRE_BROWSER=1.
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserAvailable, openBrowser, type Browser } from './support/browser.js';
import { startCutProxy, type CutProxy } from './support/cut-proxy.js';
import { startSite, type Site } from './support/site.js';
import {
  agentSays,
  eventually,
  messagesIn,
  roomByTitle,
  spaceWith,
  startProduct,
  type Product,
} from './support/product.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const ALICE = 'alice@example.com';
const hasBrowser = browserAvailable();

function widget(page: Page) {
  const root = 'live-chat-widget';
  return {
    launcher: page.locator(`${root} .lc-launcher`),
    panel: page.locator(`${root} .lc-panel`),
    heading: page.locator(`${root} .lc-h`),
    topic: (id: string) => page.locator(`${root} [data-topic="${id}"]`),
    composer: page.locator(`${root} .lc-composer textarea`),
    bubble: (from: string, text: string) => page.locator(`${root} .lc-msg-${from} .lc-bubble`, { hasText: text }),
    bubbles: (from: string) => page.locator(`${root} .lc-msg-${from} .lc-bubble`),
    button: (lc: string) => page.locator(`${root} [data-lc="${lc}"]`),
    field: (name: string) => page.locator(`${root} .lc-form [name="${name}"]`),
    submit: page.locator(`${root} .lc-form button[type="submit"]`),
  };
}

/** What has keyboard focus, looking inside the widget's shadow root. */
function focused(page: Page): Promise<{ inWidget: boolean; cls: string; text: string; tag: string }> {
  return page.evaluate(() => {
    let el = document.activeElement;
    const inWidget = el?.tagName === 'LIVE-CHAT-WIDGET';
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return { inWidget, cls: el?.className?.toString() ?? '', text: (el?.textContent ?? '').trim(), tag: el?.tagName ?? '' };
  });
}

const marker = (label: string) => `${label} ${Math.random().toString(36).slice(2, 8)}`;

function flatStrings(lng: string): Map<string, string> {
  const tree = JSON.parse(readFileSync(new URL(`../../locales/${lng}/widget.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
  const out = new Map<string, string>();
  const walk = (o: Record<string, unknown>, p: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'string') out.set(p + k, v);
      else walk(v as Record<string, unknown>, `${p}${k}.`);
    }
  };
  walk(tree, '');
  return out;
}

/** English widget sentences that must not show in a Polish panel. */
function englishLeftovers(text: string): string[] {
  const en = flatStrings('en');
  const pl = flatStrings('pl');
  return [...en]
    .filter(([key, value]) => pl.get(key) !== value && !value.includes('{{') && value.length > 3)
    .map(([, value]) => value)
    .filter((value) => text.includes(value));
}

describe.skipIf(!hasBrowser)('visitor widget in Chromium', () => {
  let product: Product;
  let site: Site;
  let browser: Browser | null = null;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    site = await startSite();
    product = await startProduct({ allowedOrigins: [site.origin] });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await product?.close();
    await site?.close();
  }, 30_000);

  async function open(options: Parameters<typeof openBrowser>[0] = {}): Promise<Page> {
    await browser?.close();
    browser = await openBrowser(options);
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => console.error('page error:', error.message));
    if (process.env['E2E_DEBUG']) page.on('response', (r) => console.log('response', r.status(), r.url()));
    return page;
  }

  it('a visitor picks sales, alice answers from her Webex space, the visitor sees it', async () => {
    const page = await open();
    const w = widget(page);
    await page.goto(`${product.url}/demo`);
    expect(await w.launcher.getAttribute('aria-label')).toBe('Open chat');
    await w.launcher.click();
    // The language can be switched in the panel: widget strings and the server's topic names.
    await page.locator('live-chat-widget .lc-lang').selectOption('de');
    await w.heading.filter({ hasText: 'Wobei können wir helfen?' }).waitFor();
    await w.topic('sales').filter({ hasText: 'Vertrieb' }).waitFor();
    await page.locator('live-chat-widget .lc-lang').selectOption('en');
    await w.topic('sales').filter({ hasText: 'Sales' }).waitFor();
    await w.topic('sales').click();
    const hello = marker('Hello from the visitor');
    await w.composer.fill(hello);
    await w.composer.press('Enter');
    await w.bubble('visitor', hello).waitFor();

    const room = await spaceWith(product, ALICE, hello);
    expect(room.title).toContain('Sales');
    await agentSays(product, ALICE, room.id, 'Hi, Alice here. How can I help?');
    await w.bubble('agent', 'Hi, Alice here').waitFor();
    // "Sending…" is gone once the server confirmed the visitor's message, shown once.
    await page.locator('live-chat-widget .lc-msg-visitor .lc-delivery').waitFor({ state: 'detached' });
    expect(await w.bubble('visitor', hello).count()).toBe(1);

    // "Talk to a person" is offered only while the assistant answers: this topic has none (the
    // chat went to people from the start), so the button is not shown, and the visitor's next
    // message reaches alice's space like the first.
    expect(await w.button('human').isVisible()).toBe(false);
    const again = marker('One more thing');
    await w.composer.fill(again);
    await w.composer.press('Enter');
    await w.bubble('visitor', again).waitFor();
    expect((await spaceWith(product, ALICE, again)).id).toBe(room.id);

    // Leaving the page sends the leave beacon: the server notes that the visitor may be gone.
    const chatId = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('livechat.chat')!) as { id: string }).id);
    expect((await product.app.store.getChat(chatId))?.leftAt).toBeNull();
    await page.close({ runBeforeUnload: true });
    await eventually('the leave beacon', async () => (await product.app.store.getChat(chatId))?.leftAt);
  }, 60_000);

  it('falls back to long-polling when event streams are blocked', async () => {
    const page = await open();
    const w = widget(page);
    let blocked = 0;
    let polls = 0;
    // A proxy that breaks streams: every SSE request fails; plain requests pass.
    await page.route('**/api/v1/chats/*/events*', (route) => {
      blocked++;
      return route.abort('connectionreset');
    });
    page.on('request', (req) => {
      if (/\/messages\?after=\d+&wait=25/.test(req.url())) polls++;
    });
    await page.goto(`${product.url}/demo`);
    await w.launcher.click();
    await w.topic('sales').click();
    const hello = marker('Polling visitor');
    await w.composer.fill(hello);
    await w.composer.press('Enter');
    const room = await spaceWith(product, ALICE, hello);
    await agentSays(product, ALICE, room.id, 'Reaching you by long-poll');
    await w.bubble('agent', 'Reaching you by long-poll').waitFor();
    expect(blocked).toBe(2);
    expect(polls).toBeGreaterThan(0);
    expect(await w.bubble('agent', 'Reaching you by long-poll').count()).toBe(1);
  }, 60_000);

  it('reads its options from data- attributes: topic preselected, language, position, colour, title', async () => {
    const page = await open({ locale: 'en-US' });
    const w = widget(page);
    site.pages.set('/options', {
      type: 'text/html; charset=utf-8',
      body: `<!doctype html><html><head><meta charset="utf-8"><title>Options</title></head><body><p>Boutique</p>
        <script src="${product.url}/widget.js" async data-topic="billing" data-language="fr" data-position="left" data-color="#ffeb3b" data-title="Ma Boutique"></script></body></html>`,
    });
    await page.goto(`${site.origin}/options`);
    await w.launcher.waitFor();
    expect(await w.launcher.getAttribute('aria-label')).toBe('Ouvrir le chat');
    expect((await w.launcher.boundingBox())!.x).toBeLessThan(100);
    // A light brand colour gets dark text, for contrast.
    expect(await w.launcher.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(0, 0, 0)');
    await w.launcher.click();
    await w.heading.filter({ hasText: 'Facturation est fermé pour le moment' }).waitFor();
    expect(await page.locator('live-chat-widget .lc-title').innerText()).toBe('Ma Boutique');
    // Back to the list: the preselection does not trap the visitor.
    await page.locator('live-chat-widget .lc-header .lc-icon-btn').first().click();
    await w.topic('sales').filter({ hasText: 'Ventes' }).waitFor();
  }, 60_000);

  it('keeps the conversation over a reload, and a 10 s network cut loses and doubles nothing', async () => {
    const proxy: CutProxy = await startCutProxy(new URL(product.url));
    try {
      const page = await open();
      const w = widget(page);
      await page.goto(`${proxy.url}/demo`);
      await w.launcher.click();
      await w.topic('sales').click();
      const hello = marker('Reload test');
      await w.composer.fill(hello);
      await w.composer.press('Enter');
      const room = await spaceWith(product, ALICE, hello);
      await agentSays(product, ALICE, room.id, 'Before the reload');
      await w.bubble('agent', 'Before the reload').waitFor();

      await page.reload();
      // The panel comes back open with the whole conversation (token in sessionStorage).
      await w.bubble('agent', 'Before the reload').waitFor();
      expect(await w.bubble('visitor', hello).count()).toBe(1);
      expect(await w.panel.isVisible()).toBe(true);

      // The network goes away for 10 s while alice sends three messages.
      await browser!.context.setOffline(true);
      proxy.cut();
      const texts = ['While you were away 1', 'While you were away 2', 'While you were away 3'];
      for (const text of texts) await agentSays(product, ALICE, room.id, text);
      await page.locator('live-chat-widget .lc-status').waitFor({ state: 'visible' });
      await page.waitForTimeout(10_000);
      for (const text of texts) expect(await w.bubble('agent', text).count()).toBe(0);
      proxy.restore();
      await browser!.context.setOffline(false);

      for (const text of texts) await w.bubble('agent', text).waitFor({ timeout: 30_000 });
      for (const text of texts) expect(await w.bubble('agent', text).count()).toBe(1);
      expect(await w.bubbles('agent').count()).toBe(4);
      const seqs = await page.locator('live-chat-widget .lc-msg[data-seq]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    } finally {
      await proxy.close();
    }
  }, 90_000);

  it('an identified topic refuses an empty e-mail in the browser, and shows the server refusing a bad one', async () => {
    const page = await open();
    const w = widget(page);
    await page.goto(`${product.url}/demo`);
    await w.launcher.waitFor();
    // The page's JS API: the site knows the visitor's name, and opens the chat itself.
    const events = await page.evaluate(() => {
      const api = (window as unknown as { LiveChat: { setUser(u: object): void; open(): void; on(e: string, f: () => void): void } }).LiveChat;
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      api.on('open', () => seen.push('open'));
      api.setUser({ name: 'Jan Kowalski' });
      api.open();
      return seen;
    });
    expect(events).toEqual([]);
    await w.topic('support').click();
    expect(await w.field('name').inputValue()).toBe('Jan Kowalski');
    expect(await page.evaluate(() => (window as unknown as { seen: string[] }).seen)).toEqual(['open']);
    await w.submit.click();
    const emailError = page.locator('live-chat-widget .lc-error', { hasText: 'E-mail is required.' });
    await emailError.waitFor();
    expect(await emailError.isVisible()).toBe(true);
    expect(await w.field('email').getAttribute('aria-invalid')).toBe('true');

    // Valid to the browser, refused by the server (consecutive dots): its 400 shows on the field.
    await w.field('email').fill('jan..kowalski@example.com');
    await w.submit.click();
    await page.locator('live-chat-widget .lc-error', { hasText: 'E-mail: please check this field.' }).waitFor();
    expect(await w.composer.count()).toBe(0);

    await w.field('email').fill('jan.kowalski@example.com');
    await w.submit.click();
    await w.composer.waitFor();
  }, 60_000);

  it('a closed topic shows its next opening in the visitor time zone and takes an offline message to the supervisors', async () => {
    const page = await open({ timezoneId: 'Europe/Warsaw' });
    const w = widget(page);
    const config = (await (await fetch(`${product.url}/api/v1/config?lang=en`)).json()) as {
      topics: { id: string; open: boolean; nextOpening: string | null }[];
    };
    const billing = config.topics.find((t) => t.id === 'billing')!;
    expect(billing.open).toBe(false);
    const next = new Date(billing.nextOpening!);
    const tz = { timeZone: 'Europe/Warsaw' };
    const weekday = new Intl.DateTimeFormat('en', { weekday: 'long', ...tz }).format(next);
    // On the 24-hour clock ("Wednesday at 10:00"), so midnight never reads "12:00 AM".
    const clock = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...tz }).format(next);

    await page.goto(`${product.url}/demo`);
    await w.launcher.click();
    const state = (await w.topic('billing').innerText()).replace(/\s/g, ' ');
    expect(state).toContain(`Opens ${weekday} at ${clock}`);
    await w.topic('billing').click();
    const when = (await page.locator('live-chat-widget [data-lc="next-opening"]').innerText()).replace(/\s/g, ' ');
    expect(when).toContain(weekday);
    expect(when).toContain(clock);

    const text = marker('Please call me back about invoice');
    await w.field('name').fill('Ola Nowak');
    await w.field('email').fill('ola@example.com');
    await w.field('message').fill(text);
    await w.submit.click();
    await page.locator('live-chat-widget .lc-ok').waitFor();

    const space = await roomByTitle(product, 'sam@example.com', 'Live Chat Supervisors');
    await eventually('the offline message in the supervisors space', async () =>
      (await messagesIn(product, 'sam@example.com', space.id)).some((m) => `${m.text ?? ''}${m.markdown ?? ''}`.includes(text)),
    );
  }, 60_000);

  it('in Polish, keyboard only: open, pick a topic, chat, end the chat, close with Escape', async () => {
    const page = await open({ locale: 'pl-PL' });
    const w = widget(page);
    await page.goto(`${product.url}/demo`);
    await w.launcher.waitFor();
    for (let i = 0; i < 40 && !(await focused(page)).cls.includes('lc-launcher'); i++) await page.keyboard.press('Tab');
    expect((await focused(page)).cls).toContain('lc-launcher');
    expect(await w.launcher.getAttribute('aria-label')).toBe('Otwórz czat');

    await page.keyboard.press('Enter');
    await w.heading.waitFor();
    expect(await w.heading.innerText()).toBe('W czym możemy pomóc?');
    await eventually('focus in the panel', async () => (await focused(page)).cls.includes('lc-h'));
    expect(await w.topic('sales').innerText()).toContain('Dostępne teraz');
    expect(englishLeftovers(await w.panel.innerText())).toEqual([]);

    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toContain('Sprzedaż');
    await page.keyboard.press('Enter');
    await w.composer.waitFor();
    await eventually('focus in the composer', async () => (await focused(page)).tag === 'TEXTAREA');
    expect(await w.composer.getAttribute('placeholder')).toBe('Napisz wiadomość…');

    const hello = marker('Dzień dobry');
    await page.keyboard.type(hello);
    await page.keyboard.press('Enter');
    await w.bubble('visitor', hello).waitFor();
    const room = await spaceWith(product, ALICE, hello);
    await agentSays(product, ALICE, room.id, 'Dzień dobry, w czym mogę pomóc?');
    await w.bubble('agent', 'w czym mogę pomóc').waitFor();
    const panelText = await w.panel.innerText();
    // No assistant on this topic: "Porozmawiaj z konsultantem" (talk to a person) is not offered.
    expect(panelText).not.toContain('Porozmawiaj z konsultantem');
    expect(await w.button('human').isVisible()).toBe(false);
    expect(panelText).toContain('Zakończ czat');
    // Agents show as the topic's name (agentDisplay: support), with its initial.
    expect(panelText).toContain('Sprzedaż');
    expect(await page.locator('live-chat-widget .lc-msg-agent .lc-avatar').first().innerText()).toBe('S');
    expect(englishLeftovers(panelText)).toEqual([]);
    await page.screenshot({ path: new URL('widget-polish-chat.png', ARTIFACTS).pathname });
    // New messages are announced in a polite live region.
    expect(await page.locator('live-chat-widget [aria-live="polite"]').innerText()).toContain('w czym mogę pomóc');

    // End the chat: Shift+Tab from the composer reaches "Zakończ czat".
    await page.keyboard.press('Shift+Tab');
    expect((await focused(page)).text).toBe('Zakończ czat');
    await page.keyboard.press('Enter');
    expect((await focused(page)).text).toBe('Tak, zakończ');
    await page.keyboard.press('Enter');
    await page.locator('live-chat-widget .lc-ended').waitFor();
    // The server's closing notice, sent after the state change, still arrives.
    await w.bubble('system', 'Rozmowa została przez Ciebie zakończona').waitFor();
    // It says so once: the footer does not add "Rozmowa została zakończona." under it.
    await page.locator('live-chat-widget .lc-ended-line').waitFor({ state: 'hidden' });
    await eventually('focus on "new chat"', async () => (await focused(page)).text === 'Rozpocznij nowy czat');
    expect(englishLeftovers(await w.panel.innerText())).toEqual([]);

    await page.keyboard.press('Escape');
    await w.panel.waitFor({ state: 'hidden' });
    expect((await focused(page)).cls).toContain('lc-launcher');
    expect(await w.launcher.getAttribute('aria-expanded')).toBe('false');
  }, 60_000);

  it('survives a hostile page (CSS and a strict CSP) on another origin, and talks only to the product', async () => {
    const page = await open({ viewport: { width: 1100, height: 760 } });
    const w = widget(page);
    const product_ = new URL(product.url);
    const hosts = new Set<string>();
    const violations: string[] = [];
    page.on('request', (req) => hosts.add(new URL(req.url()).origin));
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
    });
    const hostileCss = [
      'body > *:not(live-chat-widget) { display: none !important; }',
      '* { font-family: "Courier New", monospace !important; line-height: 3 !important; letter-spacing: 4px !important; color: #f0f !important; box-sizing: content-box !important; }',
      'div { font-size: 40px !important; padding: 30px !important; }',
      'div, button, section, textarea { background: lime !important; border: 5px dashed red !important; }',
      'button { width: 10px !important; border-radius: 0 !important; }',
      'live-chat-widget { display: none !important; position: absolute !important; top: -9999px !important; opacity: 0 !important; }',
      'body { background: #333; }',
    ].join('\n');
    site.pages.set('/hostile.css', { type: 'text/css', body: hostileCss });
    site.pages.set('/', {
      type: 'text/html; charset=utf-8',
      headers: {
        'Content-Security-Policy': `default-src 'self'; script-src ${product_.origin}; connect-src ${product_.origin}; style-src 'self'; img-src 'self'`,
      },
      body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Hostile shop</title>
        <link rel="stylesheet" href="/hostile.css"></head>
        <body><div>Shop content hidden by its own CSS</div><main><p>More content</p></main>
        <script src="${product_.origin}/widget.js" async data-color="#0a7d55" data-title="Hostile Shop"></script></body></html>`,
    });
    await page.goto(`${site.origin}/`);
    await w.launcher.waitFor();
    const bubble = await w.launcher.boundingBox();
    expect(bubble).toMatchObject({ width: 60, height: 60 });
    await w.launcher.click();
    await w.topic('sales').waitFor();
    const box = await w.panel.boundingBox();
    expect(box!.width).toBe(370);
    expect(box!.x + box!.width).toBeLessThanOrEqual(1100);
    const style = await w.topic('sales').evaluate((el) => {
      const s = getComputedStyle(el.querySelector('.lc-topic-name')!);
      return { size: s.fontSize, family: s.fontFamily, spacing: s.letterSpacing, bg: getComputedStyle(el).backgroundColor };
    });
    expect(style.size).toBe('16px');
    expect(style.family).toContain('system-ui');
    expect(style.spacing).toBe('normal');
    expect(style.bg).toBe('rgb(245, 247, 250)');
    await page.screenshot({ path: new URL('widget-hostile-css.png', ARTIFACTS).pathname });

    // Cross-origin (CORS allow-listed) chat start works under the page's strict CSP.
    await w.topic('sales').click();
    await w.composer.waitFor();
    await w.bubbles('system').first().waitFor();
    await page.screenshot({ path: new URL('widget-hostile-css-chat.png', ARTIFACTS).pathname });
    expect(violations).toEqual([]);
    expect([...hosts].sort()).toEqual([site.origin, product_.origin].sort());
  }, 60_000);

  it('is full screen on a phone, and without motion when the visitor asks for less', async () => {
    const page = await open({ viewport: { width: 375, height: 700 }, isMobile: true, hasTouch: true, reducedMotion: 'reduce' });
    const w = widget(page);
    await page.goto(`${product.url}/demo`);
    await w.launcher.click();
    await w.topic('sales').waitFor();
    expect(await w.panel.evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
    expect(await w.panel.boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 700 });
    await page.screenshot({ path: new URL('widget-mobile.png', ARTIFACTS).pathname });
    await w.button('close').click();
    await w.panel.waitFor({ state: 'hidden' });
    expect(await w.launcher.isVisible()).toBe(true);
  }, 60_000);
});
