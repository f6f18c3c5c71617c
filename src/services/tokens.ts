// Chat tokens: 256 random bits for the visitor, only their SHA-256 kept in the database.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newChatToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares in constant time; a malformed stored hash never matches. */
export function tokenMatches(token: string, storedHash: string): boolean {
  const given = Buffer.from(hashToken(token), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === given.length && timingSafeEqual(given, stored);
}
