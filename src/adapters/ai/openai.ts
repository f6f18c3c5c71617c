// Assistant over any OpenAI-compatible Chat Completions endpoint (OpenAI, Azure OpenAI, Ollama,
// vLLM, LM Studio…). The model sees a system prompt, the company's knowledge files, and the chat
// so far; it hands over by calling the `handoff_to_agent` tool.
import OpenAI, { APIConnectionTimeoutError } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { Logger } from 'pino';
import { AssistantTimeoutError } from '../../domain/handoff.js';
import type { Assistant, AssistantContext, AssistantReply } from '../../ports.js';
import { languageName } from '../../domain/text.js';

export const HANDOFF_TOOL = 'handoff_to_agent';

export const DEFAULT_SYSTEM_PROMPT = [
  "You are the virtual assistant in the website chat of the company described in the knowledge below.",
  'Answer briefly (a few sentences), politely, and only with facts from that knowledge.',
  'Never invent prices, dates, promises or personal data.',
  `When the knowledge does not answer the question, when the visitor is upset, or when they ask for a person, call ${HANDOFF_TOOL} with a short reason instead of guessing.`,
].join(' ');

export interface OpenAiSettings {
  /** null for local servers that need none. */
  apiKey: string | null;
  /** null: OpenAI itself. */
  baseUrl: string | null;
  model: string;
  systemPrompt: string;
  /** The knowledge files' text (see knowledge.ts); '' for none. */
  knowledge: string;
  /** Upper bound of one answer's length. */
  maxTokens: number;
  /** `max_tokens` is what local servers and older deployments know; newer OpenAI reasoning
   *  models accept only `max_completion_tokens`. */
  maxTokensParam: 'max_tokens' | 'max_completion_tokens';
  temperature: number | null;
  timeoutMs: number;
  /** Retries of the client on 429/5xx/connection errors, within the timeout. */
  maxRetries: number;
  /** How many earlier turns of the chat go to the model. */
  historyTurns: number;
}

const handoffTool: ChatCompletionTool = {
  type: 'function',
  function: {
    name: HANDOFF_TOOL,
    description: 'Hand the chat over to a human agent of the company. Use it when you cannot answer from the knowledge, or the visitor wants a person.',
    parameters: {
      type: 'object',
      properties: {
        reason: { type: 'string', description: 'Why a person should take over, in a few words, for the agent.' },
      },
      required: ['reason'],
      additionalProperties: false,
    },
  },
};

function handoffReason(rawArguments: string): string | undefined {
  try {
    const args = JSON.parse(rawArguments) as { reason?: unknown };
    return typeof args.reason === 'string' && args.reason.trim() ? args.reason.trim().slice(0, 300) : undefined;
  } catch {
    // Small local models sometimes send broken JSON: the handover still counts.
    return undefined;
  }
}

export class OpenAiAssistant implements Assistant {
  readonly name = 'openai';
  private readonly client: OpenAI;

  constructor(
    private readonly settings: OpenAiSettings,
    private readonly log: Logger,
  ) {
    this.client = new OpenAI({
      // Local servers ignore the key, but the client insists on having one.
      apiKey: settings.apiKey ?? 'not-needed',
      baseURL: settings.baseUrl ?? undefined,
      timeout: settings.timeoutMs,
      maxRetries: settings.maxRetries,
    });
  }

  systemMessage(ctx: AssistantContext): string {
    const parts = [
      this.settings.systemPrompt,
      `The visitor writes in ${languageName(ctx.language)} (${ctx.language}); answer in that language unless they switch.`,
      `They chose the chat topic "${ctx.topicId}".`,
    ];
    if (this.settings.knowledge) parts.push(`## Company knowledge\n\n${this.settings.knowledge}`);
    return parts.join('\n\n');
  }

  /** Static: the service sends the localized greeting, so no tokens are spent on "hello". */
  async greet(): Promise<AssistantReply> {
    return { messages: [], handoff: null };
  }

  async reply(ctx: AssistantContext & { text: string }): Promise<AssistantReply> {
    const history: ChatCompletionMessageParam[] = ctx.history
      .filter((t) => t.from === 'visitor' || t.from === 'bot')
      .slice(-this.settings.historyTurns)
      .map((t) => (t.from === 'visitor' ? { role: 'user', content: t.text } : { role: 'assistant', content: t.text }));
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: this.systemMessage(ctx) },
      ...history,
      { role: 'user', content: ctx.text },
    ];
    const completion = await this.client.chat.completions
      .create(
        {
          model: this.settings.model,
          messages,
          tools: [handoffTool],
          [this.settings.maxTokensParam]: this.settings.maxTokens,
          ...(this.settings.temperature === null ? {} : { temperature: this.settings.temperature }),
        },
        { signal: ctx.signal },
      )
      .catch((error: unknown) => {
        throw error instanceof APIConnectionTimeoutError ? new AssistantTimeoutError(`${this.settings.model} did not answer in time`) : error;
      });
    const choice = completion.choices[0];
    if (!choice) throw new Error('the model returned no choice');
    const text = choice.message.content?.trim() ?? '';
    const call = choice.message.tool_calls?.find((c) => c.type === 'function' && c.function.name === HANDOFF_TOOL);
    this.log.debug({ chatId: ctx.chatId, finish: choice.finish_reason, usage: completion.usage, handoff: !!call }, 'openai reply');
    if (call && call.type === 'function') {
      return { messages: text ? [{ text }] : [], handoff: { reason: 'tool', detail: handoffReason(call.function.arguments) } };
    }
    if (!text) throw new Error(`the model returned no text (finish reason ${choice.finish_reason})`);
    return { messages: [{ text }], handoff: null };
  }
}
