// Plugs the assistant into the chat flow through the chat service's hooks: while a chat is in
// state `bot`, each outcome of the assistant service is carried out like every other use case:
// store (bot messages, for the visitor), announce, deliver to the space through the outbox (the
// bot identity posts them, so the space's history is whole), and at handoff move the chat to
// `queued`, call the topic's agents (if they join at handoff), tell the space why, and post a
// fresh control card with the Claim button. `stop()` at shutdown, before the chat module.
import { decide } from '../domain/chat-state.js';
import { emphasis, paragraph, strong, type Block, type RichText } from '../domain/rich-text.js';
import type { Chat } from '../domain/types.js';
import type { Logger } from '../logger.js';
import type { ChatStore, Clock, Handoff, MessageStore, TopicStore } from '../ports.js';
import type { ChatAnnouncer } from './announcer.js';
import type { AssistantOutcome, AssistantService } from './assistant.js';
import type { ChatHooks } from './chats.js';
import type { UnclaimedAlerts } from './unclaimed.js';

export interface BotPhaseOptions {
  assistant: AssistantService;
  store: ChatStore & MessageStore & TopicStore;
  announcer: ChatAnnouncer;
  alerts: UnclaimedAlerts;
  clock: Clock;
  log: Logger;
}

/** Agents read the space in English, like the cards. */
const AGENT_LANGUAGE = 'en';

/** The bot's words as the space shows them, with the quick replies offered to the visitor. */
export function botMessageText(text: string, quickReplies: string[]): RichText {
  const blocks: Block[] = text ? [paragraph(text)] : [];
  if (quickReplies.length) blocks.push(paragraph(emphasis('Options:'), ` ${quickReplies.join(' · ')}`));
  return blocks;
}

export class BotPhase {
  /** Per chat, the work in progress: one chat's turns run one after another, in order. */
  private readonly lanes = new Map<string, Promise<void>>();
  private stopped = false;
  private readonly log: Logger;

  constructor(private readonly options: BotPhaseOptions) {
    this.log = options.log.child({ component: 'bot-phase' });
  }

  /** For createChatModule's `chatHooks`. The work runs after the HTTP answer, in the background. */
  readonly hooks: ChatHooks = {
    assistantOn: (topic) => this.options.assistant.enabledFor(topic),
    afterStart: async (chat) => {
      if (chat.state === 'bot') this.enqueue(chat.id, () => this.greet(chat.id));
    },
    afterVisitorMessage: async (chat, message) => {
      if (chat.state === 'bot') this.enqueue(chat.id, () => this.answer(chat.id, message.text));
    },
  };

  /** Resolves when no bot turn is running (tests; shutdown). */
  async idle(): Promise<void> {
    while (this.lanes.size > 0) await Promise.allSettled([...this.lanes.values()]);
  }

  /** Takes no new turns and waits for the running ones. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private enqueue(chatId: string, work: () => Promise<void>): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const previous = this.lanes.get(chatId) ?? Promise.resolve();
    const next = previous
      .then(work)
      .catch((error: unknown) => this.log.error({ err: error, chatId }, 'bot turn failed'))
      .finally(() => {
        if (this.lanes.get(chatId) === next) this.lanes.delete(chatId);
      });
    this.lanes.set(chatId, next);
    return next;
  }

  /** The chat as stored now, if the assistant still has it. */
  private async freshChat(chatId: string): Promise<Chat | null> {
    const chat = await this.options.store.getChat(chatId);
    return chat?.state === 'bot' ? chat : null;
  }

  private async greet(chatId: string): Promise<void> {
    const chat = await this.freshChat(chatId);
    if (chat) await this.carryOut(chat, await this.withTyping(chat, () => this.options.assistant.onChatStarted(chat)));
  }

  private async answer(chatId: string, text: string): Promise<void> {
    const chat = await this.freshChat(chatId);
    if (chat) await this.carryOut(chat, await this.withTyping(chat, () => this.options.assistant.onVisitorMessage(chat, text)));
  }

  private async withTyping(chat: Chat, work: () => Promise<AssistantOutcome>): Promise<AssistantOutcome> {
    const typing = (active: boolean) => this.options.announcer.announceTyping(chat.id, 'bot', active);
    await typing(true);
    try {
      return await work();
    } finally {
      await typing(false);
    }
  }

  private async carryOut(chat: Chat, outcome: AssistantOutcome): Promise<void> {
    const { store, announcer } = this.options;
    // An agent may have claimed the chat while the assistant was thinking: then it keeps quiet.
    const current = await store.getChat(chat.id);
    if (current?.state !== 'bot') return;
    const authorName = this.options.assistant.botName(chat.language);
    for (const m of outcome.messages) {
      const { message } = await store.appendMessage({ chatId: chat.id, from: 'bot', text: m.text, authorName, data: m.data });
      await announcer.announceMessage(chat.id, message.seq);
      await announcer.deliver(chat.id, { kind: 'bot_message', text: botMessageText(m.text, m.quickReplies) });
    }
    if (outcome.messages.length && !outcome.handoff) {
      // The assistant spoke last: the conversation waits on the visitor (inactivity counts).
      await store.updateChat(chat.id, { waitingOnVisitorSince: this.options.clock.now(), warnedAt: null }, undefined, 'bot');
    }
    if (outcome.handoff) await this.handOff(current, outcome.handoff);
  }

  private async handOff(chat: Chat, handoff: Handoff): Promise<void> {
    const { store, announcer } = this.options;
    const now = this.options.clock.now();
    const actor = handoff.reason === 'visitor_request' ? ({ kind: 'visitor' } as const) : ({ kind: 'bot' } as const);
    const decision = decide(chat, { type: 'handoff', reason: handoff.reason }, actor, now);
    if (!decision.ok) return;
    const { transition } = decision;
    const event = { ...transition.event, data: { ...transition.event.data, ...(handoff.detail ? { detail: handoff.detail } : {}) } };
    const queued = await store.updateChat(chat.id, transition.patch, event, transition.from);
    if (!queued) return; // an agent claimed it first

    const topic = await store.getTopic(chat.topicId);
    // Agents who join at handoff join now (those already there are tolerated by the outbox).
    if (topic && topic.addAgentsAt === 'handoff' && topic.agents.length) {
      await announcer.deliver(chat.id, { kind: 'add_members', emails: topic.agents });
    }
    const why = this.options.assistant.describeHandoff(handoff, AGENT_LANGUAGE);
    const headline =
      handoff.reason === 'visitor_request' ? ['🙋 ', strong('The visitor asked for an agent.')] : ['🤖 ', strong('The assistant handed the chat over.')];
    await announcer.tellSpace(queued, [paragraph(...headline, ` ${why}. Claim it with the card below.`)]);
    await announcer.deliver(chat.id, { kind: 'control_card' });
    await announcer.announceState(chat.id, 'queued');
    await this.options.alerts.schedule(chat.id, now);
    this.log.info({ chatId: chat.id, reason: handoff.reason }, 'chat handed to agents');
  }
}
