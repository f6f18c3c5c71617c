// Messages: who may see which (Webex's rule for bots), posting to a room or to a person,
// threads, cards, edits, deletions, listing, and the events each change raises. Webhook data
// carries ids and metadata, never the text.
import { badRequest, forbidden, notFound } from '../errors.js';
import { newId } from '../ids.js';
import { renderMarkdown } from '../mentions.js';
import type { AttachmentRec, MessageRec, PersonRec, RoomRec } from '../state.js';
import { dropUndefined, type Json, type WorldCore, type WorldEvent } from './core.js';
import type { People } from './people.js';
import type { Rooms } from './rooms.js';

// Webex's spec says 7439 bytes for `text` and `markdown`; its guides say 7439 characters before
// encryption. Both are enforced (the byte limit is the stricter for anything but ASCII).
const MAX_MESSAGE_LENGTH = 7439;
export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

interface MessageInput {
  roomId?: string;
  toPersonId?: string;
  toPersonEmail?: string;
  parentId?: string;
  text?: string;
  markdown?: string;
  attachments?: AttachmentRec[];
}

interface MessageQuery {
  roomId: string;
  parentId?: string;
  mentionedPeople?: string;
  before?: string;
  beforeMessage?: string;
}

export class Messages {
  constructor(
    private readonly core: WorldCore,
    private readonly people: People,
    private readonly rooms: Rooms,
  ) {}

  /** Webex's rule: bots see group messages only when mentioned (and their own). */
  canSee(viewer: PersonRec, msg: MessageRec, room: RoomRec): boolean {
    if (!this.core.membership(room.id, viewer.id)) return false;
    if (viewer.type !== 'bot' || room.type === 'direct') return true;
    return msg.personId === viewer.id || (msg.mentionedPeople?.includes(viewer.id) ?? false);
  }

  get(caller: PersonRec, id: string): MessageRec {
    const msg = this.core.message(id);
    if (!msg) throw notFound('a message');
    const room = this.core.room(msg.roomId);
    if (!room || !this.canSee(caller, msg, room)) throw notFound('a message');
    return msg;
  }

  json(msg: MessageRec): Json {
    const room = this.core.room(msg.roomId);
    const author = this.core.personById(msg.personId);
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

  create(caller: PersonRec, input: MessageInput): MessageRec {
    const targets = [input.roomId, input.toPersonId, input.toPersonEmail].filter(Boolean).length;
    if (targets !== 1) throw badRequest('Exactly one of roomId, toPersonId or toPersonEmail is required.');
    if (input.text === undefined && input.markdown === undefined && !input.attachments?.length) {
      throw badRequest('A message needs text, markdown or an attachment.');
    }
    const room = this.targetRoom(caller, input);
    if (input.parentId) this.checkParent(input.parentId, room);
    if (input.attachments) checkAttachments(input.attachments);
    const msg: MessageRec = {
      id: newId('MESSAGE'),
      seq: ++this.core.state.seq,
      roomId: room.id,
      personId: caller.id,
      created: this.core.now(),
    };
    if (input.parentId) msg.parentId = input.parentId;
    this.applyContent(msg, input);
    if (input.attachments?.length) msg.attachments = input.attachments;
    if (msg.text === undefined) delete msg.text;
    this.core.addMessage(msg);
    room.lastActivity = msg.created;
    this.raise('created', caller, msg, room, this.data(msg, room), this.audience(msg, room));
    return msg;
  }

  edit(caller: PersonRec, id: string, input: { roomId: string; text?: string; markdown?: string }): MessageRec {
    const msg = this.get(caller, id);
    if (msg.roomId !== input.roomId) throw badRequest('roomId does not match the message.');
    if (msg.personId !== caller.id) throw forbidden('Only the author can edit a message.');
    if (msg.attachments?.length) throw badRequest('Messages with cards cannot be edited.');
    if (input.text === undefined && input.markdown === undefined) throw badRequest('text or markdown is required.');
    const room = this.core.roomFor(caller, msg.roomId);
    this.applyContent(msg, input);
    if (msg.text === undefined) delete msg.text;
    msg.updated = this.core.now();
    this.raise('updated', caller, msg, room, this.data(msg, room), this.audience(msg, room));
    return msg;
  }

  remove(caller: PersonRec, id: string): void {
    const msg = this.get(caller, id);
    const room = this.core.roomFor(caller, msg.roomId);
    const me = this.core.membership(room.id, caller.id)!;
    if (msg.personId !== caller.id && !(room.isLocked && me.isModerator)) {
      throw forbidden('Only the author or a moderator of a locked room can delete this message.');
    }
    const audience = this.audience(msg, room);
    this.core.removeMessage(msg);
    const data = {
      id: msg.id,
      roomId: msg.roomId,
      roomType: room.type,
      personId: msg.personId,
      personEmail: this.core.personById(msg.personId)?.email,
      created: msg.created,
    };
    this.raise('deleted', caller, msg, room, data, audience);
  }

  /** Newest first, like Webex. */
  list(caller: PersonRec, q: MessageQuery): MessageRec[] {
    const room = this.core.roomFor(caller, q.roomId);
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
      const anchor = this.core.message(q.beforeMessage);
      if (!anchor || anchor.roomId !== room.id) throw badRequest('beforeMessage is not a message of this room.');
      beforeSeq = anchor.seq;
    }
    const beforeTime = q.before ? Date.parse(q.before) : Infinity;
    if (Number.isNaN(beforeTime)) throw badRequest('before must be an ISO 8601 date and time.');
    return this.core
      .messagesIn(room.id)
      .filter(
        (m) =>
          m.seq < beforeSeq &&
          Date.parse(m.created) < beforeTime &&
          (!q.parentId || m.parentId === q.parentId) &&
          (!mentioned || (m.mentionedPeople?.includes(mentioned) ?? false)) &&
          this.canSee(caller, m, room),
      )
      .sort((a, b) => b.seq - a.seq);
  }

  /** The room a new message goes to: the one named, or the 1:1 room with the person named. */
  private targetRoom(caller: PersonRec, input: MessageInput): RoomRec {
    if (input.roomId) return this.core.roomFor(caller, input.roomId);
    const to = input.toPersonId ? this.people.get(input.toPersonId) : this.people.ensure(input.toPersonEmail!);
    if (to.id === caller.id) throw badRequest('You cannot send a 1:1 message to yourself.');
    return this.rooms.direct(caller, to);
  }

  private checkParent(parentId: string, room: RoomRec): void {
    const parent = this.core.message(parentId);
    if (!parent || parent.roomId !== room.id) throw badRequest('The parent message is not in this room.');
    if (parent.parentId) throw badRequest('Replies cannot be threaded: reply to the thread\'s first message.');
  }

  private applyContent(msg: MessageRec, input: { text?: string; markdown?: string }): void {
    for (const [field, value] of [['text', input.text], ['markdown', input.markdown]] as const) {
      if (value === undefined) continue;
      const chars = [...value].length;
      const bytes = Buffer.byteLength(value, 'utf8');
      if (chars > MAX_MESSAGE_LENGTH || bytes > MAX_MESSAGE_LENGTH) {
        throw badRequest(
          `The ${field} is too long (${chars} characters, ${bytes} bytes): the maximum message length is ${MAX_MESSAGE_LENGTH} characters and ${MAX_MESSAGE_LENGTH} bytes.`,
        );
      }
    }
    delete msg.markdown;
    delete msg.html;
    delete msg.mentionedPeople;
    delete msg.mentionedGroups;
    msg.text = input.text;
    if (input.markdown !== undefined) {
      const r = renderMarkdown(input.markdown, (kind, value) => {
        const p = kind === 'personId' ? this.core.personById(value) : this.core.personByEmail(value);
        return p ? { id: p.id, displayName: p.displayName } : null;
      });
      msg.markdown = input.markdown;
      msg.html = r.html;
      msg.text = input.text ?? r.text;
      if (r.mentionedPeople.length) msg.mentionedPeople = r.mentionedPeople;
      if (r.mentionedGroups.length) msg.mentionedGroups = r.mentionedGroups;
    }
  }

  /** Webhook data: ids and metadata, never the text. */
  private data(msg: MessageRec, room: RoomRec): Json {
    return dropUndefined({
      id: msg.id,
      roomId: msg.roomId,
      roomType: room.type,
      parentId: msg.parentId,
      personId: msg.personId,
      personEmail: this.core.personById(msg.personId)?.email,
      mentionedPeople: msg.mentionedPeople,
      mentionedGroups: msg.mentionedGroups,
      created: msg.created,
      updated: msg.updated,
    });
  }

  private audience(msg: MessageRec, room: RoomRec): string[] {
    return this.core
      .membersOf(room.id)
      .map((m) => this.core.personById(m.personId))
      .filter((p): p is PersonRec => !!p && this.canSee(p, msg, room))
      .map((p) => p.id);
  }

  private raise(event: WorldEvent['event'], actor: PersonRec, msg: MessageRec, room: RoomRec, data: Json, audience: string[]): void {
    this.core.raise({
      resource: 'messages',
      event,
      actorId: actor.id,
      data,
      audience,
      filterable: {
        roomId: room.id,
        roomType: room.type,
        personId: msg.personId,
        personEmail: this.core.personById(msg.personId)?.email ?? '',
        mentionedPeople: msg.mentionedPeople ?? [],
        hasFiles: false,
      },
    });
  }
}

function checkAttachments(attachments: AttachmentRec[]): void {
  if (attachments.length > 1) throw badRequest('Only one card per message is supported.');
  for (const a of attachments) {
    if (a.contentType !== CARD_CONTENT_TYPE) {
      throw badRequest(`Unsupported attachment contentType: use ${CARD_CONTENT_TYPE}.`);
    }
    if (a.content.type !== 'AdaptiveCard') throw badRequest('The card content must have type AdaptiveCard.');
  }
}
