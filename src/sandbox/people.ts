// The people a sandbox starts with, and how a person record is made from a seed.
import { encodeId, stableToken, stableUuid } from './ids.js';
import type { PersonRec } from './state.js';

export interface SandboxPersonSeed {
  email: string;
  displayName: string;
  type?: 'person' | 'bot';
}

export const DEFAULT_PEOPLE: SandboxPersonSeed[] = [
  { email: 'livechat-bot@webex.bot', displayName: 'Live Chat Bot', type: 'bot' },
  { email: 'relay@example.com', displayName: 'Live Chat' },
  { email: 'alice@example.com', displayName: 'Alice Anders' },
  { email: 'bob@example.com', displayName: 'Bob Brown' },
  { email: 'carol@example.com', displayName: 'Carol Clark' },
  { email: 'dave@example.com', displayName: 'Dave Davis' },
  { email: 'sam@example.com', displayName: 'Sam Supervisor' },
];

export function makePerson(email: string, displayName: string, type: 'person' | 'bot', created: string): PersonRec {
  const [firstName = displayName, ...rest] = displayName.split(' ');
  return {
    id: encodeId('PEOPLE', stableUuid(`person:${email}`)),
    email,
    displayName,
    firstName,
    lastName: rest.join(' '),
    type,
    token: stableToken(email),
    created,
  };
}
