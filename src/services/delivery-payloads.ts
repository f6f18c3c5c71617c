// The outbox payloads as stored (plain JSON), read back with zod: a payload that does not parse
// can never be delivered, so it is a permanent failure rather than a retry.
import { z } from 'zod';
import type { RichText } from '../domain/rich-text.js';
import type { Json } from '../ports.js';
import { PermanentDeliveryError } from './outbox.js';

const span = z.object({
  text: z.string(),
  strong: z.literal(true).optional(),
  emphasis: z.literal(true).optional(),
  code: z.literal(true).optional(),
});

const richText: z.ZodType<RichText> = z.array(
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('paragraph'), spans: z.array(span) }),
    z.object({ kind: z.literal('list'), items: z.array(z.array(span)) }),
  ]),
);

const emails = z.array(z.string());

export const payloads = {
  create_space: z.object({ title: z.string(), members: emails }),
  add_members: z.object({ emails }),
  remove_members: z.object({ emails }),
  rename_space: z.object({ title: z.string() }),
  visitor_message: z.object({
    /** null: an anonymous visitor (older items hold "Visitor"). */
    name: z.string().nullable(),
    verified: z.boolean().optional(),
    text: z.string(),
    translate: z.object({ language: z.string() }).optional(),
  }),
  bot_message: z.object({ text: richText, parentId: z.string().optional() }),
  control_card: z.object({}),
  closed_card: z.object({}),
  clear_space: z.object({}),
  delete_space: z.object({ spaceId: z.string() }),
  unclaimed_alert: z.object({ chatId: z.string(), waitedMs: z.number() }),
  supervisors_message: z.object({ text: richText }),
  supervisors_setup: z.object({}),
};

export type PayloadKind = keyof typeof payloads;

/** The payload of an item of `kind`, or a permanent failure when it is not one. */
export function payloadOf<K extends PayloadKind>(kind: K, payload: Json): z.infer<(typeof payloads)[K]> {
  const parsed = payloads[kind].safeParse(payload ?? {});
  if (!parsed.success) throw new PermanentDeliveryError(`outbox item ${kind}: payload not understood (${parsed.error.message})`);
  return parsed.data as z.infer<(typeof payloads)[K]>;
}

export function isPayloadKind(kind: string): kind is PayloadKind {
  return Object.hasOwn(payloads, kind);
}
