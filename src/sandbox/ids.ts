// Webex-shaped identifiers: unpadded base64 of `ciscospark://<cluster>/<KIND>/<uuid>`. Webex now
// mints rooms, messages, memberships, webhooks and card actions in a team cluster
// (`urn:TEAM:us-west-2_r`) while people, orgs and apps keep `us`; ids of the old shape in persisted
// state stay valid (nothing parses the cluster).
import { createHash, randomUUID } from 'node:crypto';

type IdKind =
  | 'PEOPLE'
  | 'ROOM'
  | 'MEMBERSHIP'
  | 'MESSAGE'
  | 'WEBHOOK'
  | 'ATTACHMENT_ACTION'
  | 'ORGANIZATION'
  | 'APPLICATION';

const LEGACY_CLUSTER_KINDS: ReadonlySet<IdKind> = new Set(['PEOPLE', 'ORGANIZATION', 'APPLICATION']);
const TEAM_CLUSTER = 'urn:TEAM:us-west-2_r';

export function encodeId(kind: IdKind, uuid: string): string {
  const cluster = LEGACY_CLUSTER_KINDS.has(kind) ? 'us' : TEAM_CLUSTER;
  return Buffer.from(`ciscospark://${cluster}/${kind}/${uuid}`).toString('base64').replace(/=+$/, '');
}

export function newId(kind: IdKind): string {
  return encodeId(kind, randomUUID());
}

/** A UUID-looking value derived from a seed, so seeded people keep their ids without state. */
export function stableUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Sandbox access tokens are derived from the e-mail: stable across restarts, even in memory mode. */
export function stableToken(email: string): string {
  const h = createHash('sha256').update(`livechat-sandbox-token:${email.toLowerCase()}`).digest('hex');
  return `SBX${h.slice(0, 56)}_sandbox`;
}

/** The refresh token of a sandbox identity, for `POST /access_token` (also stable). */
export function stableRefreshToken(email: string): string {
  const h = createHash('sha256').update(`livechat-sandbox-refresh:${email.toLowerCase()}`).digest('hex');
  return `SBXR${h.slice(0, 60)}_sandbox`;
}
