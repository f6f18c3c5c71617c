// POST /api/v1/offline: the widget's form for a closed topic (name, e-mail, message). The
// message is kept (Store.saveOfflineMessage) and posted to the
// supervisors' space: through the outbox when `enqueue` is given (durable, retried), otherwise
// at once through the AgentChannel.
import { Router, type Request } from 'express';
import { rateLimit } from 'express-rate-limit';
import { offlineBody, type OfflineInput } from '../contract/widget-api.js';
import { escapeMarkdown } from '../domain/escape.js';
import type { Logger } from '../logger.js';
import type { AgentChannel, Store } from '../ports.js';
import { HttpError } from './errors.js';

/**
 * Either `enqueue` (durable: the outbox, the product's way) or `channel` + `supervisorsSpace`
 * (posted at once; a failure is logged, the message stays in the store).
 */
export interface OfflineDeps {
  store: Store;
  log: Logger;
  /** Durable delivery of the notice to the supervisors' space (the outbox). */
  enqueue?: (markdown: string) => Promise<void>;
  channel?: AgentChannel;
  /** The supervisors' space id (created on first use). */
  supervisorsSpace?: () => Promise<string>;
  /** Per IP (default: 10 messages per 10 minutes). */
  rateLimit?: { windowMs: number; limit: number };
}

/** The notice for supervisors: every visitor-typed value escaped (no mentions, no links). */
export function offlineNotice(input: OfflineInput, topicName: string): string {
  const lines = [
    `📨 **Offline message** · ${escapeMarkdown(topicName)}`,
    `**From:** ${escapeMarkdown(input.name)} · ${escapeMarkdown(input.email)}`,
  ];
  if (input.language) lines.push(`**Language:** ${escapeMarkdown(input.language)}`);
  if (input.page) lines.push(`**Page:** ${escapeMarkdown(input.page)}`);
  lines.push('', escapeMarkdown(input.message));
  return lines.join('\n');
}

function clientIp(req: Request): string | null {
  return req.ip ?? req.socket.remoteAddress ?? null;
}

export function offlineRouter(deps: OfflineDeps): Router {
  const direct = deps.channel && deps.supervisorsSpace ? { channel: deps.channel, space: deps.supervisorsSpace } : null;
  if (!deps.enqueue && !direct) throw new Error('offlineRouter: give `enqueue`, or `channel` and `supervisorsSpace`');
  const router = Router();
  const limits = deps.rateLimit ?? { windowMs: 10 * 60_000, limit: 10 };
  const limiter = rateLimit({
    windowMs: limits.windowMs,
    limit: limits.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json({ error: 'rate_limited', message: 'Too many offline messages; please try again later.' });
    },
  });

  router.post('/api/v1/offline', limiter, async (req, res) => {
    // A refusal is the errors handler's 400, like every other route's.
    const input = offlineBody.parse(req.body ?? {});
    const topic = await deps.store.getTopic(input.topic);
    if (!topic) throw new HttpError(404, 'unknown_topic', `No topic "${input.topic}".`);
    const language = input.language ?? 'en';
    const topicName = topic.names[language] ?? topic.names['en'] ?? Object.values(topic.names)[0] ?? topic.id;

    const { id } = await deps.store.saveOfflineMessage({
      topicId: topic.id,
      name: input.name,
      email: input.email,
      message: input.message,
      language,
      page: input.page ?? null,
      ip: clientIp(req),
    });
    const markdown = offlineNotice(input, topicName);
    if (deps.enqueue) {
      await deps.enqueue(markdown);
    } else if (direct) {
      try {
        await direct.channel.postAsBot(await direct.space(), markdown);
      } catch (error) {
        // Kept in the store: supervisors still find it there.
        deps.log.warn({ err: error, topic: topic.id, offlineId: id }, 'offline message kept but not posted');
      }
    }
    deps.log.info({ topic: topic.id, offlineId: id }, 'offline message received');
    res.status(202).json({ ok: true, id });
  });
  return router;
}
