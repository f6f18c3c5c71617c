// POST /api/v1/offline: the widget's form for a closed topic (name, e-mail, message). The route
// parses the body and hands it to the offline service, which keeps it and posts a notice to the
// supervisors' space through the outbox.
import { Router, type Request } from 'express';
import { offlineBody, type OfflineResponse } from '../contract/widget-api.js';
import { ChatError } from '../services/errors.js';
import type { OfflineService } from '../services/offline.js';
import type { RateLimitStore } from '../ports.js';
import { HttpError } from './errors.js';
import { limiter } from './limits.js';

export interface OfflineDeps {
  offline: Pick<OfflineService, 'leave'>;
  /** Per IP (default: 10 messages per 10 minutes). */
  rateLimit?: { windowMs: number; limit: number };
  /** Where the limit counts: shared by every instance. Absent: in this process only. */
  counters?: RateLimitStore;
}

function clientIp(req: Request): string | null {
  return req.ip ?? req.socket.remoteAddress ?? null;
}

export function offlineRouter(deps: OfflineDeps): Router {
  const router = Router();
  const limits = deps.rateLimit ?? { windowMs: 10 * 60_000, limit: 10 };
  const limit = limiter({ name: 'offline', ...limits, message: 'Too many offline messages; please try again later.' }, deps.counters);

  router.post('/api/v1/offline', limit, async (req, res) => {
    // A refusal is the errors handler's 400, like every other route's.
    const input = offlineBody.parse(req.body ?? {});
    const { id } = await deps.offline.leave(input, clientIp(req)).catch((error: unknown) => {
      throw error instanceof ChatError && error.code === 'unknown_topic' ? new HttpError(404, 'unknown_topic', error.message) : error;
    });
    res.status(202).json({ ok: true, id } satisfies OfflineResponse);
  });
  return router;
}
