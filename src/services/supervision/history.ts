// `history [n]`: the latest changes to the settings and topics, newest first, each with who
// made it and when (in the desk's time zone), read from the store's audit.
import type { AuditEntry, CardSpec, Json } from '../../ports.js';
import { HINTED_SETTING_PREFIX } from './reply.js';
import { formatInstant, reportView } from './views.js';

type Entry = Required<AuditEntry>;

const SETTING_NAMES: Record<string, string> = {
  hours: 'the opening hours',
  'supervisors.spaceId': "the supervisors' space",
};

function asObject(value: Json): Record<string, Json> {
  return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** The top-level parts that differ between two values ("agents", "mode"). */
function changedKeys(before: Json, after: Json): string[] {
  const b = asObject(before);
  const a = asObject(after);
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]));
}

/** Which scopes of the hours changed: the default and each topic's own. */
function hoursScopes(before: Json, after: Json): string[] {
  const scopes = changedKeys(asObject(before).default ?? null, asObject(after).default ?? null).length ? ['the default'] : [];
  const topics = changedKeys(asObject(before).topics ?? null, asObject(after).topics ?? null);
  return [...scopes, ...topics.map((t) => `topic ${t}`)];
}

export function describeChange(e: Entry): string {
  if (e.action === 'topic.delete') return `removed the topic ${e.subject}`;
  if (e.action === 'topic.save') {
    if (e.before === null) return `added the topic ${e.subject}`;
    const keys = changedKeys(e.before, e.after);
    return `changed the topic ${e.subject}${keys.length ? ` (${keys.join(', ')})` : ' (nothing different)'}`;
  }
  if (e.subject.startsWith(HINTED_SETTING_PREFIX)) return 'was told once how to give me commands';
  const name = SETTING_NAMES[e.subject] ?? `the setting ${e.subject}`;
  if (e.subject === 'hours' && e.before !== null) {
    const scopes = hoursScopes(e.before, e.after);
    return `changed ${name}${scopes.length ? ` (${scopes.join(', ')})` : ''}`;
  }
  return `${e.before === null ? 'set' : 'changed'} ${name}`;
}

export function historyView(entries: Entry[], names: Map<string, string>, timeZone: string): CardSpec {
  const lines = entries.map((e) => `${formatInstant(e.at, timeZone)} · ${names.get(e.actor) ?? e.actor} ${describeChange(e)}`);
  return reportView(`History · the latest ${entries.length} change${entries.length === 1 ? '' : 's'}`, entries.length ? '' : 'No changes yet.', [
    ...(lines.length ? [{ title: 'Newest first', lines }] : []),
  ]);
}
