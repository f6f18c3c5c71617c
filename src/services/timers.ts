// Durable timers on the Scheduler (Agenda on the database), so a restart keeps them:
// - one recurring sweep over the open chats: lost visitors (no stream, poll or message for a
//   while, or a leave beacon past its grace) and inactivity (warn, then close) — computed from
//   stored times, never a job per heartbeat;
// - a one-off job per chat: unclaimed too long → alert in the supervisors' space;
// - a daily retention purge.
import { timerVerdict, type TimerPolicy } from '../domain/chat-state.js';
import { plain } from '../domain/rich-text.js';
import type { Chat } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { ChatStore, Clock, DedupeStore, OfflineMessageStore, RateLimitStore, Scheduler } from '../ports.js';
import type { ChatAnnouncer } from './announcer.js';
import type { ChatCloser } from './closing.js';
import { OPEN_STATES, SUPERVISORS_LANE, type ChatSettings, type ChatTimers } from './context.js';
import { queuedSince, UNCLAIMED_JOB } from './unclaimed.js';

export const SWEEP_JOB = 'chats:sweep';
export const RETENTION_JOB = 'chats:retention';
const DAY = 86_400_000;

/** The domain's timer policy from the configured timers. */
export function timerPolicy(timers: ChatTimers): TimerPolicy {
  return {
    warnAfterMs: timers.inactivityWarn,
    closeAfterMs: timers.inactivityClose,
    lostAfterMs: timers.lostVisitor,
    leaveGraceMs: timers.leaveGrace,
    unclaimedAlertMs: timers.unclaimedAlert,
    queueUpdateMs: timers.queueUpdate,
    queueGiveUpMs: timers.queueGiveUp,
  };
}

export interface ChatTimersOptions {
  store: ChatStore & OfflineMessageStore & DedupeStore & RateLimitStore;
  scheduler: Pick<Scheduler, 'define' | 'every'>;
  announcer: ChatAnnouncer;
  closer: ChatCloser;
  clock: Clock;
  log: Logger;
  settings: Pick<ChatSettings, 'timers' | 'supervisors'>;
}

export class ChatTimersService {
  private stopping = false;
  private readonly store: ChatTimersOptions['store'];

  constructor(private readonly options: ChatTimersOptions) {
    this.store = options.store;
  }

  /** A sweep in progress stops after the chat at hand (shutdown must not wait for thousands). */
  stop(): void {
    this.stopping = true;
  }

  /** Registers the job handlers; call before `scheduler.start()`. */
  define(): void {
    const { scheduler } = this.options;
    scheduler.define(SWEEP_JOB, () => this.sweep());
    scheduler.define<{ chatId: string }>(UNCLAIMED_JOB, (data) => this.unclaimed(String(data?.chatId ?? '')));
    scheduler.define(RETENTION_JOB, () => this.purge().then(() => undefined));
  }

  /** Creates the recurring jobs (one per name across all instances); after `start()`. */
  async scheduleRecurring(): Promise<void> {
    const { scheduler, settings } = this.options;
    await scheduler.every(settings.timers.sweepEvery, SWEEP_JOB);
    await scheduler.every(DAY, RETENTION_JOB);
    if (settings.supervisors.emails.length) {
      await this.options.announcer.deliver(SUPERVISORS_LANE, { kind: 'supervisors_setup' });
    }
  }

  private async sweep(): Promise<void> {
    const now = this.options.clock.now();
    const policy = timerPolicy(this.options.settings.timers);
    const open = await this.store.listChats({ states: OPEN_STATES });
    for (const chat of open) {
      if (this.stopping) return;
      try {
        const verdict = timerVerdict(chat, now, policy);
        if (verdict === 'close_left') {
          await this.options.closer.close(chat, { type: 'visitor_left' }, { kind: 'system' });
        } else if (verdict === 'close_inactive') {
          await this.options.closer.close(chat, { type: 'inactive' }, { kind: 'system' });
        } else if (verdict === 'warn') {
          await this.warn(chat, now);
        } else if (verdict === 'queue_update') {
          await this.queueUpdate(chat, now);
        } else if (verdict === 'queue_give_up') {
          await this.offerToLeaveMessage(chat, now);
        }
      } catch (error) {
        this.options.log.error({ err: error, chatId: chat.id }, 'sweep: chat not handled');
      }
    }
  }

  private async warn(chat: Chat, now: Date): Promise<void> {
    const { timers } = this.options.settings;
    const warned = await this.store.updateChat(chat.id, { warnedAt: now }, { type: 'inactivity_warning', actor: 'system', at: now }, OPEN_STATES);
    if (!warned) return;
    const minutes = Math.max(1, Math.round((timers.inactivityClose - timers.inactivityWarn) / 60_000));
    await this.options.announcer.systemMessage(warned, 'system.inactivityWarning', { count: minutes });
    await this.options.announcer.tellSpace(warned, plain('⏳ The visitor has been quiet for a while and was asked whether they are still there.'));
  }

  /** Still queued: the visitor hears that someone is being looked for (never "are you there?"). */
  private async queueUpdate(chat: Chat, now: Date): Promise<void> {
    const noted = await this.store.updateChat(chat.id, { queueNoticeAt: now }, undefined, 'queued');
    if (noted) await this.options.announcer.systemMessage(noted, 'system.queueUpdate');
  }

  /**
   * Queued too long: the widget offers to leave a message (the offline form) or keep waiting.
   * The stored message carries `offer: 'leave_message'`, so a reconnecting widget sees it too.
   */
  private async offerToLeaveMessage(chat: Chat, now: Date): Promise<void> {
    const { announcer, settings } = this.options;
    const event = { type: 'queue_offer', actor: 'system', at: now };
    const offered = await this.store.updateChat(chat.id, { queueOfferAt: now, queueNoticeAt: now }, event, 'queued');
    if (!offered) return;
    const minutes = Math.max(1, Math.round(settings.timers.queueGiveUp / 60_000));
    await announcer.systemMessage(offered, 'system.queueGiveUp', { count: minutes }, { offer: 'leave_message' });
    const line = `⏳ Nobody has claimed chat #${offered.shortId} for ${minutes} min: the visitor was offered to leave a message instead.`;
    await announcer.tellSpace(offered, plain(line));
    if (settings.supervisors.emails.length) {
      await announcer.deliver(SUPERVISORS_LANE, { kind: 'supervisors_message', text: plain(line) });
    }
  }

  private async unclaimed(chatId: string): Promise<void> {
    const chat = chatId ? await this.store.getChat(chatId) : null;
    if (!chat || chat.state !== 'queued' || !this.options.settings.supervisors.emails.length) return;
    // Counted from when it joined the queue, not from the start of the assistant's part.
    const waitedMs = this.options.clock.now().getTime() - queuedSince(chat, await this.store.listEvents(chat.id)).getTime();
    await this.store.updateChat(chat.id, {}, { type: 'unclaimed_alert', actor: 'system', data: { waitedMs } });
    await this.options.announcer.deliver(SUPERVISORS_LANE, { kind: 'unclaimed_alert', chatId: chat.id, waitedMs });
  }

  private async purge(): Promise<number> {
    const { store, settings, log, clock } = this.options;
    const now = clock.now().getTime();
    const cutoff = new Date(now - settings.timers.retention);
    const removed = await store.purgeClosedBefore(cutoff);
    await store.purgeOfflineMessagesBefore(cutoff);
    await store.purgeProcessedBefore(new Date(now - 30 * DAY));
    // Rate-limit windows that have ended count nothing any more.
    await store.purgeHitsBefore(new Date(now));
    log.info({ removed }, 'retention purge done');
    return removed;
  }
}
