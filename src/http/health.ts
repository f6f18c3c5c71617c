// GET /healthz: 200 when the database answers, 503 otherwise or while stopping (load balancers
// take us out).
import { Router } from 'express';

export type HealthCheck = () => Promise<void>;

export function healthRouter(check: HealthCheck, isStopping: () => boolean = () => false, timeoutMs = 2000): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    if (isStopping()) {
      // Draining before exit: load balancers should send new visitors elsewhere.
      res.status(503).set('Cache-Control', 'no-store').json({ status: 'stopping' });
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('health check timed out')), timeoutMs);
        }),
      ]);
      res.set('Cache-Control', 'no-store').json({ status: 'ok' });
    } catch (error) {
      res.log?.warn({ err: error }, 'health check failed');
      res.status(503).set('Cache-Control', 'no-store').json({ status: 'unavailable' });
    } finally {
      clearTimeout(timer);
    }
  });
  return router;
}
