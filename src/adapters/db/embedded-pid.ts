// What a crashed or killed process leaves behind in an embedded cluster's directory: a
// `postmaster.pid` naming a process that is gone, unrelated, or an orphaned postmaster of ours.
import { existsSync, readFileSync } from 'node:fs';
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type pino from 'pino';

/**
 * PostgreSQL refuses to start while `postmaster.pid` names a live process. After a crash that
 * pid may belong to an unrelated process (pid reuse, common in containers), or to our own
 * postmaster orphaned when the Node process was killed. Unrelated: remove the file. Orphaned:
 * shut it down. Still owned by a live Node process: another instance uses this directory.
 */
export async function clearStalePid(dir: string, log: pino.Logger): Promise<void> {
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

export function isAlive(pid: number): boolean {
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
