// What every part of the sandbox's world shares: the plain records with indexes kept in step
// over them (the state arrays stay the persisted form), a strictly increasing clock, the
// access rule for rooms, and the outlet for events someone may hear about through a webhook.
import { notFound } from '../errors.js';
import type { MembershipRec, MessageRec, PersonRec, RoomRec, SandboxState } from '../state.js';

/** A change someone may hear about through a webhook. */
export interface WorldEvent {
  resource: 'messages' | 'memberships' | 'rooms' | 'attachmentActions';
  event: 'created' | 'updated' | 'deleted';
  actorId: string;
  data: Record<string, unknown>;
  /** People allowed to be notified (Webex's visibility rules applied). */
  audience: string[];
  /** Values webhook filters are matched against. */
  filterable: Record<string, string | string[] | boolean>;
}

export type Json = Record<string, unknown>;

export class WorldCore {
  private lastTs = 0;
  private readonly peopleById = new Map<string, PersonRec>();
  private readonly peopleByToken = new Map<string, PersonRec>();
  private readonly peopleByEmail = new Map<string, PersonRec>();
  private readonly roomsById = new Map<string, RoomRec>();
  private readonly messagesById = new Map<string, MessageRec>();
  /** Per room, in insertion (seq) order. */
  private readonly messagesByRoom = new Map<string, MessageRec[]>();
  /** roomId → personId → membership. */
  private readonly membersByRoom = new Map<string, Map<string, MembershipRec>>();
  /** personId → roomIds. */
  private readonly roomsByPerson = new Map<string, Set<string>>();

  constructor(
    readonly state: SandboxState,
    private readonly changed: () => void,
    private readonly emit: (event: WorldEvent) => void,
  ) {
    // Restored state: keep new timestamps after the newest stored one.
    for (const m of state.messages) this.lastTs = Math.max(this.lastTs, Date.parse(m.updated ?? m.created));
    for (const p of state.people) this.indexPerson(p);
    for (const r of state.rooms) this.roomsById.set(r.id, r);
    for (const m of [...state.messages].sort((a, b) => a.seq - b.seq)) this.indexMessage(m);
    for (const m of state.memberships) this.indexMembership(m);
  }

  /** Strictly increasing ISO timestamps, so `before` and ordering never tie. */
  now(): string {
    const t = Math.max(Date.now(), this.lastTs + 1);
    this.lastTs = t;
    return new Date(t).toISOString();
  }

  /** A change nobody hears about, only persisted. */
  markChanged(): void {
    this.changed();
  }

  raise(event: WorldEvent): void {
    this.changed();
    this.emit(event);
  }

  // ---------------------------------------------------------------- people

  personById(id: string): PersonRec | undefined {
    return this.peopleById.get(id);
  }

  personByToken(token: string): PersonRec | undefined {
    return this.peopleByToken.get(token);
  }

  personByEmail(email: string): PersonRec | undefined {
    return this.peopleByEmail.get(email.toLowerCase());
  }

  addPerson(p: PersonRec): void {
    this.state.people.push(p);
    this.indexPerson(p);
  }

  private indexPerson(p: PersonRec): void {
    this.peopleById.set(p.id, p);
    this.peopleByToken.set(p.token, p);
    this.peopleByEmail.set(p.email, p);
  }

  // ---------------------------------------------------------------- rooms and memberships

  room(id: string): RoomRec | undefined {
    return this.roomsById.get(id);
  }

  /** The room if the caller belongs to it; Webex answers 404 for rooms you are not in. */
  roomFor(caller: PersonRec, roomId: string): RoomRec {
    const room = this.roomsById.get(roomId);
    if (!room || !this.membership(roomId, caller.id)) throw notFound('a room');
    return room;
  }

  /** The ids of the rooms a person belongs to. */
  roomIdsOf(personId: string): ReadonlySet<string> {
    return this.roomsByPerson.get(personId) ?? new Set<string>();
  }

  addRoom(room: RoomRec): void {
    this.state.rooms.push(room);
    this.roomsById.set(room.id, room);
  }

  /** Drops a room with its memberships, messages and card actions. */
  removeRoom(room: RoomRec): void {
    const s = this.state;
    const members = this.membersOf(room.id);
    s.rooms = s.rooms.filter((r) => r.id !== room.id);
    s.memberships = s.memberships.filter((m) => m.roomId !== room.id);
    s.messages = s.messages.filter((m) => m.roomId !== room.id);
    this.roomsById.delete(room.id);
    for (const m of members) this.unindexMembership(m);
    this.membersByRoom.delete(room.id);
    for (const m of this.messagesByRoom.get(room.id) ?? []) this.messagesById.delete(m.id);
    this.messagesByRoom.delete(room.id);
    s.actions = s.actions.filter((a) => a.roomId !== room.id);
  }

  membership(roomId: string, personId: string): MembershipRec | undefined {
    return this.membersByRoom.get(roomId)?.get(personId);
  }

  /** A room's memberships, oldest first. */
  membersOf(roomId: string): MembershipRec[] {
    return [...(this.membersByRoom.get(roomId)?.values() ?? [])].sort((a, b) => cmpAsc(a.created, b.created));
  }

  addMembership(m: MembershipRec): void {
    this.state.memberships.push(m);
    this.indexMembership(m);
  }

  removeMembership(m: MembershipRec): void {
    this.state.memberships = this.state.memberships.filter((x) => x.id !== m.id);
    this.unindexMembership(m);
  }

  private indexMembership(m: MembershipRec): void {
    let members = this.membersByRoom.get(m.roomId);
    if (!members) this.membersByRoom.set(m.roomId, (members = new Map()));
    members.set(m.personId, m);
    let rooms = this.roomsByPerson.get(m.personId);
    if (!rooms) this.roomsByPerson.set(m.personId, (rooms = new Set()));
    rooms.add(m.roomId);
  }

  private unindexMembership(m: MembershipRec): void {
    this.membersByRoom.get(m.roomId)?.delete(m.personId);
    this.roomsByPerson.get(m.personId)?.delete(m.roomId);
  }

  // ---------------------------------------------------------------- messages

  message(id: string): MessageRec | undefined {
    return this.messagesById.get(id);
  }

  /** A room's messages in insertion (seq) order. */
  messagesIn(roomId: string): readonly MessageRec[] {
    return this.messagesByRoom.get(roomId) ?? [];
  }

  addMessage(m: MessageRec): void {
    this.state.messages.push(m);
    this.indexMessage(m);
  }

  removeMessage(m: MessageRec): void {
    this.state.messages = this.state.messages.filter((x) => x.id !== m.id);
    this.messagesById.delete(m.id);
    const inRoom = this.messagesByRoom.get(m.roomId);
    if (inRoom) inRoom.splice(inRoom.indexOf(m), 1);
  }

  private indexMessage(m: MessageRec): void {
    this.messagesById.set(m.id, m);
    const list = this.messagesByRoom.get(m.roomId);
    if (list) list.push(m);
    else this.messagesByRoom.set(m.roomId, [m]);
  }
}

export function cmpAsc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function cmpDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

export function dropUndefined(o: Json): Json {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
