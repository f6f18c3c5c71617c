// The request bodies the sandbox's Webex REST surface accepts, as Webex names their fields.
import { z } from 'zod';

const str = z.string().trim().min(1);
const optStr = z.string().trim().min(1).optional();
const bool = z.boolean();

export const roomCreate = z.object({ title: str.max(1024), isLocked: bool.optional(), teamId: optStr }).passthrough();
export const roomUpdate = z.object({ title: str.max(1024), isLocked: bool.optional() }).passthrough();
export const membershipCreate = z
  .object({ roomId: str, personId: optStr, personEmail: z.string().email().optional(), isModerator: bool.optional() })
  .passthrough();
export const membershipUpdate = z.object({ isModerator: bool, isRoomHidden: bool.optional() }).passthrough();
const attachment = z.object({
  contentType: z.string(),
  content: z.record(z.string(), z.unknown()),
});
export const messageCreate = z
  .object({
    roomId: optStr,
    toPersonId: optStr,
    toPersonEmail: z.string().email().optional(),
    parentId: optStr,
    text: z.string().optional(),
    markdown: z.string().optional(),
    html: z.string().optional(),
    files: z.array(z.string()).optional(),
    attachments: z.array(attachment).optional(),
  })
  .passthrough();
export const messageEdit = z
  .object({ roomId: str, text: z.string().optional(), markdown: z.string().optional() })
  .passthrough();
const targetUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'targetUrl must be an http(s) URL');
export const webhookCreate = z
  .object({
    name: str.max(256),
    targetUrl,
    resource: str,
    event: str,
    filter: z.string().optional(),
    secret: z.string().min(1).max(512).optional(),
    ownedBy: z.literal('creator').optional(),
  })
  .passthrough();
export const webhookUpdate = z
  .object({
    name: str.max(256),
    targetUrl,
    secret: z.string().min(1).max(512).optional(),
    // Webex's spec: `status` has the single value `active` ("Use \"active\" to reactivate a
    // disabled webhook"); a webhook cannot be switched off by PUT.
    status: z.literal('active', { message: 'The only status a webhook can be set to is "active".' }).optional(),
  })
  .passthrough();
export const actionCreate = z
  .object({ type: str, messageId: str, inputs: z.record(z.string(), z.unknown()).default({}) })
  .passthrough();
export const refreshBody = z.object({
  grant_type: z.literal('refresh_token'),
  client_id: str,
  client_secret: str,
  refresh_token: str,
});
