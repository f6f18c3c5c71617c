// When the assistant stops and people take over: the pure rules. No I/O.
import type { Sender, Topic } from './types.js';

// ---------------------------------------------------------------------------------------------
// "I want a person": words per language

interface HumanWords {
  /** Words that name a person to talk to. `x*` matches any word starting with `x`; two words
   *  match in a row. */
  nouns: string[];
  /** Words that make a longer message a request ("talk", "połącz", "sprechen"…); prefixes. */
  verbs: string[];
}

// Written without diacritics: text is folded the same way before matching.
const WORDS: Record<string, HumanWords> = {
  en: {
    nouns: ['agent', 'agents', 'human', 'humans', 'person', 'operator', 'representative', 'rep', 'consultant', 'advisor', 'adviser', 'staff', 'employee', 'someone real', 'somebody real', 'real people'],
    verbs: ['talk', 'speak', 'chat', 'connect', 'transfer', 'want', 'need', 'get', 'put', 'contact', 'reach', 'give'],
  },
  pl: {
    nouns: ['konsultant*', 'czlowiek*', 'agent*', 'operator*', 'osoba', 'osobe', 'osoby', 'osobom', 'pracownik*', 'doradc*'],
    verbs: ['rozmaw', 'porozmaw', 'polacz', 'przelacz', 'chce', 'chcial', 'potrzeb', 'prosze', 'popros', 'daj', 'mowic', 'pogadac'],
  },
  de: {
    nouns: ['mitarbeiter*', 'mensch', 'menschen', 'person', 'personen', 'berater*', 'agent*', 'kundenberater*', 'kundendienst', 'ansprechpartner*', 'operator'],
    verbs: ['sprechen', 'reden', 'verbind', 'mochte', 'will', 'brauch', 'weiterleit', 'bitte', 'hatte', 'gern'],
  },
  fr: {
    nouns: ['conseiller*', 'humain*', 'agent', 'agents', 'personne', 'operateur*', 'interlocuteur*', 'quelqu'],
    verbs: ['parler', 'veux', 'voudrais', 'besoin', 'passer', 'relation', 'contacter', 'joindre', 'transferer'],
  },
  es: {
    nouns: ['humano*', 'persona', 'personas', 'agente*', 'asesor*', 'operador*', 'representante*', 'alguien'],
    verbs: ['hablar', 'quiero', 'quisiera', 'necesito', 'pasar', 'comunicar', 'conectar', 'contactar', 'transferir'],
  },
};

/** A short message ("agent", "human please", "Mitarbeiter bitte") needs no verb. */
const SHORT_MESSAGE_TOKENS = 4;

/** Lower case, no diacritics (ł and ß too), letters and digits only. */
export function foldText(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/ł/g, 'l')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

function primaryLanguage(language: string): string {
  return language.toLowerCase().split(/[-_]/)[0] ?? '';
}

function tokenMatches(token: string | undefined, word: string): boolean {
  if (token === undefined) return false;
  return word.endsWith('*') ? token.startsWith(word.slice(0, -1)) : token === word;
}

function hasNoun(tokens: string[], nouns: string[]): boolean {
  return nouns.some((noun) => {
    const parts = noun.split(' ');
    return tokens.some((_, i) => parts.every((part, j) => tokenMatches(tokens[i + j], part)));
  });
}

function hasVerb(tokens: string[], verbs: string[]): boolean {
  return verbs.some((verb) => tokens.some((t) => t.startsWith(verb)));
}

/**
 * Whether the visitor asks for a person instead of the assistant, in their language or in
 * English (many visitors switch). A naming word alone is enough in a short message; a longer one
 * also needs a request verb, so "does it work for human resources teams?" stays with the bot.
 */
export function wantsHuman(text: string, language: string): boolean {
  const tokens = foldText(text);
  if (tokens.length === 0) return false;
  const sets = [WORDS[primaryLanguage(language)], WORDS.en].filter((s): s is HumanWords => s !== undefined);
  if (!sets.some((s) => hasNoun(tokens, s.nouns))) return false;
  return tokens.length <= SHORT_MESSAGE_TOKENS || sets.some((s) => hasVerb(tokens, s.verbs));
}

// ---------------------------------------------------------------------------------------------
// Counting over the chat so far

export interface TurnLike {
  from: Sender;
  fallback?: boolean;
}

/** How many visitor messages the assistant has already answered. */
export function visitorTurns(history: readonly TurnLike[]): number {
  return history.filter((t) => t.from === 'visitor').length;
}

/**
 * True when answering one more visitor message would exceed the limit: the message that would
 * be answer number `limit + 1` goes to people instead.
 */
export function turnLimitReached(history: readonly TurnLike[], limit: number): boolean {
  return visitorTurns(history) + 1 > limit;
}

/**
 * Bot turns at the end of the chat that were fallbacks, in a row. A turn is the bot's messages
 * between two visitor messages; one understood turn ends the run.
 */
export function consecutiveFallbacks(history: readonly TurnLike[]): number {
  let count = 0;
  let inBotTurn = false;
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i]!;
    if (turn.from === 'visitor') {
      inBotTurn = false;
      continue;
    }
    if (turn.from !== 'bot') continue;
    if (!turn.fallback) return count;
    if (!inBotTurn) count++;
    inBotTurn = true;
  }
  return count;
}

/** Whether a matched intent (by display name or action) is one that hands over. */
export function isHandoffIntent(
  matched: { displayName?: string | null; action?: string | null },
  handoffIntents: readonly string[],
): boolean {
  const wanted = new Set(handoffIntents.map((n) => n.trim().toLowerCase()).filter(Boolean));
  return [matched.displayName, matched.action].some((name) => !!name && wanted.has(name.trim().toLowerCase()));
}

// ---------------------------------------------------------------------------------------------
// Per topic

/** A topic's own setting wins; without one, the assistant answers whenever a provider is set. */
export function assistantEnabled(topic: Pick<Topic, 'assistant'>, providerConfigured: boolean): boolean {
  if (!providerConfigured) return false;
  return topic.assistant ?? true;
}

// ---------------------------------------------------------------------------------------------
// Failures

/** An assistant adapter's provider did not answer within its deadline. */
export class AssistantTimeoutError extends Error {
  constructor(message = 'the assistant did not answer in time') {
    super(message);
    this.name = 'AssistantTimeoutError';
  }
}
