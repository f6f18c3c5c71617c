// Opening hours kept in the database (setting `hours`, an HoursSettings value). The config file
// only seeds an empty database. Every instance keeps the value in memory; a change is written
// (with its actor: the store audits every setting) and announced on the event bus, and every
// instance drops its copy on that notice, so the next question reads the new hours.
import { availability, scheduleFor, validateHoursSettings, type Availability, type HoursSettings } from '../domain/hours.js';
import type { Logger } from '../logger.js';
import type { EventBus, Json, SettingVersion, SettingsStore, Unsubscribe } from '../ports.js';

export const HOURS_SETTING = 'hours';
export const HOURS_CHANGED = 'hours.changed';
const MAX_AGE_MS = 60_000;

export interface HoursServiceOptions {
  store: Pick<SettingsStore, 'getSetting' | 'setSetting' | 'settingVersion'>;
  bus: EventBus;
  log: Logger;
  /** The config file's hours: written once into an empty database, and the fallback if the stored value is unreadable. */
  seed: HoursSettings;
}

export class HoursService {
  private cached: Promise<HoursSettings> | null = null;
  private cachedAt = 0;
  /** Bumped on every invalidation: a read that started before a change is not cached after it. */
  private generation = 0;
  private unsubscribe: Unsubscribe | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: HoursServiceOptions) {}

  /** Seeds an empty database and listens for changes made by any instance. */
  async start(): Promise<void> {
    const { store, bus, seed } = this.options;
    this.unsubscribe = bus.subscribe(HOURS_CHANGED, () => this.invalidate());
    if ((await store.getSetting(HOURS_SETTING)) === undefined) {
      await store.setSetting(HOURS_SETTING, seed as unknown as Json, 'config');
    }
    this.invalidate();
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  invalidate(): void {
    this.generation++;
    this.cached = null;
  }

  /** The current hours of every topic. */
  get(): Promise<HoursSettings> {
    // A lost notice (a bus outage) cannot keep old hours for longer than MAX_AGE_MS.
    if (this.cached && Date.now() - this.cachedAt < MAX_AGE_MS) return this.cached;
    const generation = this.generation;
    const read = this.read();
    this.cached = read;
    this.cachedAt = Date.now();
    read.then(
      () => {
        if (generation !== this.generation && this.cached === read) this.cached = null;
      },
      () => {
        if (this.cached === read) this.cached = null;
      },
    );
    return read;
  }

  private async read(): Promise<HoursSettings> {
    const stored = await this.options.store.getSetting(HOURS_SETTING);
    if (stored === undefined) return this.options.seed;
    const checked = validateHoursSettings(stored);
    if (!checked.ok) {
      // Someone edited the row by hand: keep serving, with the configured hours, and say why.
      this.options.log.error({ errors: checked.errors.slice(0, 10) }, 'stored hours are invalid; using the configured hours');
      return this.options.seed;
    }
    return checked.value;
  }

  /** Whether a topic is open at `at`, and when it next opens or closes. */
  readonly availability = async (topicId: string, at: Date): Promise<Availability> => {
    return availability(scheduleFor(await this.get(), topicId), at);
  };

  /** The stored hours' version, who changed them last and when. */
  version(): Promise<SettingVersion> {
    return this.options.store.settingVersion(HOURS_SETTING);
  }

  /**
   * Applies `change` to the current hours and stores the result as `actor`. Returns the new
   * value, the problems when the result is invalid, or (with `ifVersion`, an Edit card's)
   * who changed the hours since that version; in both cases nothing is stored.
   */
  async update(actor: string, change: (current: HoursSettings) => HoursSettings, ifVersion?: number): Promise<HoursUpdate> {
    // One change at a time on this instance, so two quick edits do not overwrite each other.
    const run = this.queue.then(() => this.apply(actor, change, ifVersion));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(actor: string, change: (current: HoursSettings) => HoursSettings, ifVersion?: number): Promise<HoursUpdate> {
    // Another instance may write between the read and the write: the version catches it. A
    // command (a change of the latest value) is applied again; an Edit card's whole form is not.
    let next: HoursSettings;
    for (let attempt = 0; ; attempt++) {
      const seen = await this.version();
      if (ifVersion !== undefined && seen.version !== ifVersion) return { ok: false, errors: [], stale: seen };
      next = change(await this.read());
      const checked = validateHoursSettings(next);
      if (!checked.ok) return { ok: false, errors: checked.errors };
      if ((await this.options.store.setSetting(HOURS_SETTING, next as unknown as Json, actor, seen.version)) !== false) break;
      if (ifVersion !== undefined || attempt >= 5) return { ok: false, errors: [], stale: await this.version() };
    }
    this.invalidate();
    try {
      await this.options.bus.publish(HOURS_CHANGED, { by: actor });
    } catch (error) {
      // Stored: this instance already sees it; others within MAX_AGE_MS.
      this.options.log.warn({ err: error }, 'hours change not announced');
    }
    return { ok: true, value: next };
  }
}

export type HoursUpdate = { ok: true; value: HoursSettings } | { ok: false; errors: string[]; stale?: SettingVersion };
