// Messages left through the widget's offline form (a topic was closed): kept in the store, and
// a notice posted to the supervisors' space through the outbox (durable, retried).
import { paragraph, strong, type Block, type RichText } from '../domain/rich-text.js';
import type { Logger } from '../logger.js';
import type { OfflineMessageStore, TopicStore } from '../ports.js';
import type { ChatAnnouncer } from './announcer.js';
import { SUPERVISORS_LANE, topicName } from './context.js';
import { ChatError } from './errors.js';

export interface OfflineInput {
  topic: string;
  name: string;
  email: string;
  message: string;
  language?: string | undefined;
  page?: string | undefined;
}

export interface OfflineServiceOptions {
  store: Pick<TopicStore, 'getTopic'> & Pick<OfflineMessageStore, 'saveOfflineMessage'>;
  announcer: Pick<ChatAnnouncer, 'deliver'>;
  log: Logger;
}

/** The notice for supervisors; every value is literal (the channel adapter escapes it). */
export function offlineNotice(input: OfflineInput, topic: string): RichText {
  const blocks: Block[] = [paragraph('📨 ', strong('Offline message'), ` · ${topic}`), paragraph(strong('From:'), ` ${input.name} · ${input.email}`)];
  if (input.language) blocks.push(paragraph(strong('Language:'), ` ${input.language}`));
  if (input.page) blocks.push(paragraph(strong('Page:'), ` ${input.page}`));
  blocks.push(paragraph(input.message));
  return blocks;
}

export class OfflineService {
  constructor(private readonly options: OfflineServiceOptions) {}

  /** Keeps the message and tells the supervisors; an unknown topic is refused. */
  async leave(input: OfflineInput, ip: string | null): Promise<{ id: number }> {
    const { store, announcer, log } = this.options;
    const topic = await store.getTopic(input.topic);
    if (!topic) throw new ChatError('unknown_topic', `No topic "${input.topic}".`);
    const language = input.language ?? 'en';
    const { id } = await store.saveOfflineMessage({
      topicId: topic.id,
      name: input.name,
      email: input.email,
      message: input.message,
      language,
      page: input.page ?? null,
      ip,
    });
    const text = offlineNotice(input, topicName(topic.names, language, topic.id));
    await announcer.deliver(SUPERVISORS_LANE, { kind: 'supervisors_message', text });
    log.info({ topic: topic.id, offlineId: id }, 'offline message received');
    return { id };
  }
}
