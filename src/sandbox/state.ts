// The sandbox's whole world as plain records, and its persistence: one JSON file written
// atomically (temp file + rename), debounced, so a restarted sandbox picks up where it stopped.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PersonRec {
  id: string;
  email: string;
  displayName: string;
  firstName: string;
  lastName: string;
  type: 'person' | 'bot';
  token: string;
  created: string;
}

export interface RoomRec {
  id: string;
  title: string;
  type: 'group' | 'direct';
  isLocked: boolean;
  creatorId: string;
  created: string;
  lastActivity: string;
}

export interface MembershipRec {
  id: string;
  roomId: string;
  personId: string;
  isModerator: boolean;
  created: string;
}

export interface AttachmentRec {
  contentType: string;
  content: Record<string, unknown>;
}

export interface MessageRec {
  id: string;
  /** Insertion order; `created` alone can tie within a millisecond. */
  seq: number;
  roomId: string;
  parentId?: string;
  personId: string;
  text?: string;
  markdown?: string;
  html?: string;
  attachments?: AttachmentRec[];
  mentionedPeople?: string[];
  mentionedGroups?: string[];
  created: string;
  updated?: string;
}

export interface WebhookRec {
  id: string;
  ownerId: string;
  name: string;
  targetUrl: string;
  resource: string;
  event: string;
  filter?: string;
  secret?: string;
  status: 'active' | 'inactive';
  created: string;
}

export interface ActionRec {
  id: string;
  type: string;
  messageId: string;
  inputs: Record<string, unknown>;
  personId: string;
  roomId: string;
  created: string;
}

export interface SandboxState {
  version: 1;
  orgId: string;
  appId: string;
  seq: number;
  people: PersonRec[];
  rooms: RoomRec[];
  memberships: MembershipRec[];
  messages: MessageRec[];
  webhooks: WebhookRec[];
  actions: ActionRec[];
  /** The product's webhook secret with this sandbox: random, kept with its state (older files lack it). */
  webhookSecret?: string;
}

export const STATE_FILE = 'webex-sandbox.json';

export async function loadState(dataDir: string): Promise<SandboxState | null> {
  let raw: string;
  try {
    raw = await readFile(join(dataDir, STATE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const file = join(dataDir, STATE_FILE);
  let parsed: SandboxState;
  try {
    parsed = JSON.parse(raw) as SandboxState;
  } catch (err) {
    throw new Error(`The sandbox state ${file} is not valid JSON (${(err as Error).message}); move it away to start afresh`);
  }
  const arrays = ['people', 'rooms', 'memberships', 'messages', 'webhooks', 'actions'] as const;
  if (parsed?.version !== 1 || arrays.some((k) => !Array.isArray(parsed[k]))) {
    throw new Error(`The sandbox state ${file} is not a version 1 sandbox state; move it away to start afresh`);
  }
  return parsed;
}

/** Debounced, atomic writer; `flush()` writes now if anything changed. */
export class StateWriter {
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  private delayMs: number;

  constructor(
    private readonly dataDir: string,
    private readonly snapshot: () => SandboxState,
    private readonly minDelayMs = 100,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    this.delayMs = minDelayMs;
  }

  markDirty(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush().catch(this.onError);
    }, this.delayMs);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    // Serialise writes so an older snapshot never lands after a newer one.
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      const started = performance.now();
      const body = JSON.stringify(this.snapshot());
      await mkdir(this.dataDir, { recursive: true });
      const file = join(this.dataDir, STATE_FILE);
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, body, 'utf8');
      await rename(tmp, file);
      // A big state is rewritten whole: space the saves out so they stay a small share of the time.
      this.delayMs = Math.min(10_000, Math.max(this.minDelayMs, Math.round((performance.now() - started) * 10)));
    });
    return this.writing;
  }
}
