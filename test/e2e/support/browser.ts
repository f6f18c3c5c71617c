// Headless Chromium for the e2e tests: Debian's /usr/bin/chromium driven by playwright-core.
// Without a browser the e2e files skip with a notice; with REQUIRE_BROWSER=1 (CI) they fail.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type BrowserContextOptions } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True when the e2e tests can run; otherwise prints why (or throws under REQUIRE_BROWSER=1). */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `e2e: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium); browser tests skipped`;
  if (process.env['REQUIRE_BROWSER'] === '1') throw new Error(`${message.replace('skipped', 'required')} (REQUIRE_BROWSER=1)`);
  console.warn(message);
  return false;
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh browser profile (its own user-data-dir), removed on close. */
export async function openBrowser(options: BrowserContextOptions = {}): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'livechat-e2e-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    timezoneId: 'Europe/Warsaw',
    ...options,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
