// Verified visitors: the site's server signs the visitor's e-mail with IDENTITY_SECRET
// (lowercase hex HMAC-SHA256 of `ts + "." + email`, ts in Unix seconds); the widget passes the
// signature along and the chat's visitor is marked verified when it matches and is fresh.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far the signing time may be from now, either way: a copied signature soon expires. */
export const IDENTITY_WINDOW_SECONDS = 600;

export interface SignedIdentity {
  email?: string | undefined;
  ts?: number | undefined;
  signature: string;
}

export type IdentityCheck = { ok: true; email: string } | { ok: false; reason: 'incomplete' | 'stale' | 'mismatch' };

export function identitySignature(secret: string, ts: number, email: string): string {
  return createHmac('sha256', secret).update(`${ts}.${email}`, 'utf8').digest('hex');
}

/** Checks the signature in constant time (over the expected length), then the window. */
export function verifyIdentity(secret: string, identity: SignedIdentity, now: Date): IdentityCheck {
  const { email, ts, signature } = identity;
  if (!email || ts === undefined) return { ok: false, reason: 'incomplete' };
  const expected = Buffer.from(identitySignature(secret, ts, email), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // Always one comparison of the expected length, whatever the given one.
  const same = timingSafeEqual(expected, given.length === expected.length ? given : Buffer.alloc(expected.length)) && given.length === expected.length;
  if (!same) return { ok: false, reason: 'mismatch' };
  if (Math.abs(now.getTime() / 1000 - ts) > IDENTITY_WINDOW_SECONDS) return { ok: false, reason: 'stale' };
  return { ok: true, email };
}
