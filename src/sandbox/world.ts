// The sandbox's Webex semantics over plain records: who may see and do what, and which events
// each change raises. No HTTP here; `rest.ts` maps requests onto these operations.
import { badRequest, forbidden, notFound, WebexApiError } from './errors.js';
import { encodeId, newId, stableRefreshToken, stableUuid } from './ids.js';
import { renderMarkdown } from './mentions.js';
import { makePerson, type SandboxPersonSeed } from './people.js';
import { parseFilter, validateWebhookShape } from './webhook-rules.js';
import type {
  ActionRec,
  AttachmentRec,
  MembershipRec,
  MessageRec,
  PersonRec,
  RoomRec,
  SandboxState,
  WebhookRec,
} from './state.js';

export const MAX_MESSAGE_BYTES = 7439;
export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

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

const nowMs = (): number => Date.now();

export class SandboxWorld {
  private lastTs = 0;
  // Indexes over the state arrays (which stay the persisted form); kept in step on every change.
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

  private indexPerson(p: PersonRec): void {
    this.peopleById.set(p.id, p);
    this.peopleByToken.set(p.token, p);
    this.peopleByEmail.set(p.email, p);
  }

  private indexMessage(m: MessageRec): void {
    this.messagesById.set(m.id, m);
    const list = this.messagesByRoom.get(m.roomId);
    if (list) list.push(m);
    else this.messagesByRoom.set(m.roomId, [m]);
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

  /** Strictly increasing ISO timestamps, so `before` and ordering never tie. */
  now(): string {
    const t = Math.max(nowMs(), this.lastTs + 1);
    this.lastTs = t;
    return new Date(t).toISOString();
  }

  // ---------------------------------------------------------------- people

  authenticate(token: string): PersonRec | null {
    return this.peopleByToken.get(token) ?? null;
  }

  personByRefreshToken(refreshToken: string): PersonRec | null {
    return this.state.people.find((p) => stableRefreshToken(p.email) === refreshToken) ?? null;
  }

  personById(id: string): PersonRec | undefined {
    return this.peopleById.get(id);
  }

  personByEmail(email: string): PersonRec | undefined {
    return this.peopleByEmail.get(email.toLowerCase());
  }

  /** Webex invites unknown addresses; the sandbox creates the person so the flow carries on. */
  ensurePerson(email: string): PersonRec {
    const existing = this.personByEmail(email);
    if (existing) return existing;
    const local = email.split('@')[0] ?? email;
    const name = local
      .split(/[._-]+/)
      .filter(Boolean)
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join(' ');
    const person = makePerson(email.toLowerCase(), name || email, 'person', this.now());
    this.state.people.push(person);
    this.indexPerson(person);
    this.changed();
    return person;
  }

  personJson(p: PersonRec): Json {
    return {
      id: p.id,
      emails: [p.email],
      phoneNumbers: [],
      displayName: p.displayName,
      nickName: p.firstName,
      firstName: p.firstName,
      lastName: p.lastName,
      orgId: this.state.orgId,
      created: p.created,
      status: 'unknown',
      type: p.type,
    };
  }

  getPerson(id: string): PersonRec {
    const p = this.personById(id);
    if (!p) throw notFound('a person');
    return p;
  }

  listPeople(q: { email?: string; displayName?: string; id?: string }): PersonRec[] {
    if (!q.email && !q.displayName && !q.id) {
      throw badRequest('Email, displayName, or id list should be specified.');
    }
    const ids = q.id ? q.id.split(',').map((s) => s.trim()) : null;
    return this.state.people.filter(
      (p) =>
        (!q.email || p.email === q.email.toLowerCase()) &&
        (!q.displayName || p.displayName.toLowerCase().startsWith(q.displayName.toLowerCase())) &&
        (!ids || ids.includes(p.id)),
    );
  }

  // ---------------------------------------------------------------- rooms

  private membership(roomId: string, personId: string): MembershipRec | undefined {
    return this.membersByRoom.get(roomId)?.get(personId);
  }

  private membersOf(roomId: string): MembershipRec[] {
    return [...(this.membersByRoom.get(roomId)?.values() ?? [])].sort((a, b) => cmpAsc(a.created, b.created));
  }

  /** The room if the caller belongs to it; Webex answers 404 for rooms you are not in. */
  roomFor(caller: PersonRec, roomId: string): RoomRec {
    const room = this.roomsById.get(roomId);
    if (!room || !this.membership(roomId, caller.id)) throw notFound('a room');
    return room;
  }

  roomJson(room: RoomRec, viewer: PersonRec): Json {
    let title = room.title;
    if (room.type === 'direct') {
      const other = this.membersOf(room.id).find((m) => m.personId !== viewer.id);
      title = (other && this.personById(other.personId)?.displayName) ?? room.title;
    }
    return {
      id: room.id,
      title,
      type: room.type,
      isLocked: room.isLocked,
      lastActivity: room.lastActivity,
      creatorId: room.creatorId,
      created: room.created,
      ownerId: this.state.orgId,
      isPublic: false,
      isReadOnly: false,
    };
  }

  private roomData(room: RoomRec): Json {
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

  createRoom(caller: PersonRec, input: { title: string; isLocked?: boolean }): RoomRec {
    const room = this.newRoom(caller, input.title, 'group', input.isLocked ?? false, [caller.id]);
    this.addMember(caller, room, caller, room.isLocked);
    return room;
  }

  /** Stores a room and raises its `rooms/created` event for the audience. */
  private newRoom(creator: PersonRec, title: string, type: RoomRec['type'], isLocked: boolean, audience: string[]): RoomRec {
    const created = this.now();
    const room: RoomRec = { id: newId('ROOM'), title, type, isLocked, creatorId: creator.id, created, lastActivity: created };
    this.state.rooms.push(room);
    this.roomsById.set(room.id, room);
    this.raise({
      resource: 'rooms',
      event: 'created',
      actorId: creator.id,
      data: this.roomData(room),
      audience,
      filterable: { type, isLocked },
    });
    return room;
  }

  listRooms(caller: PersonRec, q: { type?: string; sortBy?: string }): RoomRec[] {
    const rooms = [...(this.roomsByPerson.get(caller.id) ?? [])]
      .map((id) => this.roomsById.get(id))
      .filter((r): r is RoomRec => !!r && (!q.type || r.type === q.type));
    const sortBy = q.sortBy ?? 'created';
    if (sortBy === 'id') rooms.sort((a, b) => (a.id < b.id ? -1 : 1));
    else if (sortBy === 'lastactivity') rooms.sort((a, b) => cmpDesc(a.lastActivity, b.lastActivity));
    else rooms.sort((a, b) => cmpDesc(a.created, b.created));
    return rooms;
  }

  updateRoom(caller: PersonRec, roomId: string, input: { title: string; isLocked?: boolean }): RoomRec {
    const room = this.roomFor(caller, roomId);
    const me = this.membership(room.id, caller.id)!;
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
    this.raise({
      resource: 'rooms',
      event: 'updated',
      actorId: caller.id,
      data: this.roomData(room),
      audience: this.membersOf(room.id).map((m) => m.personId),
      filterable: { type: room.type, isLocked: room.isLocked },
    });
    return room;
  }

  deleteRoom(caller: PersonRec, roomId: string): void {
    const room = this.roomFor(caller, roomId);
    const me = this.membership(room.id, caller.id)!;
    if (room.type === 'group' && room.creatorId !== caller.id && !me.isModerator) {
      throw forbidden('Only the creator or a moderator can delete this room.');
    }
    const members = this.membersOf(room.id);
    const audience = members.map((m) => m.personId);
    for (const m of members) {
      this.raise({
        resource: 'memberships',
        event: 'deleted',
        actorId: caller.id,
        data: this.membershipJson(m, room),
        audience,
        filterable: this.membershipFilterable(m),
      });
    }
    const s = this.state;
    s.rooms = s.rooms.filter((r) => r.id !== room.id);
    s.memberships = s.memberships.filter((m) => m.roomId !== room.id);
    s.messages = s.messages.filter((m) => m.roomId !== room.id);
    this.roomsById.delete(room.id);
    for (const m of members) this.unindexMembership(m);
    this.membersByRoom.delete(room.id);
    for (const m of this.messagesByRoom.get(room.id) ?? []) this.messagesById.delete(m.id);
    this.messagesByRoom.delete(room.id);
    s.actions = s.actions.filter((a) => a.roomId !== room.id);
    this.changed();
  }

  // ---------------------------------------------------------------- memberships

  membershipJson(m: MembershipRec, room?: RoomRec): Json {
    const p = this.personById(m.personId);
    const r = room ?? this.roomsById.get(m.roomId);
    return {
      id: m.id,
      roomId: m.roomId,
      personId: m.personId,
      personEmail: p?.email,
      personDisplayName: p?.displayName,
      personOrgId: this.state.orgId,
      isModerator: m.isModerator,
      isMonitor: false,
      isRoomHidden: false,
      roomType: r?.type ?? 'group',
      created: m.created,
    };
  }

  private membershipFilterable(m: MembershipRec): WorldEvent['filterable'] {
    return {
      roomId: m.roomId,
      personId: m.personId,
      personEmail: this.personById(m.personId)?.email ?? '',
      isModerator: m.isModerator,
    };
  }

  private addMember(actor: PersonRec, room: RoomRec, person: PersonRec, isModerator: boolean): MembershipRec {
    const m: MembershipRec = {
      // Webex membership ids join the person and the room.
      id: encodeId('MEMBERSHIP', `${decodeUuid(person.id)}:${decodeUuid(room.id)}`),
      roomId: room.id,
      personId: person.id,
      isModerator,
      created: this.now(),
    };
    this.state.memberships.push(m);
    this.indexMembership(m);
    this.raise({
      resource: 'memberships',
      event: 'created',
      actorId: actor.id,
      data: this.membershipJson(m, room),
      audience: this.membersOf(room.id).map((x) => x.personId),
      filterable: this.membershipFilterable(m),
    });
    return m;
  }

  createMembership(
    caller: PersonRec,
    input: { roomId: string; personId?: string; personEmail?: string; isModerator?: boolean },
  ): MembershipRec {
    const room = this.roomFor(caller, input.roomId);
    if (room.type === 'direct') throw badRequest('Members cannot be added to a 1:1 room.');
    const me = this.membership(room.id, caller.id)!;
    if (room.isLocked && !me.isModerator) {
      throw forbidden('Only moderators can add people to a locked room.');
    }
    let person: PersonRec;
    if (input.personId) person = this.getPerson(input.personId);
    else if (input.personEmail) person = this.ensurePerson(input.personEmail);
    else throw badRequest('personId or personEmail is required.');
    if (this.membership(room.id, person.id)) {
      throw new WebexApiError(409, 'Person is already in the room.');
    }
    return this.addMember(caller, room, person, input.isModerator ?? false);
  }

  listMemberships(
    caller: PersonRec,
    q: { roomId?: string; personId?: string; personEmail?: string },
  ): MembershipRec[] {
    let personId = q.personId;
    if (q.personEmail) {
      const p = this.personByEmail(q.personEmail);
      if (!p) return [];
      if (personId && personId !== p.id) return [];
      personId = p.id;
    }
    if (q.roomId) {
      this.roomFor(caller, q.roomId);
      return this.membersOf(q.roomId).filter((m) => !personId || m.personId === personId);
    }
    // Without a room: the caller's own memberships, or another person's in rooms the caller shares.
    const mine = this.roomsByPerson.get(caller.id) ?? new Set<string>();
    const who = personId ?? caller.id;
    return [...(this.roomsByPerson.get(who) ?? [])]
      .filter((roomId) => mine.has(roomId))
      .map((roomId) => this.membership(roomId, who)!)
      .sort((a, b) => cmpAsc(a.created, b.created));
  }

  membershipFor(caller: PersonRec, id: string): MembershipRec {
    const m = this.state.memberships.find((x) => x.id === id);
    if (!m || !this.membership(m.roomId, caller.id)) throw notFound('a membership');
    return m;
  }

  updateMembership(caller: PersonRec, id: string, input: { isModerator: boolean }): MembershipRec {
    const m = this.membershipFor(caller, id);
    const room = this.roomFor(caller, m.roomId);
    const me = this.membership(room.id, caller.id)!;
    if (room.isLocked && !me.isModerator) throw forbidden('Only moderators can change moderators.');
    m.isModerator = input.isModerator;
    this.raise({
      resource: 'memberships',
      event: 'updated',
      actorId: caller.id,
      data: this.membershipJson(m, room),
      audience: this.membersOf(room.id).map((x) => x.personId),
      filterable: this.membershipFilterable(m),
    });
    return m;
  }

  deleteMembership(caller: PersonRec, id: string): void {
    const m = this.membershipFor(caller, id);
    const room = this.roomFor(caller, m.roomId);
    if (room.type === 'direct') throw badRequest('Members cannot be removed from a 1:1 room.');
    const me = this.membership(room.id, caller.id)!;
    if (m.personId !== caller.id && room.isLocked && !me.isModerator) {
      throw forbidden('Only moderators can remove people from a locked room.');
    }
    const audience = this.membersOf(room.id).map((x) => x.personId);
    this.state.memberships = this.state.memberships.filter((x) => x.id !== m.id);
    this.unindexMembership(m);
    this.raise({
      resource: 'memberships',
      event: 'deleted',
      actorId: caller.id,
      data: this.membershipJson(m, room),
      audience,
      filterable: this.membershipFilterable(m),
    });
  }

  // ---------------------------------------------------------------- messages

  /** Webex's rule: bots see group messages only when mentioned (and their own). */
  canSeeMessage(viewer: PersonRec, msg: MessageRec, room: RoomRec): boolean {
    if (!this.membership(room.id, viewer.id)) return false;
    if (viewer.type !== 'bot' || room.type === 'direct') return true;
    return msg.personId === viewer.id || (msg.mentionedPeople?.includes(viewer.id) ?? false);
  }

  messageFor(caller: PersonRec, id: string): MessageRec {
    const msg = this.messagesById.get(id);
    if (!msg) throw notFound('a message');
    const room = this.roomsById.get(msg.roomId);
    if (!room || !this.canSeeMessage(caller, msg, room)) throw notFound('a message');
    return msg;
  }

  messageJson(msg: MessageRec): Json {
    const room = this.roomsById.get(msg.roomId);
    const author = this.personById(msg.personId);
    return dropUndefined({
      id: msg.id,
      parentId: msg.parentId,
      roomId: msg.roomId,
      roomType: room?.type ?? 'group',
      text: msg.text,
      markdown: msg.markdown,
      html: msg.html,
      attachments: msg.attachments,
      personId: msg.personId,
      personEmail: author?.email,
      mentionedPeople: msg.mentionedPeople,
      mentionedGroups: msg.mentionedGroups,
      created: msg.created,
      updated: msg.updated,
      isVoiceClip: false,
    });
  }

  /** Webhook data: ids and metadata, never the text. */
  private messageData(msg: MessageRec, room: RoomRec): Json {
    return dropUndefined({
      id: msg.id,
      roomId: msg.roomId,
      roomType: room.type,
      parentId: msg.parentId,
      personId: msg.personId,
      personEmail: this.personById(msg.personId)?.email,
      mentionedPeople: msg.mentionedPeople,
      mentionedGroups: msg.mentionedGroups,
      created: msg.created,
      updated: msg.updated,
    });
  }

  private messageFilterable(msg: MessageRec, room: RoomRec): WorldEvent['filterable'] {
    return {
      roomId: room.id,
      roomType: room.type,
      personId: msg.personId,
      personEmail: this.personById(msg.personId)?.email ?? '',
      mentionedPeople: msg.mentionedPeople ?? [],
      hasFiles: false,
    };
  }

  private messageAudience(msg: MessageRec, room: RoomRec): string[] {
    return this.membersOf(room.id)
      .map((m) => this.personById(m.personId))
      .filter((p): p is PersonRec => !!p && this.canSeeMessage(p, msg, room))
      .map((p) => p.id);
  }

  private directRoom(a: PersonRec, b: PersonRec): RoomRec {
    const existing = [...(this.roomsByPerson.get(a.id) ?? [])]
      .map((id) => this.roomsById.get(id))
      .find((r) => r?.type === 'direct' && !!this.membership(r.id, b.id));
    if (existing) return existing;
    const room = this.newRoom(a, b.displayName, 'direct', false, [a.id, b.id]);
    this.addMember(a, room, a, false);
    this.addMember(a, room, b, false);
    return room;
  }

  private applyContent(
    msg: MessageRec,
    input: { text?: string; markdown?: string },
  ): void {
    for (const [field, value] of [['text', input.text], ['markdown', input.markdown]] as const) {
      if (value !== undefined && Buffer.byteLength(value, 'utf8') > MAX_MESSAGE_BYTES) {
        throw badRequest(`The ${field} is too long: the maximum message length is ${MAX_MESSAGE_BYTES} bytes.`);
      }
    }
    delete msg.markdown;
    delete msg.html;
    delete msg.mentionedPeople;
    delete msg.mentionedGroups;
    msg.text = input.text;
    if (input.markdown !== undefined) {
      const r = renderMarkdown(input.markdown, (kind, value) => {
        const p = kind === 'personId' ? this.personById(value) : this.personByEmail(value);
        return p ? { id: p.id, displayName: p.displayName } : null;
      });
      msg.markdown = input.markdown;
      msg.html = r.html;
      msg.text = input.text ?? r.text;
      if (r.mentionedPeople.length) msg.mentionedPeople = r.mentionedPeople;
      if (r.mentionedGroups.length) msg.mentionedGroups = r.mentionedGroups;
    }
  }

  createMessage(
    caller: PersonRec,
    input: {
      roomId?: string;
      toPersonId?: string;
      toPersonEmail?: string;
      parentId?: string;
      text?: string;
      markdown?: string;
      attachments?: AttachmentRec[];
    },
  ): MessageRec {
    const targets = [input.roomId, input.toPersonId, input.toPersonEmail].filter(Boolean).length;
    if (targets !== 1) throw badRequest('Exactly one of roomId, toPersonId or toPersonEmail is required.');
    if (input.text === undefined && input.markdown === undefined && !input.attachments?.length) {
      throw badRequest('A message needs text, markdown or an attachment.');
    }
    let room: RoomRec;
    if (input.roomId) {
      room = this.roomFor(caller, input.roomId);
    } else {
      const to = input.toPersonId
        ? this.getPerson(input.toPersonId)
        : this.ensurePerson(input.toPersonEmail!);
      if (to.id === caller.id) throw badRequest('You cannot send a 1:1 message to yourself.');
      room = this.directRoom(caller, to);
    }
    if (input.parentId) {
      const parent = this.messagesById.get(input.parentId);
      if (!parent || parent.roomId !== room.id) throw badRequest('The parent message is not in this room.');
      if (parent.parentId) throw badRequest('Replies cannot be threaded: reply to the thread\'s first message.');
    }
    if (input.attachments) {
      if (input.attachments.length > 1) throw badRequest('Only one card per message is supported.');
      for (const a of input.attachments) {
        if (a.contentType !== CARD_CONTENT_TYPE) {
          throw badRequest(`Unsupported attachment contentType: use ${CARD_CONTENT_TYPE}.`);
        }
        if (a.content.type !== 'AdaptiveCard') throw badRequest('The card content must have type AdaptiveCard.');
      }
    }
    const msg: MessageRec = {
      id: newId('MESSAGE'),
      seq: ++this.state.seq,
      roomId: room.id,
      personId: caller.id,
      created: this.now(),
    };
    if (input.parentId) msg.parentId = input.parentId;
    this.applyContent(msg, input);
    if (input.attachments?.length) msg.attachments = input.attachments;
    if (msg.text === undefined) delete msg.text;
    this.state.messages.push(msg);
    this.indexMessage(msg);
    room.lastActivity = msg.created;
    this.raise({
      resource: 'messages',
      event: 'created',
      actorId: caller.id,
      data: this.messageData(msg, room),
      audience: this.messageAudience(msg, room),
      filterable: this.messageFilterable(msg, room),
    });
    return msg;
  }

  editMessage(
    caller: PersonRec,
    id: string,
    input: { roomId: string; text?: string; markdown?: string },
  ): MessageRec {
    const msg = this.messageFor(caller, id);
    if (msg.roomId !== input.roomId) throw badRequest('roomId does not match the message.');
    if (msg.personId !== caller.id) throw forbidden('Only the author can edit a message.');
    if (msg.attachments?.length) throw badRequest('Messages with cards cannot be edited.');
    if (input.text === undefined && input.markdown === undefined) throw badRequest('text or markdown is required.');
    const room = this.roomFor(caller, msg.roomId);
    this.applyContent(msg, input);
    if (msg.text === undefined) delete msg.text;
    msg.updated = this.now();
    this.raise({
      resource: 'messages',
      event: 'updated',
      actorId: caller.id,
      data: this.messageData(msg, room),
      audience: this.messageAudience(msg, room),
      filterable: this.messageFilterable(msg, room),
    });
    return msg;
  }

  deleteMessage(caller: PersonRec, id: string): void {
    const msg = this.messageFor(caller, id);
    const room = this.roomFor(caller, msg.roomId);
    const me = this.membership(room.id, caller.id)!;
    if (msg.personId !== caller.id && !(room.isLocked && me.isModerator)) {
      throw forbidden('Only the author or a moderator of a locked room can delete this message.');
    }
    const audience = this.messageAudience(msg, room);
    this.state.messages = this.state.messages.filter((m) => m.id !== msg.id);
    this.messagesById.delete(msg.id);
    const inRoom = this.messagesByRoom.get(msg.roomId);
    if (inRoom) inRoom.splice(inRoom.indexOf(msg), 1);
    this.raise({
      resource: 'messages',
      event: 'deleted',
      actorId: caller.id,
      data: {
        id: msg.id,
        roomId: msg.roomId,
        roomType: room.type,
        personId: msg.personId,
        personEmail: this.personById(msg.personId)?.email,
        created: msg.created,
      },
      audience,
      filterable: this.messageFilterable(msg, room),
    });
  }

  /** Newest first, like Webex. */
  listMessages(
    caller: PersonRec,
    q: { roomId: string; parentId?: string; mentionedPeople?: string; before?: string; beforeMessage?: string },
  ): MessageRec[] {
    const room = this.roomFor(caller, q.roomId);
    let mentioned: string | null = null;
    if (q.mentionedPeople !== undefined) {
      if (q.mentionedPeople !== 'me' && q.mentionedPeople !== caller.id) {
        throw badRequest('Only "me" or the person ID of the current user may be used in mentionedPeople.');
      }
      mentioned = caller.id;
    } else if (caller.type === 'bot' && room.type === 'group') {
      throw forbidden('Bots must use mentionedPeople=me to list messages in a group room.');
    }
    let beforeSeq = Infinity;
    if (q.beforeMessage) {
      const anchor = this.messagesById.get(q.beforeMessage);
      if (!anchor || anchor.roomId !== room.id) throw badRequest('beforeMessage is not a message of this room.');
      beforeSeq = anchor.seq;
    }
    const beforeTime = q.before ? Date.parse(q.before) : Infinity;
    if (Number.isNaN(beforeTime)) throw badRequest('before must be an ISO 8601 date and time.');
    return (this.messagesByRoom.get(room.id) ?? [])
      .filter(
        (m) =>
          m.seq < beforeSeq &&
          Date.parse(m.created) < beforeTime &&
          (!q.parentId || m.parentId === q.parentId) &&
          (!mentioned || (m.mentionedPeople?.includes(mentioned) ?? false)) &&
          this.canSeeMessage(caller, m, room),
      )
      .sort((a, b) => b.seq - a.seq);
  }

  // ---------------------------------------------------------------- webhooks

  webhookJson(w: WebhookRec): Json {
    return dropUndefined({
      id: w.id,
      name: w.name,
      targetUrl: w.targetUrl,
      resource: w.resource,
      event: w.event,
      filter: w.filter,
      secret: w.secret,
      status: w.status,
      created: w.created,
      orgId: this.state.orgId,
      createdBy: w.ownerId,
      appId: this.state.appId,
      ownedBy: 'creator',
    });
  }

  createWebhook(
    caller: PersonRec,
    input: { name: string; targetUrl: string; resource: string; event: string; filter?: string; secret?: string },
  ): WebhookRec {
    validateWebhookShape(input.resource, input.event, input.filter);
    const w: WebhookRec = {
      id: newId('WEBHOOK'),
      ownerId: caller.id,
      name: input.name,
      targetUrl: input.targetUrl,
      resource: input.resource,
      event: input.event,
      status: 'active',
      created: this.now(),
    };
    if (input.filter) w.filter = input.filter;
    if (input.secret) w.secret = input.secret;
    this.state.webhooks.push(w);
    this.changed();
    return w;
  }

  listWebhooks(caller: PersonRec): WebhookRec[] {
    return this.state.webhooks.filter((w) => w.ownerId === caller.id);
  }

  webhookFor(caller: PersonRec, id: string): WebhookRec {
    const w = this.state.webhooks.find((x) => x.id === id && x.ownerId === caller.id);
    if (!w) throw notFound('a webhook');
    return w;
  }

  updateWebhook(
    caller: PersonRec,
    id: string,
    input: { name: string; targetUrl: string; secret?: string; status?: 'active' | 'inactive' },
  ): WebhookRec {
    const w = this.webhookFor(caller, id);
    w.name = input.name;
    w.targetUrl = input.targetUrl;
    if (input.secret !== undefined) w.secret = input.secret;
    if (input.status) w.status = input.status;
    this.changed();
    return w;
  }

  deleteWebhook(caller: PersonRec, id: string): void {
    const w = this.webhookFor(caller, id);
    this.state.webhooks = this.state.webhooks.filter((x) => x !== w);
    this.changed();
  }

  // ---------------------------------------------------------------- attachment actions

  actionJson(a: ActionRec): Json {
    return {
      id: a.id,
      type: a.type,
      messageId: a.messageId,
      inputs: a.inputs,
      personId: a.personId,
      roomId: a.roomId,
      created: a.created,
    };
  }

  createAction(
    caller: PersonRec,
    input: { type: string; messageId: string; inputs: Record<string, unknown> },
  ): ActionRec {
    if (input.type !== 'submit') throw badRequest('type must be "submit".');
    const msg = this.messagesById.get(input.messageId);
    if (!msg) throw notFound('a message');
    const room = this.roomsById.get(msg.roomId);
    if (!room || !this.membership(room.id, caller.id)) throw notFound('a message');
    if (!msg.attachments?.some((a) => a.contentType === CARD_CONTENT_TYPE)) {
      throw badRequest('The message has no card to submit.');
    }
    const a: ActionRec = {
      id: newId('ATTACHMENT_ACTION'),
      type: input.type,
      messageId: msg.id,
      inputs: input.inputs,
      personId: caller.id,
      roomId: room.id,
      created: this.now(),
    };
    this.state.actions.push(a);
    // Card submissions go to the card's author only.
    this.raise({
      resource: 'attachmentActions',
      event: 'created',
      actorId: caller.id,
      data: { id: a.id, type: a.type, messageId: a.messageId, personId: a.personId, roomId: a.roomId, created: a.created },
      audience: [msg.personId],
      filterable: { roomId: room.id, messageId: msg.id, personId: caller.id, personEmail: caller.email },
    });
    return a;
  }

  actionFor(caller: PersonRec, id: string): ActionRec {
    const a = this.state.actions.find((x) => x.id === id);
    if (!a) throw notFound('an attachment action');
    const msg = this.messagesById.get(a.messageId);
    if (a.personId !== caller.id && msg?.personId !== caller.id) throw notFound('an attachment action');
    return a;
  }

  // ---------------------------------------------------------------- events

  private raise(event: WorldEvent): void {
    this.changed();
    this.emit(event);
  }
}

// ------------------------------------------------------------------ helpers

function decodeUuid(id: string): string {
  const decoded = Buffer.from(id, 'base64').toString('utf8');
  return decoded.slice(decoded.lastIndexOf('/') + 1);
}

function cmpAsc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function cmpDesc(a: string, b: string): number {
  return a < b ? 1 : a > b ? -1 : 0;
}

function dropUndefined(o: Json): Json {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}
