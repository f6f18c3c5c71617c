// The assistant's part of a chat, while the chat is in state `bot`: greet, answer each visitor
// message, and decide when people take over. It returns what to post and never posts itself:
// the chats service stores each bot message (from `bot`, with `data`), delivers it to the
// visitor, and posts it to the space by the bot identity, so the space's history is whole.
// Every provider call has a deadline; any failure becomes a polite handoff, never a dead end.
import type { Logger } from 'pino';
import { AssistantTimeoutError, assistantEnabled, turnLimitReached, wantsHuman } from '../domain/handoff.js';
import type { Chat, ChatMessage, Topic } from '../domain/types.js';
import type { Assistant, AssistantContext, AssistantReply, AssistantTurn, Handoff, HandoffReason, MessageStore } from '../ports.js';

export interface BotMessage {
  text: string;
  quickReplies: string[];
  /** For `Store.appendMessage({ from: 'bot', data })`: the widget reads `quickReplies`; the
   *  assistant reads `fallback` back to count misunderstandings in a row. */
  data: { quickReplies?: string[]; fallback?: true } | null;
}

export interface AssistantOutcome {
  /** In order. Empty when there is nothing to say (e.g. no assistant configured). */
  messages: BotMessage[];
  /** Non-null: move the chat to `queued` and call the agents (reason for their card). */
  handoff: Handoff | null;
}

export interface AssistantServiceDeps {
  assistant: Assistant;
  store: Pick<MessageStore, 'listMessages'>;
  /** (language, key) → sentence from `locales/<lng>/assistant.json` (see adapters/ai/texts.ts). */
  texts: (language: string, key: string) => string;
  log: Logger;
  /** Visitor messages the assistant answers; the next one goes to people. */
  turnLimit: number;
  /** Deadline of one assistant call. */
  timeoutMs?: number;
}

export interface AssistantService {
  /** Whether chats of this topic start with the assistant (state `bot`). */
  enabledFor(topic: Pick<Topic, 'assistant'>): boolean;
  onChatStarted(chat: Chat): Promise<AssistantOutcome>;
  /** Call with the visitor's new message, stored already or not yet (both work). */
  onVisitorMessage(chat: Chat, text: string): Promise<AssistantOutcome>;
  /** The widget's "talk to a person" button. */
  onHandoffRequested(chat: Chat): AssistantOutcome;
  /** The handoff reason in words, for the agents' card. */
  describeHandoff(handoff: Handoff, language: string): string;
  /** The name bot messages are shown under, in the visitor's language. */
  botName(language: string): string;
}

const NOTHING: AssistantOutcome = { messages: [], handoff: null };
/** Enough for any bot phase: the turn limit is far below. */
const HISTORY_LIMIT = 500;
const MAX_QUICK_REPLIES = 10;
const MAX_QUICK_REPLY_CHARS = 80;

const HANDOFF_TEXT_KEY: Record<HandoffReason, string> = {
  visitor_request: 'handoff.visitor_request',
  intent: 'handoff.default',
  tool: 'handoff.default',
  fallbacks: 'handoff.default',
  error: 'handoff.error',
  timeout: 'handoff.error',
  turn_limit: 'handoff.turn_limit',
};

class DeadlineError extends Error {}

function botMessage(text: string, quickReplies: string[] = [], fallback = false): BotMessage {
  const replies = [...new Set(quickReplies.map((q) => q.trim().slice(0, MAX_QUICK_REPLY_CHARS)).filter(Boolean))].slice(0, MAX_QUICK_REPLIES);
  const data: BotMessage['data'] = {};
  if (replies.length) data.quickReplies = replies;
  if (fallback) data.fallback = true;
  return { text, quickReplies: replies, data: Object.keys(data).length ? data : null };
}

/** The chat so far as assistant turns, without the visitor's new `text` if it is stored already. */
async function historyOf(store: AssistantServiceDeps['store'], chat: Chat, text: string | null): Promise<AssistantTurn[]> {
  const stored: ChatMessage[] = await store.listMessages(chat.id, 0, HISTORY_LIMIT);
  const turns: AssistantTurn[] = stored
    .filter((m) => m.from === 'visitor' || m.from === 'bot')
    .map((m) => ({ from: m.from, text: m.text, ...(m.data?.fallback === true ? { fallback: true } : {}) }));
  const last = turns[turns.length - 1];
  if (text !== null && last?.from === 'visitor' && last.text.trim() === text.trim()) turns.pop();
  return turns;
}

export function createAssistantService(deps: AssistantServiceDeps): AssistantService {
  const { assistant, store, texts, turnLimit } = deps;
  const timeoutMs = deps.timeoutMs ?? 20_000;
  const log = deps.log.child({ module: 'assistant-service', provider: assistant.name });
  const configured = assistant.name !== 'none';

  /** The handoff outcome: the provider's own words if it had any, else ours. */
  const handOff = (chat: Chat, handoff: Handoff, said: BotMessage[] = []): AssistantOutcome => {
    log.info({ chatId: chat.id, reason: handoff.reason }, 'assistant hands over');
    const polite = said.length > 0 && ['intent', 'tool', 'fallbacks'].includes(handoff.reason);
    return { messages: polite ? said : [...said, botMessage(texts(chat.language, HANDOFF_TEXT_KEY[handoff.reason]))], handoff };
  };

  /** One provider call under the deadline; failures become a handoff. */
  async function ask(chat: Chat, call: (ctx: AssistantContext) => Promise<AssistantReply>, ctx: Omit<AssistantContext, 'signal'>): Promise<AssistantOutcome> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new DeadlineError());
      }, timeoutMs);
    });
    try {
      const reply = await Promise.race([call({ ...ctx, signal: controller.signal }), deadline]);
      const messages = reply.messages
        .filter((m) => m.text.trim() !== '' || (m.quickReplies?.length ?? 0) > 0)
        .map((m) => botMessage(m.text.trim(), m.quickReplies, reply.fallback === true));
      if (reply.handoff) return handOff(chat, reply.handoff, messages);
      return { messages, handoff: null };
    } catch (error) {
      const timedOut = error instanceof DeadlineError || error instanceof AssistantTimeoutError;
      log.warn({ chatId: chat.id, err: timedOut ? undefined : error, timeoutMs: timedOut ? timeoutMs : undefined }, timedOut ? 'assistant timed out' : 'assistant failed');
      return handOff(chat, timedOut ? { reason: 'timeout', detail: `no answer within ${timeoutMs} ms` } : { reason: 'error', detail: error instanceof Error ? error.message.slice(0, 200) : 'unknown error' });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    enabledFor: (topic) => assistantEnabled(topic, configured),

    async onChatStarted(chat) {
      if (chat.state !== 'bot') return NOTHING;
      if (!configured) return { messages: [], handoff: { reason: 'error', detail: 'no assistant configured' } };
      const ctx = { chatId: chat.id, language: chat.language, topicId: chat.topicId, history: [] };
      const outcome = await ask(chat, (c) => assistant.greet(c), ctx);
      if (outcome.handoff || outcome.messages.length > 0) return outcome;
      return { messages: [botMessage(texts(chat.language, 'greeting'))], handoff: null };
    },

    async onVisitorMessage(chat, text) {
      if (chat.state !== 'bot') return NOTHING;
      if (!configured) return { messages: [], handoff: { reason: 'error', detail: 'no assistant configured' } };
      if (wantsHuman(text, chat.language)) return handOff(chat, { reason: 'visitor_request' });
      const turns = await historyOf(store, chat, text);
      if (turnLimitReached(turns, turnLimit)) return handOff(chat, { reason: 'turn_limit', detail: `${turnLimit} answers` });
      const ctx = { chatId: chat.id, language: chat.language, topicId: chat.topicId, history: turns };
      const outcome = await ask(chat, (c) => assistant.reply({ ...c, text }), ctx);
      // Never leave the visitor without an answer.
      if (!outcome.handoff && outcome.messages.length === 0) return handOff(chat, { reason: 'error', detail: 'the assistant gave no answer' });
      return outcome;
    },

    onHandoffRequested(chat) {
      if (chat.state !== 'bot') return NOTHING;
      return handOff(chat, { reason: 'visitor_request', detail: 'button' });
    },

    describeHandoff(handoff, language) {
      const label = texts(language, `reason.${handoff.reason}`);
      return handoff.detail ? `${label}: ${handoff.detail}` : label;
    },

    botName: (language) => texts(language, 'botName'),
  };
}
