// Rooms: group rooms people create, the 1:1 room two people share, who may change or delete
// them, and the events each change raises.
import { badRequest, forbidden } from '../errors.js';
import { newId } from '../ids.js';
import type { PersonRec, RoomRec } from '../state.js';
import { cmpDesc, type Json, type WorldCore } from './core.js';
import type { Memberships } from './memberships.js';

export class Rooms {
  constructor(
    private readonly core: WorldCore,
    private readonly memberships: Memberships,
  ) {}

  /** The room if the caller belongs to it (404 otherwise). */
  get(caller: PersonRec, roomId: string): RoomRec {
    return this.core.roomFor(caller, roomId);
  }

  json(room: RoomRec, viewer: PersonRec): Json {
    let title = room.title;
    if (room.type === 'direct') {
      const other = this.core.membersOf(room.id).find((m) => m.personId !== viewer.id);
      title = (other && this.core.personById(other.personId)?.displayName) ?? room.title;
    }
    return {
      id: room.id,
      title,
      type: room.type,
      isLocked: room.isLocked,
      lastActivity: room.lastActivity,
      creatorId: room.creatorId,
      created: room.created,
      ownerId: this.core.state.orgId,
      isPublic: false,
      isReadOnly: false,
    };
  }

  create(caller: PersonRec, input: { title: string; isLocked?: boolean }): RoomRec {
    const room = this.newRoom(caller, input.title, 'group', input.isLocked ?? false, [caller.id]);
    this.memberships.add(caller, room, caller, room.isLocked);
    return room;
  }

  /** The 1:1 room of two people, made (with both as members) on their first message. */
  direct(a: PersonRec, b: PersonRec): RoomRec {
    const existing = [...this.core.roomIdsOf(a.id)]
      .map((id) => this.core.room(id))
      .find((r) => r?.type === 'direct' && !!this.core.membership(r.id, b.id));
    if (existing) return existing;
    const room = this.newRoom(a, b.displayName, 'direct', false, [a.id, b.id]);
    this.memberships.add(a, room, a, false);
    this.memberships.add(a, room, b, false);
    return room;
  }

  list(caller: PersonRec, q: { type?: string; sortBy?: string }): RoomRec[] {
    const rooms = [...this.core.roomIdsOf(caller.id)]
      .map((id) => this.core.room(id))
      .filter((r): r is RoomRec => !!r && (!q.type || r.type === q.type));
    const sortBy = q.sortBy ?? 'created';
    if (sortBy === 'id') rooms.sort((a, b) => (a.id < b.id ? -1 : 1));
    else if (sortBy === 'lastactivity') rooms.sort((a, b) => cmpDesc(a.lastActivity, b.lastActivity));
    else rooms.sort((a, b) => cmpDesc(a.created, b.created));
    return rooms;
  }

  update(caller: PersonRec, roomId: string, input: { title: string; isLocked?: boolean }): RoomRec {
    const room = this.core.roomFor(caller, roomId);
    const me = this.core.membership(room.id, caller.id)!;
    if (room.isLocked && !me.isModerator) throw forbidden('Only moderators can update a locked room.');
    if (input.isLocked !== undefined && room.type === 'direct') {
      throw badRequest('A 1:1 room cannot be locked.');
    }
    room.title = input.title;
    if (input.isLocked !== undefined && input.isLocked !== room.isLocked) {
      room.isLocked = input.isLocked;
      // Locking a space makes whoever locked it a moderator, as in the Webex app.
      if (room.isLocked && !me.isModerator) me.isModerator = true;
    }
    this.core.raise({
      resource: 'rooms',
      event: 'updated',
      actorId: caller.id,
      data: roomData(room),
      audience: this.core.membersOf(room.id).map((m) => m.personId),
      filterable: { type: room.type, isLocked: room.isLocked },
    });
    return room;
  }

  remove(caller: PersonRec, roomId: string): void {
    const room = this.core.roomFor(caller, roomId);
    const me = this.core.membership(room.id, caller.id)!;
    if (room.type === 'group' && room.creatorId !== caller.id && !me.isModerator) {
      throw forbidden('Only the creator or a moderator can delete this room.');
    }
    const members = this.core.membersOf(room.id);
    const audience = members.map((m) => m.personId);
    for (const m of members) this.memberships.raise('deleted', caller, m, room, audience);
    this.core.removeRoom(room);
    this.core.markChanged();
  }

  /** Stores a room and raises its `rooms/created` event for the audience. */
  private newRoom(creator: PersonRec, title: string, type: RoomRec['type'], isLocked: boolean, audience: string[]): RoomRec {
    const created = this.core.now();
    const room: RoomRec = { id: newId('ROOM'), title, type, isLocked, creatorId: creator.id, created, lastActivity: created };
    this.core.addRoom(room);
    this.core.raise({
      resource: 'rooms',
      event: 'created',
      actorId: creator.id,
      data: roomData(room),
      audience,
      filterable: { type, isLocked },
    });
    return room;
  }
}

/** Webhook data of a room. */
function roomData(room: RoomRec): Json {
  return {
    id: room.id,
    title: room.title,
    type: room.type,
    isLocked: room.isLocked,
    lastActivity: room.lastActivity,
    creatorId: room.creatorId,
    created: room.created,
  };
}
