// The widget's budgets (DESIGN §11): loader ≤ 5 KB gzip, chat UI ≤ 50 KB gzip (i18next and the
// five languages included), first open to usable ≤ 300 ms on localhost. Builds the widget, sizes
// the files as served, then in headless Chromium against the product (embedded defaults) times
// a click on the launcher until the topic list is on screen, with a cold cache each time.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { build } from 'vite';
import type { BenchContext, BenchResult } from './run.js';

const LOADER_BUDGET = 5 * 1024;
const UI_BUDGET = 50 * 1024;
const OPEN_BUDGET_MS = 300;
const SAMPLES = 15;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const gzip = (buf: Buffer) => gzipSync(buf, { level: 9 }).length;
const brotli = (buf: Buffer) => brotliCompressSync(buf).length;

interface Sizes {
  raw: number;
  gzip: number;
  brotli: number;
}

function sizeOf(files: string[]): Sizes {
  const total: Sizes = { raw: 0, gzip: 0, brotli: 0 };
  for (const file of files) {
    const buf = readFileSync(file);
    total.raw += buf.length;
    total.gzip += gzip(buf);
    total.brotli += brotli(buf);
  }
  return total;
}

/** i18next alone, minified the same way: how much of the UI budget it takes. */
async function i18nextAlone(root: string): Promise<Sizes> {
  const dir = path.join(root, 'node_modules', '.cache', 'livechat-bench-i18next');
  mkdirSync(dir, { recursive: true });
  const entry = path.join(dir, 'entry.js');
  writeFileSync(entry, "import i18next from 'i18next';\nexport const create = () => i18next.createInstance();\n");
  await build({
    configFile: false,
    logLevel: 'silent',
    root: dir,
    build: {
      outDir: path.join(dir, 'out'),
      emptyOutDir: true,
      target: 'es2020',
      minify: true,
      lib: { entry, formats: ['es'], fileName: () => 'i18next.js' },
      rolldownOptions: { output: { minify: true } },
    },
  });
  return sizeOf([path.join(dir, 'out', 'i18next.js')]);
}

async function openTimes(ctx: BenchContext): Promise<number[] | string> {
  const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(chromiumPath)) return `no Chromium at ${chromiumPath}: first-open time not measured`;
  const { chromium } = await import('playwright-core');
  const { loadConfig } = await import('../../src/config.js');
  const { startApp } = await import('../../src/main.js');
  const { widgetAssetsRouter } = await import('../../src/http/widget-assets.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'livechat-bench-widget-'));
  chmodSync(dir, 0o755); // as root the embedded cluster runs as `postgres`
  ctx.note('starting the product (embedded defaults)');
  const config = loadConfig({ DATA_DIR: path.join(dir, 'data'), PORT: '0', LOG_LEVEL: 'warn' }, []);
  const assets = widgetAssetsRouter();
  // Mounted after the product's own routes: used only if the product does not serve the widget.
  const app = await startApp(config, { port: 0, host: '127.0.0.1', routes: [(a) => void a.use(assets)], sandboxDataDir: null });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      // A new context each time: empty HTTP cache, so the UI chunk is fetched like a first visit.
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      await page.goto(`${app.url}/demo`);
      await page.locator('live-chat-widget .lc-launcher').waitFor();
      // A string, not a function: the TypeScript loader would add helpers the page lacks.
      const ms = await page.evaluate<number>(`new Promise((resolve) => {
        const root = document.querySelector('live-chat-widget').shadowRoot;
        const launcher = root.querySelector('.lc-launcher');
        const started = performance.now();
        launcher.click();
        // Usable: the topics are on screen and the focus is in the panel.
        const check = () => root.querySelector('.lc-topic') && root.activeElement && root.activeElement !== launcher
          ? resolve(performance.now() - started)
          : requestAnimationFrame(check);
        check();
      })`);
      times.push(ms);
      await context.close();
    }
    return times;
  } finally {
    await browser.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(ctx: BenchContext): Promise<BenchResult> {
  ctx.note('building the widget');
  await build({ configFile: path.join(ctx.root, 'widget', 'vite.config.ts'), logLevel: 'warn' });
  const dist = path.join(ctx.root, 'widget', 'dist');
  const loader = sizeOf([path.join(dist, 'widget.js')]);
  const assetsDir = path.join(dist, 'widget', 'assets');
  const uiFiles = readdirSync(assetsDir).filter((f) => f.endsWith('.js')).map((f) => path.join(assetsDir, f));
  const ui = sizeOf(uiFiles);
  ctx.note('sizing i18next alone');
  const i18n = await i18nextAlone(ctx.root);

  ctx.note('timing first open in Chromium');
  const times = await openTimes(ctx);
  const sorted = Array.isArray(times) ? [...times].sort((a, b) => a - b) : [];
  const median = sorted[Math.floor(sorted.length / 2)];
  const worst = sorted[sorted.length - 1];

  const lines = [
    'Sizes of the built files as served (`npm run build:widget`; gzip level 9, brotli default).',
    '',
    '| Part | Files | Raw | gzip | brotli |',
    '|---|---|---|---|---|',
    `| Loader \`/widget.js\` | 1 | ${kb(loader.raw)} | ${kb(loader.gzip)} | ${kb(loader.brotli)} |`,
    `| Chat UI (lazy, all chunks) | ${uiFiles.length} | ${kb(ui.raw)} | ${kb(ui.gzip)} | ${kb(ui.brotli)} |`,
    `| of which i18next alone (same minifier) | – | ${kb(i18n.raw)} | ${kb(i18n.gzip)} | ${kb(i18n.brotli)} |`,
    '',
  ];
  if (Array.isArray(times)) {
    lines.push(
      `First open to usable (click on the launcher → topic list rendered from \`GET /api/v1/config\` and focus in the panel), ${times.length} cold-cache page loads on localhost, headless Chromium: median ${median!.toFixed(0)} ms, best ${sorted[0]!.toFixed(0)} ms, worst ${worst!.toFixed(0)} ms.`,
    );
  } else {
    lines.push(`First open: ${times}.`);
  }
  const budgets: NonNullable<BenchResult['budgets']> = [
    { name: 'Widget loader (gzip)', limit: kb(LOADER_BUDGET), measured: kb(loader.gzip), ok: loader.gzip <= LOADER_BUDGET },
    { name: 'Widget chat UI (gzip, i18next included)', limit: kb(UI_BUDGET), measured: kb(ui.gzip), ok: ui.gzip <= UI_BUDGET },
  ];
  if (median !== undefined) {
    budgets.push({ name: 'Widget first open to usable (median)', limit: `${OPEN_BUDGET_MS} ms`, measured: `${median.toFixed(0)} ms`, ok: median <= OPEN_BUDGET_MS });
  }
  return { title: 'Widget: sizes and first open', markdown: lines.join('\n'), budgets };
}
