// One Webex sandbox: its state (restored from disk when there is some), the world over it,
// webhook delivery, fault knobs, and the router serving the REST API, the identities, the
// knobs and the agent console.
import { randomBytes } from 'node:crypto';
import express from 'express';
import { pino, type Logger } from 'pino';
import { mountConsole } from './console-routes.js';
import { DEFAULT_RETRY_DELAYS_MS, WebhookDelivery } from './delivery.js';
import { errorBody, newTrackingId } from './errors.js';
import { stableRefreshToken } from './ids.js';
import { Knobs, knobsBody, type SandboxKnobs } from './knobs.js';
import { DEFAULT_PEOPLE, type SandboxPersonSeed } from './people.js';
import { loadState, StateWriter, type SandboxState } from './state.js';

interface SandboxOptions {
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

interface SandboxIdentity {
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
  /**
   * The secret the product registers its webhooks with when it runs against this sandbox:
   * random per data directory (kept with the state), or per run when in memory.
   */
  webhookSecret: string;
  /** Resolves once no webhook delivery is queued, running or waiting for a retry. */
  deliveriesIdle(): Promise<void>;
  /** Flush state to disk and stop delivery timers. */
  close(): Promise<void>;
}

/** Coalesce saves: the state is one JSON file, rewritten whole. */
const SAVE_DELAY_MS = 250;

export async function createSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const publicUrl = opts.publicUrl.replace(/\/+$/, '');
  const apiBase = `${publicUrl}/webex/v1`;
  const log = opts.log ?? pino({ level: 'warn', name: 'sandbox' });
  const seeds = opts.people ?? DEFAULT_PEOPLE;
  const dataDir = opts.dataDir ?? null;
  // Loaded here, not with this module: the product imports it on every start, and the world
  // brings the markdown renderer along.
  const [{ SandboxWorld }, { createRestRouter }] = await Promise.all([import('./world/index.js'), import('./rest/index.js')]);

  const restored = dataDir ? await loadState(dataDir) : null;
  const state = restored ?? SandboxWorld.initialState(seeds);
  if (restored) SandboxWorld.addSeeds(state, seeds, new Date().toISOString());
  const newSecret = !state.webhookSecret;
  state.webhookSecret ??= randomBytes(32).toString('hex');
  const webhookSecret = state.webhookSecret;

  const knobs = new Knobs();
  const writer = dataDir
    ? new StateWriter(dataDir, () => state, SAVE_DELAY_MS, (err) => log.error({ err }, 'sandbox: could not save state'))
    : null;
  const delivery = new WebhookDelivery(() => state, knobs, log, opts.deliveryRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS, () =>
    writer?.markDirty(),
  );
  const world = new SandboxWorld(state, () => writer?.markDirty(), (event) => delivery.schedule(event));
  if (!restored || newSecret) writer?.markDirty();

  const identities = (): SandboxIdentity[] => identitiesOf(state);
  const router = express.Router();
  router.use('/webex/v1', createRestRouter({ world, knobs, apiBase: () => apiBase, log }));
  mountControls(router, identities, knobs);
  mountConsole(router);

  let closed = false;
  return {
    router,
    apiBase,
    identities,
    tokenFor(email: string): string {
      const p = world.people.byEmail(email);
      if (!p) throw new Error(`The sandbox has no identity ${email}`);
      return p.token;
    },
    knobs,
    webhookSecret,
    deliveriesIdle: () => delivery.idle(),
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await delivery.close();
      await writer?.flush();
    },
  };
}

function identitiesOf(state: SandboxState): SandboxIdentity[] {
  return state.people.map((p) => ({
    id: p.id,
    email: p.email,
    displayName: p.displayName,
    type: p.type,
    token: p.token,
    refreshToken: stableRefreshToken(p.email),
  }));
}

/** `/identities` (every token, for the console and tests) and `/knobs` (read and arm faults). */
function mountControls(router: express.Router, identities: () => SandboxIdentity[], knobs: Knobs): void {
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
}
