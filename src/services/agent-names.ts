// How the visitor sees the agents: by first name, or as the topic ("Sales") when agents show as
// their team; and the "joined" line, once per name shown.
import { agentDisplayName } from '../domain/text.js';
import type { Chat } from '../domain/types.js';
import type { ServerI18n } from '../i18n.js';
import type { MessageStore, Person, TopicStore } from '../ports.js';
import type { ChatAnnouncer } from './announcer.js';
import { topicName, type ChatSettings } from './context.js';

export interface AgentNamesOptions {
  store: MessageStore & TopicStore;
  announcer: Pick<ChatAnnouncer, 'systemMessage'>;
  i18n: Pick<ServerI18n, 't'>;
  settings: Pick<ChatSettings, 'agentDisplay'>;
}

export class AgentNames {
  constructor(private readonly options: AgentNamesOptions) {}

  /** The agent's name for the visitor: a first name, or the topic's name for `support`. */
  async shown(chat: Chat, agent: Person): Promise<string> {
    const topic = await this.options.store.getTopic(chat.topicId);
    const team = topic ? topicName(topic.names, chat.language, topic.id) : this.options.i18n.t(chat.language, 'agent.support');
    return agentDisplayName(
      { email: agent.email, displayName: agent.displayName, firstName: agent.firstName },
      this.options.settings.agentDisplay,
      team,
    );
  }

  /**
   * "Anna joined the chat" once per name shown: each person by first name, or the topic once
   * when agents show as the topic. None for someone whose name is unknown (an e-mail only).
   */
  async announceJoined(chat: Chat, person: Person): Promise<void> {
    const name = await this.shown(chat, person);
    const team = await this.shown(chat, { ...person, displayName: '', firstName: null });
    if (this.options.settings.agentDisplay === 'first_name' && name === team) return;
    const text = this.options.i18n.t(chat.language, 'system.agentJoined', { name });
    for (let after = 0; ; ) {
      const page = await this.options.store.listMessages(chat.id, after, 500);
      if (page.some((m) => m.from === 'system' && m.text === text)) return;
      if (page.length < 500) break;
      after = page[page.length - 1]!.seq;
    }
    await this.options.announcer.systemMessage(chat, 'system.agentJoined', { name });
  }
}
