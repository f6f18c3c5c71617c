import { describe, expect, it } from 'vitest';
import {
  type RoutingTopic,
  agentsJoinAtStart,
  effectiveMode,
  membersAtStart,
  membersOnClaim,
  membersOnEscalate,
  membersOnTransfer,
  type MembershipDiff,
} from '../../../src/domain/routing.js';

/** The members after a diff, as the channel would leave them. */
function applyDiff(current: string[], change: MembershipDiff): string[] {
  const removed = new Set(change.remove);
  const kept = current.map((e) => e.toLowerCase()).filter((e) => !removed.has(e));
  return [...new Set([...kept, ...change.add])];
}

const sales: RoutingTopic = { id: 'sales', mode: 'group', agents: ['alice@example.com', 'Bob@example.com'], addAgentsAt: 'start' };
const support: RoutingTopic = { id: 'support', mode: 'personal', agents: ['carol@example.com', 'dave@example.com'], addAgentsAt: 'handoff' };

describe('start and handoff', () => {
  it('agents join at start when the topic says so, or when there is no assistant', () => {
    expect(membersAtStart(sales, true)).toEqual(['alice@example.com', 'bob@example.com']);
    expect(membersAtStart(support, true)).toEqual([]);
    expect(membersAtStart(support, false)).toEqual(['carol@example.com', 'dave@example.com']);
    expect(agentsJoinAtStart(support, true)).toBe(false);
  });
});

describe('claim', () => {
  it('group: everyone stays', () => {
    expect(membersOnClaim(sales, 'alice@example.com', ['alice@example.com', 'bob@example.com'])).toEqual({ add: [], remove: [] });
  });

  it('personal: the other offered agents leave, the claimer stays', () => {
    const current = ['carol@example.com', 'dave@example.com'];
    const d = membersOnClaim(support, 'Carol@example.com', current);
    expect(d).toEqual({ add: [], remove: ['dave@example.com'] });
    expect(applyDiff(current, d)).toEqual(['carol@example.com']);
  });

  it('personal: people added by escalation stay; an escalated chat is a group chat', () => {
    const current = ['carol@example.com', 'dave@example.com', 'erin@example.com'];
    expect(membersOnClaim(support, 'carol@example.com', current, { offered: ['carol@example.com', 'dave@example.com'] })).toEqual({ add: [], remove: ['dave@example.com'] });
    expect(membersOnClaim(support, 'carol@example.com', current, { escalated: true })).toEqual({ add: [], remove: [] });
    expect(effectiveMode(support, true)).toBe('group');
    expect(effectiveMode(support, false)).toBe('personal');
  });

  it('a claimer not yet in the space (e.g. added by a supervisor) is added', () => {
    expect(membersOnClaim(support, 'zed@example.com', ['carol@example.com'])).toEqual({ add: ['zed@example.com'], remove: ['carol@example.com'] });
  });
});

describe('escalate', () => {
  it('adds people and topics\' agents, once each, never removes', () => {
    const d = membersOnEscalate(['carol@example.com'], ['Erin@example.com', 'carol@example.com'], [sales]);
    expect(d).toEqual({ add: ['erin@example.com', 'alice@example.com', 'bob@example.com'], remove: [] });
    expect(applyDiff(['carol@example.com'], d)).toHaveLength(4);
  });
});

describe('transfer', () => {
  it('to a person: they join, the old owner leaves, others stay', () => {
    const current = ['alice@example.com', 'bob@example.com'];
    expect(membersOnTransfer(current, { kind: 'person', email: 'erin@example.com' }, 'alice@example.com', sales)).toEqual({ add: ['erin@example.com'], remove: ['alice@example.com'] });
  });

  it('to a topic: its agents join; the old owner and the old topic\'s agents leave', () => {
    const current = ['alice@example.com', 'bob@example.com', 'erin@example.com'];
    const d = membersOnTransfer(current, { kind: 'topic', topic: support }, 'alice@example.com', sales);
    expect(d).toEqual({ add: ['carol@example.com', 'dave@example.com'], remove: ['alice@example.com', 'bob@example.com'] });
    expect(applyDiff(current, d)).toEqual(['erin@example.com', 'carol@example.com', 'dave@example.com']);
  });

  it('someone in both topics stays; back to its own topic the owner stays as one of its agents', () => {
    const both: RoutingTopic = { ...support, agents: ['bob@example.com', 'carol@example.com'] };
    expect(membersOnTransfer(['alice@example.com', 'bob@example.com'], { kind: 'topic', topic: both }, 'alice@example.com', sales)).toEqual({ add: ['carol@example.com'], remove: ['alice@example.com'] });
    expect(membersOnTransfer(['carol@example.com'], { kind: 'topic', topic: support }, 'carol@example.com', support)).toEqual({ add: ['dave@example.com'], remove: [] });
  });

  it('an unclaimed chat has no owner to remove', () => {
    expect(membersOnTransfer(['bob@example.com'], { kind: 'person', email: 'erin@example.com' }, null, null)).toEqual({ add: ['erin@example.com'], remove: [] });
  });
});
