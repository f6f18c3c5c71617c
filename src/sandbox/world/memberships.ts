// Memberships: who is in which room, who moderates, and the events each change raises.
import { badRequest, forbidden, notFound, WebexApiError } from '../errors.js';
import { encodeId } from '../ids.js';
import type { MembershipRec, PersonRec, RoomRec } from '../state.js';
import { cmpAsc, type Json, type WorldCore, type WorldEvent } from './core.js';
import type { People } from './people.js';

export class Memberships {
  constructor(
    private readonly core: WorldCore,
    private readonly people: People,
  ) {}

  json(m: MembershipRec, room?: RoomRec): Json {
    const p = this.core.personById(m.personId);
    const r = room ?? this.core.room(m.roomId);
    return {
      id: m.id,
      roomId: m.roomId,
      personId: m.personId,
      personEmail: p?.email,
      personDisplayName: p?.displayName,
      personOrgId: this.core.state.orgId,
      isModerator: m.isModerator,
      isMonitor: false,
      isRoomHidden: false,
      roomType: r?.type ?? 'group',
      created: m.created,
    };
  }

  private filterable(m: MembershipRec): WorldEvent['filterable'] {
    return {
      roomId: m.roomId,
      personId: m.personId,
      personEmail: this.core.personById(m.personId)?.email ?? '',
      isModerator: m.isModerator,
    };
  }

  /** Adds a person to a room without the checks a caller goes through; raises the event. */
  add(actor: PersonRec, room: RoomRec, person: PersonRec, isModerator: boolean): MembershipRec {
    const m: MembershipRec = {
      // Webex membership ids join the person and the room.
      id: encodeId('MEMBERSHIP', `${decodeUuid(person.id)}:${decodeUuid(room.id)}`),
      roomId: room.id,
      personId: person.id,
      isModerator,
      created: this.core.now(),
    };
    this.core.addMembership(m);
    this.raise('created', actor, m, room, this.audience(room));
    return m;
  }

  create(
    caller: PersonRec,
    input: { roomId: string; personId?: string; personEmail?: string; isModerator?: boolean },
  ): MembershipRec {
    const room = this.core.roomFor(caller, input.roomId);
    if (room.type === 'direct') throw badRequest('Members cannot be added to a 1:1 room.');
    const me = this.core.membership(room.id, caller.id)!;
    if (room.isLocked && !me.isModerator) {
      throw forbidden('Only moderators can add people to a locked room.');
    }
    let person: PersonRec;
    if (input.personId) person = this.people.get(input.personId);
    else if (input.personEmail) person = this.people.ensure(input.personEmail);
    else throw badRequest('personId or personEmail is required.');
    if (this.core.membership(room.id, person.id)) {
      throw new WebexApiError(409, 'Person is already in the room.');
    }
    return this.add(caller, room, person, input.isModerator ?? false);
  }

  list(caller: PersonRec, q: { roomId?: string; personId?: string; personEmail?: string }): MembershipRec[] {
    // Webex: "The `roomId` parameter is required when using" personId/personEmail (compliance
    // officers excepted, which the sandbox has none of).
    if ((q.personId || q.personEmail) && !q.roomId) {
      throw badRequest('The roomId parameter is required when filtering by personId or personEmail.');
    }
    let personId = q.personId;
    if (q.personEmail) {
      const p = this.core.personByEmail(q.personEmail);
      if (!p) return [];
      if (personId && personId !== p.id) return [];
      personId = p.id;
    }
    if (q.roomId) {
      this.core.roomFor(caller, q.roomId);
      return this.core.membersOf(q.roomId).filter((m) => !personId || m.personId === personId);
    }
    // Without a room: the caller's own memberships.
    return [...this.core.roomIdsOf(caller.id)]
      .map((roomId) => this.core.membership(roomId, caller.id)!)
      .sort((a, b) => cmpAsc(a.created, b.created));
  }

  get(caller: PersonRec, id: string): MembershipRec {
    const m = this.core.state.memberships.find((x) => x.id === id);
    if (!m || !this.core.membership(m.roomId, caller.id)) throw notFound('a membership');
    return m;
  }

  update(caller: PersonRec, id: string, input: { isModerator: boolean }): MembershipRec {
    const m = this.get(caller, id);
    const room = this.core.roomFor(caller, m.roomId);
    const me = this.core.membership(room.id, caller.id)!;
    if (room.isLocked && !me.isModerator) throw forbidden('Only moderators can change moderators.');
    m.isModerator = input.isModerator;
    this.raise('updated', caller, m, room, this.audience(room));
    return m;
  }

  remove(caller: PersonRec, id: string): void {
    const m = this.get(caller, id);
    const room = this.core.roomFor(caller, m.roomId);
    if (room.type === 'direct') throw badRequest('Members cannot be removed from a 1:1 room.');
    const me = this.core.membership(room.id, caller.id)!;
    if (m.personId !== caller.id && room.isLocked && !me.isModerator) {
      throw forbidden('Only moderators can remove people from a locked room.');
    }
    const audience = this.audience(room);
    this.core.removeMembership(m);
    this.raise('deleted', caller, m, room, audience);
  }

  /** Raises a `memberships` event; deleting a room raises one `deleted` per member. */
  raise(event: WorldEvent['event'], actor: PersonRec, m: MembershipRec, room: RoomRec, audience: string[]): void {
    this.core.raise({
      resource: 'memberships',
      event,
      actorId: actor.id,
      data: this.json(m, room),
      audience,
      filterable: this.filterable(m),
    });
  }

  private audience(room: RoomRec): string[] {
    return this.core.membersOf(room.id).map((x) => x.personId);
  }
}

function decodeUuid(id: string): string {
  const decoded = Buffer.from(id, 'base64').toString('utf8');
  return decoded.slice(decoded.lastIndexOf('/') + 1);
}
