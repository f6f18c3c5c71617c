// `POST /webhooks/webex` and `/webhooks/slack` (Slack's events and interactivity alike): the raw
// bytes (kept by the app for `/webhooks/*`) go to the channel,
// which verifies the signature before anything else and answers 401 when it does not match.
import type { Express } from 'express';
import type { AgentChannel } from '../ports.js';
import type { RouteMount } from './app.js';

/** `channel()` is null while the app is still starting: 503, and Webex delivers again later. */
export function webhookRoutes(channel: () => Pick<AgentChannel, 'handleWebhook'> | null): RouteMount {
  return (app: Express) => {
    // Whichever messenger runs answers; the other route's deliveries fail its signature check.
    app.post(['/webhooks/webex', '/webhooks/slack'], async (req, res) => {
      const target = channel();
      if (!target) {
        res.status(503).json({ error: 'starting', message: 'Not ready yet; deliver again later.' });
        return;
      }
      const raw = req.rawBody ?? (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      const result = await target.handleWebhook(raw, req.headers);
      if (result.body === undefined) res.status(result.status).end();
      else res.status(result.status).json(result.body);
    });
  };
}
