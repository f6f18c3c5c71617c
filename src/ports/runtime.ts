// The scheduler, the event bus, the assistant and the small edge services.
import type { GeoLocation, Sender } from '../domain/types.js';
import type { Json } from './store-records.js';

// ---------------------------------------------------------------------------------------------
// Scheduler (durable timers on the database)

export interface Scheduler {
  define<T extends Json>(name: string, handler: (data: T) => Promise<void>): void;
  /** Starts processing; call after every `define`. */
  start(): Promise<void>;
  /** A recurring job, one per name across all instances. */
  every(interval: string | number, name: string, data?: Json): Promise<void>;
  /** A one-off job at `at`; with `key`, replaces the pending job with the same name and key. */
  schedule(at: Date, name: string, data: Json, key?: string): Promise<void>;
  /** Cancels pending jobs of that name (with that key, if given). */
  cancel(name: string, key?: string): Promise<number>;
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// EventBus: small notices between instances (who holds a visitor's stream may be another
// instance). Payloads stay small (PostgreSQL NOTIFY caps them at 8000 bytes): send ids and
// sequence numbers, let the receiver read the rest from the Store.

export type Unsubscribe = () => void;

export interface EventBus {
  publish(channel: string, payload: Json): Promise<void>;
  subscribe(channel: string, handler: (payload: Json) => void): Unsubscribe;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Small edge services

export interface GeoLocator {
  /** null for private, loopback and unknown addresses. */
  locate(ip: string): Promise<GeoLocation | null>;
}

export interface Translator {
  translate(text: string, to: string, from?: string): Promise<{ text: string; from: string }>;
}

export interface Clock {
  now(): Date;
}

// ---------------------------------------------------------------------------------------------
// Assistant: the AI that answers first (Dialogflow ES, an OpenAI-compatible model, or none).

/** Why the assistant hands the chat to people. */
export type HandoffReason =
  | 'intent' // a configured intent or action matched (Dialogflow)
  | 'tool' // the model called `handoff_to_agent`
  | 'fallbacks' // too many "did not understand" answers in a row
  | 'visitor_request' // the visitor asked for a person (words or the widget button)
  | 'error' // the provider failed
  | 'timeout' // the provider did not answer in time
  | 'turn_limit'; // too many bot turns

export interface Handoff {
  reason: HandoffReason;
  /** Free text for agents (intent name, the model's stated reason, error kind). */
  detail?: string;
}

export interface AssistantMessage {
  text: string;
  /** Buttons the widget shows; a click sends the label as the visitor's next message. */
  quickReplies?: string[];
}

export interface AssistantReply {
  messages: AssistantMessage[];
  /** Non-null: stop answering and queue the chat for agents. */
  handoff: Handoff | null;
  /** The provider did not understand (Dialogflow's fallback intent): counted for handoff. */
  fallback?: boolean;
}

export interface AssistantTurn {
  from: Sender;
  text: string;
  /** A bot turn that was a fallback ("I did not understand"). */
  fallback?: boolean;
}

export interface AssistantContext {
  chatId: string;
  /** The visitor's language (`en`, `pl`…). */
  language: string;
  topicId: string;
  /** The chat so far, oldest first, without the new message. */
  history: AssistantTurn[];
  /** Aborted when the caller stops waiting (timeout). */
  signal?: AbortSignal;
}

export interface Assistant {
  /** Provider name for logs and health (`none`, `dialogflow`, `openai`). */
  readonly name: string;
  /** The opening turn when a chat starts. */
  greet(ctx: AssistantContext): Promise<AssistantReply>;
  /** The answer to the visitor's new message `text`. */
  reply(ctx: AssistantContext & { text: string }): Promise<AssistantReply>;
}
