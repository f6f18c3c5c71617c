// The one-off job per queued chat: unclaimed for too long, the supervisors get an alert. Only
// when supervisors are configured; the job re-checks the chat's state before alerting.
import type { Chat, ChatEvent } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { Scheduler } from '../ports.js';

export const UNCLAIMED_JOB = 'chat:unclaimed';

export interface UnclaimedAlertsOptions {
  scheduler: Pick<Scheduler, 'schedule' | 'cancel'>;
  /** How long a chat may wait before the alert. */
  afterMs: number;
  /** Supervisors are configured: otherwise nobody is alerted. */
  enabled: boolean;
  log: Logger;
}

export class UnclaimedAlerts {
  constructor(private readonly options: UnclaimedAlertsOptions) {}

  get enabled(): boolean {
    return this.options.enabled;
  }

  /** Schedules the chat's alert, counted from `from` (replacing a pending one). */
  async schedule(chatId: string, from: Date): Promise<void> {
    if (!this.options.enabled) return;
    const at = new Date(from.getTime() + this.options.afterMs);
    await this.options.scheduler.schedule(at, UNCLAIMED_JOB, { chatId }, chatId);
  }

  /**
   * Not awaited by callers' flows: the job re-checks the state, and the space's other
   * deliveries (handled one after another) must not wait on the scheduler.
   */
  cancel(chatId: string): void {
    void this.options.scheduler.cancel(UNCLAIMED_JOB, chatId).catch((error: unknown) => {
      this.options.log.warn({ err: error, chatId }, 'unclaimed alert not cancelled');
    });
  }
}

/** When the chat last entered the queue: its start, a handoff, or a transfer back to a topic. */
export function queuedSince(chat: Pick<Chat, 'createdAt'>, events: Pick<ChatEvent, 'type' | 'at'>[]): Date {
  return events.filter((e) => e.type === 'handed_off' || e.type === 'transferred').at(-1)?.at ?? chat.createdAt;
}
