// The Webex sandbox: a faithful local emulator of the Webex REST API subset the product uses,
// with signed webhook delivery, fault knobs and an agent console. See docs/webex-fidelity.md.
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response } from 'express';
import { pino, type Logger } from 'pino';
import { WebhookDelivery, DEFAULT_RETRY_DELAYS_MS } from './delivery.js';
import { errorBody, newTrackingId } from './errors.js';
import { Knobs, knobsBody, type SandboxKnobs, type KnobSnapshot } from './knobs.js';
import { createRestRouter } from './rest.js';
import { stableRefreshToken } from './ids.js';
import { loadState, StateWriter } from './state.js';
import { DEFAULT_PEOPLE, type SandboxPersonSeed } from './people.js';
import { SandboxWorld } from './world.js';

export type { SandboxKnobs, KnobSnapshot, SandboxPersonSeed };
export { DEFAULT_PEOPLE };
export { signBody } from './delivery.js';

export interface SandboxOptions {
  /** Where the router is mounted, e.g. http://127.0.0.1:3000/sandbox (no trailing slash). */
  publicUrl: string;
  /** Persist state here (e.g. <DATA_DIR>/sandbox); null or absent = memory only. */
  dataDir?: string | null;
  /** People to seed (missing ones are added to restored state). Defaults: DEFAULT_PEOPLE. */
  people?: SandboxPersonSeed[];
  log?: Logger;
  /** Backoff between webhook delivery retries; default 1 s, 5 s, 15 s. */
  deliveryRetryDelaysMs?: number[];
}

export interface SandboxIdentity {
  id: string;
  email: string;
  displayName: string;
  type: 'bot' | 'person';
  token: string;
  /** For `POST /access_token` (grant_type=refresh_token); returns the same, non-expiring token. */
  refreshToken: string;
}

export interface Sandbox {
  /** Mount at the path of `publicUrl`: REST under /webex/v1, console at /, /identities, /knobs. */
  router: express.Router;
  /** `${publicUrl}/webex/v1`: the value for HYDRA_SERVICE_URL and the relay client's base. */
  apiBase: string;
  identities(): SandboxIdentity[];
  /** The access token of a known identity (throws for an unknown e-mail). */
  tokenFor(email: string): string;
  knobs: SandboxKnobs;
  /** Resolves once no webhook delivery is queued, running or waiting for a retry. */
  deliveriesIdle(): Promise<void>;
  /** Flush state to disk and stop delivery timers. */
  close(): Promise<void>;
}

/** Coalesce saves: the state is one JSON file, rewritten whole. */
const SAVE_DELAY_MS = 250;

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** The console's files live next to this module in src; a compiled copy falls back to src. */
function consoleDir(): string {
  const beside = join(here, 'console');
  if (existsSync(join(beside, 'index.html'))) return beside;
  return join(here, '..', '..', '..', 'src', 'sandbox', 'console');
}

const VENDOR: Record<string, { file: () => string; type: string }> = {
  'marked.js': {
    file: () => join(dirname(require.resolve('marked/package.json')), 'lib', 'marked.umd.js'),
    type: 'text/javascript',
  },
  'adaptivecards.js': { file: () => require.resolve('adaptivecards/dist/adaptivecards.min.js'), type: 'text/javascript' },
  'adaptivecards.css': { file: () => require.resolve('adaptivecards/dist/adaptivecards.css'), type: 'text/css' },
};

const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // The Adaptive Cards renderer sets element styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export async function createSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const publicUrl = opts.publicUrl.replace(/\/+$/, '');
  const apiBase = `${publicUrl}/webex/v1`;
  const log = opts.log ?? pino({ level: 'warn', name: 'sandbox' });
  const seeds = opts.people ?? DEFAULT_PEOPLE;
  const dataDir = opts.dataDir ?? null;

  const restored = dataDir ? await loadState(dataDir) : null;
  const state = restored ?? SandboxWorld.initialState(seeds);
  if (restored) SandboxWorld.addSeeds(state, seeds, new Date().toISOString());

  const knobs = new Knobs();
  const writer = dataDir
    ? new StateWriter(dataDir, () => state, SAVE_DELAY_MS, (err) => log.error({ err }, 'sandbox: could not save state'))
    : null;
  const delivery = new WebhookDelivery(() => state, knobs, log, opts.deliveryRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS);
  const world = new SandboxWorld(state, () => writer?.markDirty(), (event) => delivery.schedule(event));
  if (!restored) writer?.markDirty();

  const identities = (): SandboxIdentity[] =>
    state.people.map((p) => ({
      id: p.id,
      email: p.email,
      displayName: p.displayName,
      type: p.type,
      token: p.token,
      refreshToken: stableRefreshToken(p.email),
    }));

  const router = express.Router();
  router.use('/webex/v1', createRestRouter({ world, knobs, apiBase: () => apiBase, log }));

  router.get('/identities', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(identities());
  });
  router.get('/knobs', (_req, res) => void res.json(knobs.snapshot()));
  router.post('/knobs', express.json({ limit: '16kb' }), (req, res) => {
    const parsed = knobsBody.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json(errorBody(`Invalid knobs: ${parsed.error.issues[0]?.message ?? 'bad input'}`, newTrackingId()));
      return;
    }
    knobs.apply(parsed.data);
    res.json(knobs.snapshot());
  });

  const dir = consoleDir();
  router.get('/', (req, res) => {
    // Relative asset URLs need the trailing slash.
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) {
      res.redirect(302, `${req.originalUrl.split('?')[0]}/`);
      return;
    }
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(join(dir, 'index.html'));
  });
  router.use(
    '/console',
    (_req, res, next) => {
      res.setHeader('Content-Security-Policy', CONSOLE_CSP);
      next();
    },
    express.static(dir, { index: false, fallthrough: false }),
  );
  router.get('/vendor/:name', (req, res) => {
    const v = VENDOR[String(req.params.name)];
    if (!v) {
      res.status(404).end();
      return;
    }
    res.type(v.type).setHeader('Cache-Control', 'public, max-age=3600');
    res.sendFile(v.file());
  });
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (err as { status?: number }).status;
    if (status === 404) {
      res.status(404).end();
      return;
    }
    next(err);
  });

  let closed = false;
  return {
    router,
    apiBase,
    identities,
    tokenFor(email: string): string {
      const p = world.personByEmail(email);
      if (!p) throw new Error(`The sandbox has no identity ${email}`);
      return p.token;
    },
    knobs,
    deliveriesIdle: () => delivery.idle(),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await delivery.close();
      await writer?.flush();
    },
  };
}

export interface SandboxServer {
  /** Base URL of the sandbox, e.g. http://127.0.0.1:39123/sandbox */
  url: string;
  sandbox: Sandbox;
  close(): Promise<void>;
}

/** Runs the sandbox alone on its own HTTP server (tests, `npm run sandbox`). */
export async function startSandboxServer(opts: {
  port?: number;
  host?: string;
  dataDir?: string | null;
  people?: SandboxPersonSeed[];
  log?: Logger;
  deliveryRetryDelaysMs?: number[];
}): Promise<SandboxServer> {
  const host = opts.host ?? '127.0.0.1';
  const app = express();
  app.disable('x-powered-by');
  let inner: express.Router | null = null;
  app.use('/sandbox', (req, res, next) => (inner ? inner(req, res, next) : res.status(503).end()));
  app.get('/', (_req, res) => res.redirect(302, '/sandbox/'));

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}/sandbox`;
  let sandbox: Sandbox;
  try {
    sandbox = await createSandbox({
      publicUrl: url,
      dataDir: opts.dataDir ?? null,
      people: opts.people,
      log: opts.log,
      deliveryRetryDelaysMs: opts.deliveryRetryDelaysMs,
    });
  } catch (err) {
    server.close();
    throw err;
  }
  inner = sandbox.router;
  return {
    url,
    sandbox,
    async close(): Promise<void> {
      await sandbox.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
