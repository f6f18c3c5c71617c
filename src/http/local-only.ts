// The in-process sandboxes hand out every identity's token and arm faults for everyone: they
// answer this machine only, unless SANDBOX_PUBLIC=true opened them on purpose.
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logger.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
/** Headers a proxy adds: a request relayed by a proxy on this machine comes from elsewhere. */
const RELAYED = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/** The connection comes from this machine and no proxy relayed it (`req.ip` and TRUST_PROXY aside). */
export function isLocalRequest(req: Request): boolean {
  const address = req.socket.remoteAddress ?? '';
  return LOOPBACK.test(address) && RELAYED.every((header) => req.headers[header] === undefined);
}

/** 403 for any other machine, unless `open`. */
export function localOnly(open: boolean): RequestHandler {
  return (req, res, next) => {
    if (open || isLocalRequest(req)) {
      next();
      return;
    }
    res.status(403).json({
      error: 'forbidden',
      message: 'The sandbox answers only this machine (loopback). Set SANDBOX_PUBLIC=true to open it to others.',
    });
  };
}

const HOUR_MS = 3_600_000;

/** A sandbox open to everyone says so at start and every hour; the closer stops saying it. */
export function warnPublicSandbox(log: Logger, everyMs = HOUR_MS): { name: string; close: () => Promise<void> } {
  const warn = () =>
    log.warn('SANDBOX_PUBLIC=true: the sandbox (every agent\'s token, fault switches) answers anyone who reaches this server');
  warn();
  const timer = setInterval(warn, everyMs);
  timer.unref();
  return { name: 'sandbox-warning', close: async () => clearInterval(timer) };
}
