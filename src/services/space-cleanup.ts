// Spaces do not pile up in agents' lists: a while after a chat closes (timers.spaceCleanup) its
// agents are removed from the space (the transcript stays in the database), and at retention the
// space itself is deleted by its creator. Two one-off jobs per closed chat on the Scheduler; each
// only enqueues an outbox delivery, and both deliveries are idempotent in the channel.
import type { Chat } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { ChatStore, Json, Scheduler } from '../ports.js';
import type { ChatAnnouncer } from './announcer.js';

export const SPACE_CLEANUP_JOB = 'chat:space-cleanup';
export const SPACE_DELETE_JOB = 'chat:space-delete';

/** The lane of a space's deletion: not the chat's, which retention purges with the chat. */
export function spaceLane(spaceId: string): string {
  return `space:${spaceId}`;
}

export interface SpaceCleanupOptions {
  scheduler: Pick<Scheduler, 'define' | 'schedule'>;
  store: Pick<ChatStore, 'getChat'>;
  announcer: Pick<ChatAnnouncer, 'deliver'>;
  /** After the close: agents leave the space. */
  cleanupMs: number;
  /** After the close: the space is deleted (the transcripts' retention). */
  retentionMs: number;
  log: Logger;
}

interface DeleteData {
  chatId: string;
  spaceId: string | null;
  [key: string]: Json;
}

export class SpaceCleanup {
  constructor(private readonly options: SpaceCleanupOptions) {}

  /** Registers the job handlers; call before `scheduler.start()`. */
  define(): void {
    const { scheduler } = this.options;
    scheduler.define<{ chatId: string }>(SPACE_CLEANUP_JOB, (data) => this.cleanup(String(data?.chatId ?? '')));
    scheduler.define<DeleteData>(SPACE_DELETE_JOB, (data) => this.remove(data));
  }

  /** Schedules both steps for a chat that just closed (the space id may still be on its way). */
  async afterClose(chat: Chat): Promise<void> {
    const { scheduler, cleanupMs, retentionMs } = this.options;
    const closedAt = (chat.closedAt ?? new Date()).getTime();
    if (cleanupMs < retentionMs) {
      await scheduler.schedule(new Date(closedAt + cleanupMs), SPACE_CLEANUP_JOB, { chatId: chat.id }, chat.id);
    }
    // The space id rides along: at retention the chat itself may already be purged.
    await scheduler.schedule(new Date(closedAt + retentionMs), SPACE_DELETE_JOB, { chatId: chat.id, spaceId: chat.spaceId }, chat.id);
  }

  private async cleanup(chatId: string): Promise<void> {
    const chat = chatId ? await this.options.store.getChat(chatId) : null;
    if (!chat || chat.state !== 'closed' || !chat.spaceId) return;
    await this.options.announcer.deliver(chat.id, { kind: 'clear_space' });
    this.options.log.info({ chatId }, 'closed chat: agents leave its space');
  }

  private async remove(data: Partial<DeleteData> | undefined): Promise<void> {
    const chatId = String(data?.chatId ?? '');
    const chat = chatId ? await this.options.store.getChat(chatId) : null;
    if (chat && chat.state !== 'closed') return;
    const spaceId = chat?.spaceId ?? (typeof data?.spaceId === 'string' ? data.spaceId : null);
    if (!spaceId) return;
    await this.options.announcer.deliver(spaceLane(spaceId), { kind: 'delete_space', spaceId });
    this.options.log.info({ chatId }, 'closed chat: its space is deleted (retention)');
  }
}
