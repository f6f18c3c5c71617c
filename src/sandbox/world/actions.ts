// Attachment actions: card submissions, heard by the card's author only.
import { badRequest, notFound } from '../errors.js';
import { newId } from '../ids.js';
import type { ActionRec, PersonRec } from '../state.js';
import type { Json, WorldCore } from './core.js';
import { CARD_CONTENT_TYPE } from './messages.js';

export class Actions {
  constructor(private readonly core: WorldCore) {}

  json(a: ActionRec): Json {
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

  create(caller: PersonRec, input: { type: string; messageId: string; inputs: Record<string, unknown> }): ActionRec {
    if (input.type !== 'submit') throw badRequest('type must be "submit".');
    const msg = this.core.message(input.messageId);
    if (!msg) throw notFound('a message');
    const room = this.core.room(msg.roomId);
    if (!room || !this.core.membership(room.id, caller.id)) throw notFound('a message');
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
      created: this.core.now(),
    };
    this.core.state.actions.push(a);
    this.core.raise({
      resource: 'attachmentActions',
      event: 'created',
      actorId: caller.id,
      data: { id: a.id, type: a.type, messageId: a.messageId, personId: a.personId, roomId: a.roomId, created: a.created },
      audience: [msg.personId],
      filterable: { roomId: room.id, messageId: msg.id, personId: caller.id, personEmail: caller.email },
    });
    return a;
  }

  /** Visible to whoever submitted it and to the card's author. */
  get(caller: PersonRec, id: string): ActionRec {
    const a = this.core.state.actions.find((x) => x.id === id);
    if (!a) throw notFound('an attachment action');
    const msg = this.core.message(a.messageId);
    if (a.personId !== caller.id && msg?.personId !== caller.id) throw notFound('an attachment action');
    return a;
  }
}
