// Picks the assistant named by `AI_PROVIDER` and fills in its defaults. The input matches
// `Config['ai']` from src/config.ts; the optional fields tune what the config does not name.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Assistant, AssistantReply } from '../../ports.js';
import {
  DEFAULT_FALLBACK_LIMIT,
  DEFAULT_HANDOFF_INTENTS,
  DEFAULT_WELCOME_EVENT,
  DialogflowAssistant,
  type ServiceAccount,
} from './dialogflow.js';
import { loadKnowledge } from './knowledge.js';

export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_KNOWLEDGE_DIR = 'knowledge';
export const DEFAULT_KNOWLEDGE_MAX_CHARS = 24_000;

interface Common {
  /** Visitor messages the assistant answers before handing over (the service enforces it). */
  maxTurns?: number;
  /** Deadline of one provider call. */
  timeoutMs?: number;
}

export type AssistantSettings =
  | ({ provider: 'none' } & Common)
  | ({
      provider: 'dialogflow';
      projectId: string;
      credentials: string | ServiceAccount | null;
      handoffIntents?: string[];
      fallbackLimit?: number;
      welcomeEvent?: string;
      location?: string | null;
      languages?: string[] | null;
    } & Common)
  | ({
      provider: 'openai';
      apiKey: string | null;
      baseUrl: string | null;
      model: string;
      /** null: `./knowledge` when it exists. */
      knowledgeDir: string | null;
      knowledgeMaxChars?: number;
      systemPrompt?: string | null;
      maxTokens?: number;
      maxTokensParam?: 'max_tokens' | 'max_completion_tokens';
      temperature?: number | null;
      maxRetries?: number;
      historyTurns?: number;
    } & Common);

/** No assistant: every chat goes straight to the agents. */
export class NoAssistant implements Assistant {
  readonly name = 'none';
  private readonly straightToAgents: AssistantReply = { messages: [], handoff: { reason: 'error', detail: 'no assistant configured' } };

  async greet(): Promise<AssistantReply> {
    return this.straightToAgents;
  }

  async reply(): Promise<AssistantReply> {
    return this.straightToAgents;
  }
}

export async function createAssistant(settings: AssistantSettings, log: Logger, cwd = process.cwd()): Promise<Assistant> {
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const aiLog = log.child({ module: 'assistant', provider: settings.provider });
  switch (settings.provider) {
    case 'none':
      return new NoAssistant();
    case 'dialogflow': {
      const assistant = await DialogflowAssistant.create(
        {
          projectId: settings.projectId,
          credentials: settings.credentials,
          handoffIntents: settings.handoffIntents?.length ? settings.handoffIntents : DEFAULT_HANDOFF_INTENTS,
          fallbackLimit: settings.fallbackLimit ?? DEFAULT_FALLBACK_LIMIT,
          welcomeEvent: settings.welcomeEvent ?? DEFAULT_WELCOME_EVENT,
          location: settings.location ?? null,
          languages: settings.languages ?? null,
          timeoutMs,
        },
        aiLog,
      );
      aiLog.info({ projectId: settings.projectId }, 'assistant: Dialogflow ES');
      return assistant;
    }
    case 'openai': {
      const explicit = settings.knowledgeDir !== null;
      const dir = path.resolve(cwd, settings.knowledgeDir ?? DEFAULT_KNOWLEDGE_DIR);
      let knowledge = '';
      // A folder that was asked for must exist; the default one is optional.
      if (explicit || existsSync(dir)) {
        const loaded = await loadKnowledge(dir, settings.knowledgeMaxChars ?? DEFAULT_KNOWLEDGE_MAX_CHARS);
        knowledge = loaded.text;
        if (loaded.truncatedChars > 0) {
          aiLog.warn({ dir, truncatedChars: loaded.truncatedChars }, 'knowledge files exceed the cap: the rest is left out');
        }
        aiLog.info({ dir, files: loaded.files.length, chars: knowledge.length }, 'knowledge loaded');
      }
      aiLog.info({ model: settings.model, local: settings.baseUrl !== null }, 'assistant: OpenAI-compatible');
      // Loaded only when chosen, like Dialogflow's client: a start without it stays quick.
      const { DEFAULT_SYSTEM_PROMPT, OpenAiAssistant } = await import('./openai.js');
      return new OpenAiAssistant(
        {
          apiKey: settings.apiKey,
          baseUrl: settings.baseUrl,
          model: settings.model,
          systemPrompt: settings.systemPrompt?.trim() || DEFAULT_SYSTEM_PROMPT,
          knowledge,
          maxTokens: settings.maxTokens ?? 400,
          maxTokensParam: settings.maxTokensParam ?? 'max_tokens',
          temperature: settings.temperature ?? null,
          timeoutMs,
          maxRetries: settings.maxRetries ?? 1,
          historyTurns: settings.historyTurns ?? 20,
        },
        aiLog,
      );
    }
  }
}
