// People: who a token or refresh token belongs to, Webex's person JSON, lookups and the
// invitation of unknown addresses.
import { badRequest, notFound } from '../errors.js';
import { stableRefreshToken } from '../ids.js';
import { makePerson } from '../people.js';
import type { PersonRec } from '../state.js';
import type { Json, WorldCore } from './core.js';

export class People {
  constructor(private readonly core: WorldCore) {}

  authenticate(token: string): PersonRec | null {
    return this.core.personByToken(token) ?? null;
  }

  byRefreshToken(refreshToken: string): PersonRec | null {
    return this.core.state.people.find((p) => stableRefreshToken(p.email) === refreshToken) ?? null;
  }

  byEmail(email: string): PersonRec | undefined {
    return this.core.personByEmail(email);
  }

  /** Webex invites unknown addresses; the sandbox creates the person so the flow carries on. */
  ensure(email: string): PersonRec {
    const existing = this.core.personByEmail(email);
    if (existing) return existing;
    const local = email.split('@')[0] ?? email;
    const name = local
      .split(/[._-]+/)
      .filter(Boolean)
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(' ');
    const person = makePerson(email.toLowerCase(), name || email, 'person', this.core.now());
    this.core.addPerson(person);
    this.core.markChanged();
    return person;
  }

  json(p: PersonRec): Json {
    return {
      id: p.id,
      emails: [p.email],
      phoneNumbers: [],
      displayName: p.displayName,
      nickName: p.firstName,
      firstName: p.firstName,
      lastName: p.lastName,
      orgId: this.core.state.orgId,
      created: p.created,
      status: 'unknown',
      type: p.type,
    };
  }

  get(id: string): PersonRec {
    const p = this.core.personById(id);
    if (!p) throw notFound('a person');
    return p;
  }

  list(q: { email?: string; displayName?: string; id?: string }): PersonRec[] {
    if (!q.email && !q.displayName && !q.id) {
      throw badRequest('Email, displayName, or id list should be specified.');
    }
    const ids = q.id ? q.id.split(',').map((s) => s.trim()) : null;
    return this.core.state.people.filter(
      (p) =>
        (!q.email || p.email === q.email.toLowerCase()) &&
        (!q.displayName || p.displayName.toLowerCase().startsWith(q.displayName.toLowerCase())) &&
        (!ids || ids.includes(p.id)),
    );
  }
}
