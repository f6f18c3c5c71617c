// The sandbox's Webex semantics over plain records: who may see and do what, and which events
// each change raises, one part per resource over a shared core. No HTTP here; `../rest/` maps
// requests onto these operations.
import { encodeId, stableUuid } from '../ids.js';
import { makePerson, type SandboxPersonSeed } from '../people.js';
import type { SandboxState } from '../state.js';
import { Actions } from './actions.js';
import { WorldCore, type WorldEvent } from './core.js';
import { Memberships } from './memberships.js';
import { Messages } from './messages.js';
import { People } from './people.js';
import { Rooms } from './rooms.js';
import { Webhooks } from './webhooks.js';

export type { Json, WorldEvent } from './core.js';

export class SandboxWorld {
  readonly people: People;
  readonly rooms: Rooms;
  readonly memberships: Memberships;
  readonly messages: Messages;
  readonly webhooks: Webhooks;
  readonly actions: Actions;

  constructor(state: SandboxState, changed: () => void, emit: (event: WorldEvent) => void) {
    const core = new WorldCore(state, changed, emit);
    this.people = new People(core);
    this.memberships = new Memberships(core, this.people);
    this.rooms = new Rooms(core, this.memberships);
    this.messages = new Messages(core, this.people, this.rooms);
    this.webhooks = new Webhooks(core);
    this.actions = new Actions(core);
  }

  static initialState(seeds: SandboxPersonSeed[]): SandboxState {
    const state: SandboxState = {
      version: 1,
      orgId: encodeId('ORGANIZATION', stableUuid('livechat-sandbox-org')),
      appId: encodeId('APPLICATION', stableUuid('livechat-sandbox-app')),
      seq: 0,
      people: [],
      rooms: [],
      memberships: [],
      messages: [],
      webhooks: [],
      actions: [],
    };
    SandboxWorld.addSeeds(state, seeds, new Date().toISOString());
    return state;
  }

  /** Adds seeded people missing from a (possibly restored) state. */
  static addSeeds(state: SandboxState, seeds: SandboxPersonSeed[], created: string): void {
    for (const seed of seeds) {
      const email = seed.email.toLowerCase();
      if (state.people.some((p) => p.email === email)) continue;
      state.people.push(makePerson(email, seed.displayName, seed.type ?? 'person', created));
    }
  }
}
