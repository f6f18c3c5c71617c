// Which webhooks Webex accepts: resources, their events and filter keys; filter parsing.
import { badRequest } from './errors.js';

const WEBHOOK_FILTERS: Record<string, string[]> = {
  messages: ['roomId', 'roomType', 'personId', 'personEmail', 'mentionedPeople', 'hasFiles'],
  memberships: ['roomId', 'personId', 'personEmail', 'isModerator'],
  rooms: ['type', 'isLocked'],
  attachmentActions: ['roomId', 'messageId', 'personId', 'personEmail'],
  all: ['roomId'],
};
const WEBHOOK_EVENTS: Record<string, string[]> = {
  messages: ['created', 'updated', 'deleted', 'all'],
  memberships: ['created', 'updated', 'deleted', 'all'],
  rooms: ['created', 'updated', 'all'],
  attachmentActions: ['created', 'all'],
  all: ['all', 'created', 'updated', 'deleted'],
};

export function validateWebhookShape(resource: string, event: string, filter: string | undefined): void {
  const events = WEBHOOK_EVENTS[resource];
  if (!events) throw badRequest(`Unsupported resource "${resource}".`);
  if (!events.includes(event)) throw badRequest(`Unsupported event "${event}" for resource "${resource}".`);
  if (filter) {
    for (const [key] of parseFilter(filter)) {
      if (!WEBHOOK_FILTERS[resource]!.includes(key)) {
        throw badRequest(`Unsupported filter "${key}" for resource "${resource}".`);
      }
    }
  }
}

export function parseFilter(filter: string): [string, string][] {
  return filter
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf('=');
      if (i <= 0) throw badRequest(`Malformed filter "${pair}".`);
      return [pair.slice(0, i), decodeURIComponent(pair.slice(i + 1))] as [string, string];
    });
}
