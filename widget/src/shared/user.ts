// The visitor as the site describes them (`LiveChat.setUser`), kept to what the server accepts:
// known keys of the right type, within the contract's limits. The loader merges each call with
// this; the UI prefills its forms from it and sends the signed identity with a new chat.
import type { Identity } from '../../../src/contract/widget-api.js';
import { EMAIL_MAX, NAME_MAX, SIGNATURE_MAX } from '../../../src/contract/limits.js';

export type VisitorUser = Partial<Identity>;

function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const clean = value.trim();
  return clean ? clean.slice(0, max) : undefined;
}

/** `current` updated with what `update` gives (anything else a site passes is left out). */
export function mergeUser(current: VisitorUser, update: unknown): VisitorUser {
  const u = (update && typeof update === 'object' ? update : {}) as Record<string, unknown>;
  const next: VisitorUser = { ...current };
  const name = text(u['name'], NAME_MAX);
  const email = text(u['email'], EMAIL_MAX);
  // A signature cut short would be wrong anyway: a longer one is not kept.
  const signature = typeof u['signature'] === 'string' && u['signature'].length <= SIGNATURE_MAX ? text(u['signature'], SIGNATURE_MAX) : undefined;
  const ts = u['ts'];
  if (name) next.name = name;
  if (email) next.email = email;
  if (signature) next.signature = signature;
  if (typeof ts === 'number' && Number.isInteger(ts) && ts >= 0) next.ts = ts;
  return next;
}

/** The signed identity a new chat carries; none without a signature. */
export function identityOf(user: VisitorUser): Identity | undefined {
  if (!user.signature) return undefined;
  return {
    signature: user.signature,
    ...(user.name ? { name: user.name } : {}),
    ...(user.email ? { email: user.email } : {}),
    ...(user.ts !== undefined ? { ts: user.ts } : {}),
  };
}
