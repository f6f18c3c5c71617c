// Who is in a chat's space, as membership changes. The service applies the diff through the
// AgentChannel; the bot and the relay identity are the service's own and never appear here.
//
// - Start: the topic's agents join at once when the topic says `start`, or when there is no
//   assistant (the chat is queued from the first moment); otherwise at handoff.
// - Handoff: the topic's agents who are not there yet join.
// - Claim: `group` topics: everyone stays, the claimer owns the chat. `personal` topics (1:1):
//   the other offered agents leave, unless the chat was escalated (it is a group chat then).
// - Escalate: the named people and/or the named topics' agents join; a 1:1 chat becomes a group.
// - Transfer to a person: that person joins, the old owner leaves.
//   Transfer to a topic: its agents join; the old owner and the old topic's agents leave (the
//   chat is no longer theirs), except anyone who is also an agent of the new topic.
// E-mail addresses are compared and returned in lower case.
import type { RoutingMode, Topic } from './types.js';

export interface MembershipDiff {
  add: string[];
  remove: string[];
}

export type RoutingTopic = Pick<Topic, 'id' | 'mode' | 'agents' | 'addAgentsAt'>;

const norm = (email: string) => email.trim().toLowerCase();

function unique(emails: Iterable<string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const e of emails) {
    const n = norm(e);
    if (n && !seen.has(n)) {
      seen.add(n);
      out.push(n);
    }
  }
  return out;
}

/** Adds what is missing, removes what is present; never both for one address. */
function diff(current: Iterable<string>, add: Iterable<string>, remove: Iterable<string>): MembershipDiff {
  const now = new Set(unique(current));
  const toAdd = unique(add).filter((e) => !now.has(e));
  const adding = new Set(unique(add));
  const toRemove = unique(remove).filter((e) => now.has(e) && !adding.has(e));
  return { add: toAdd, remove: toRemove };
}

/** Whether the topic's agents join when the chat starts. */
export function agentsJoinAtStart(topic: RoutingTopic, assistantOn: boolean): boolean {
  return topic.addAgentsAt === 'start' || !assistantOn;
}

/** The agents to add to a new chat's space. */
export function membersAtStart(topic: RoutingTopic, assistantOn: boolean): string[] {
  return agentsJoinAtStart(topic, assistantOn) ? unique(topic.agents) : [];
}

/** The mode the chat runs in: a personal chat that was escalated is a group chat. */
export function effectiveMode(topic: RoutingTopic, escalated: boolean): RoutingMode {
  return escalated ? 'group' : topic.mode;
}

/**
 * On claim. `offered`: the agents the chat was offered to (the topic's agents in the space);
 * in a personal chat they leave, the claimer stays. People added by escalation are not touched.
 */
export function membersOnClaim(
  topic: RoutingTopic,
  claimer: string,
  current: string[],
  options: { escalated?: boolean; offered?: string[] } = {},
): MembershipDiff {
  if (effectiveMode(topic, options.escalated ?? false) === 'group') return diff(current, [claimer], []);
  const offered = options.offered ?? topic.agents;
  return diff(current, [claimer], unique(offered).filter((e) => e !== norm(claimer)));
}

/** On escalate: the people and the topics' agents join (`topics` resolved by the service). */
export function membersOnEscalate(
  current: string[],
  people: string[],
  topics: Array<Pick<Topic, 'agents'>> = [],
): MembershipDiff {
  return diff(current, [...people, ...topics.flatMap((t) => t.agents)], []);
}

export type TransferTarget = { kind: 'person'; email: string } | { kind: 'topic'; topic: RoutingTopic };

/** On transfer: who joins and who leaves (see the rules at the top). */
export function membersOnTransfer(
  current: string[],
  target: TransferTarget,
  oldOwner: string | null,
  oldTopic: RoutingTopic | null,
): MembershipDiff {
  if (target.kind === 'person') return diff(current, [target.email], oldOwner ? [oldOwner] : []);
  const leaving = [...(oldOwner ? [oldOwner] : []), ...(oldTopic && oldTopic.id !== target.topic.id ? oldTopic.agents : [])];
  return diff(current, target.topic.agents, leaving);
}
