// Webex ids are unpadded base64 of `ciscospark://<region>/<KIND>/<uuid>` (a region such as `us`,
// or `urn:TEAM:<region>` for newer ones); the desktop client opens a space by its UUID.

/** `webexteams://im?space=<uuid>` for a Webex room id; null for anything else. */
export function spaceLinkOf(spaceId: string): string | null {
  const decoded = Buffer.from(spaceId, 'base64').toString('utf8');
  const match = /^ciscospark:\/\/(?:[a-z0-9-]+|urn:TEAM:[a-z0-9_-]+)\/ROOM\/([0-9a-f-]{36})$/i.exec(decoded);
  return match ? `webexteams://im?space=${match[1]}` : null;
}
