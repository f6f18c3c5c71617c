// Who wrote a message or clicked a card: looked up once, then remembered for ten minutes (names
// change rarely; an agent's every message would otherwise cost a call).
import { LRUCache } from 'lru-cache';
import type { Person } from '../../../ports.js';

const TEN_MINUTES = 10 * 60 * 1000;

export class PeopleCache {
  private readonly byId = new LRUCache<string, Person>({ max: 2_000, ttl: TEN_MINUTES });
  private readonly idByEmail = new LRUCache<string, string>({ max: 2_000, ttl: TEN_MINUTES });

  /** The person, from memory or from `fetch` (then remembered). */
  async get(id: string, fetch: (id: string) => Promise<Person>): Promise<Person> {
    const cached = this.byId.get(id);
    if (cached) return cached;
    const person = await fetch(id);
    this.remember(person);
    return person;
  }

  /** Remembers the person, also under `lookedUpBy` (the address a lookup by e-mail asked for). */
  remember(person: Person, lookedUpBy?: string): void {
    this.byId.set(person.id, person);
    for (const email of [person.email, lookedUpBy]) {
      if (email) this.idByEmail.set(email.toLowerCase(), person.id);
    }
  }

  /** The id of the person with this e-mail, when looked up lately. */
  idOf(email: string): string | undefined {
    return this.idByEmail.get(email.toLowerCase());
  }
}
