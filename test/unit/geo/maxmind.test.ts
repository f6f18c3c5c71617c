import { describe, expect, it } from 'vitest';
import {
  MaxmindGeoLocator,
  countryName,
  geoDbPathsFromSetting,
  defaultGeoDbPaths,
  normalizeIp,
  toGeoLocation,
} from '../../../src/adapters/geo/maxmind.js';

describe('MaxmindGeoLocator over the shipped GeoLite2 data', () => {
  const geo = new MaxmindGeoLocator();

  it("locates the seed's example address in Gdańsk, Pomerania, Poland", async () => {
    // The shipped data spells the city without diacritics and the region in English.
    expect(await geo.locate('37.47.248.93')).toEqual({
      countryCode: 'PL',
      country: 'Poland',
      region: 'Pomerania',
      city: 'Gdansk',
    });
  });

  it('understands an IPv4-mapped IPv6 address as the IPv4 one', async () => {
    expect((await geo.locate('::ffff:37.47.248.93'))?.city).toBe('Gdansk');
  });

  it('locates an IPv6 address through the IPv6 file', async () => {
    const where = await geo.locate('2a00:1450:4001:80b::200e');
    expect(where?.countryCode).toBe('DE');
    expect(where?.country).toBe('Germany');
  });

  it.each(['127.0.0.1', '10.0.0.1', '192.168.1.20', '172.20.0.5', '169.254.1.1', '100.64.0.1',
    '::1', '::', 'fe80::1', 'fd12:3456::1', 'fe80::1%eth0', '::ffff:10.0.0.1',
    'garbage', '', '999.1.1.1', '1.2.3'])('answers null for %j', async (ip) => {
    expect(await geo.locate(ip)).toBeNull();
  });

  it('loads the files once', async () => {
    const first = await geo.open();
    expect(await geo.open()).toBe(first);
    expect(first.map((db) => db.version)).toEqual([4, 6]);
  });
});

describe('configuration', () => {
  it('a missing file gives a clear error naming it, and a later call tries again', async () => {
    const geo = new MaxmindGeoLocator({ paths: ['/nonexistent/geo.mmdb'] });
    await expect(geo.locate('37.47.248.93')).rejects.toThrow(/\/nonexistent\/geo\.mmdb/);
    await expect(geo.open()).rejects.toThrow(/cannot open the geolocation database/);
  });

  it('GEOIP_DB takes one path or a comma-separated list; empty means the default', () => {
    expect(geoDbPathsFromSetting('/a.mmdb')).toEqual(['/a.mmdb']);
    expect(geoDbPathsFromSetting(' /a.mmdb , /b.mmdb ')).toEqual(['/a.mmdb', '/b.mmdb']);
    expect(geoDbPathsFromSetting('')).toEqual(defaultGeoDbPaths());
    expect(geoDbPathsFromSetting(undefined)).toEqual(defaultGeoDbPaths());
    expect(defaultGeoDbPaths()[0]).toMatch(/geolite2-city-ipv4\.mmdb$/);
  });

  it('an explicit path is used instead of the default', async () => {
    const [v4] = defaultGeoDbPaths();
    const geo = new MaxmindGeoLocator({ paths: [v4!] });
    expect((await geo.locate('37.47.248.93'))?.countryCode).toBe('PL');
    // The IPv4-only file cannot answer IPv6.
    expect(await geo.locate('2a00:1450:4001:80b::200e')).toBeNull();
  });
});

describe('helpers', () => {
  it('normalizeIp', () => {
    expect(normalizeIp(' 1.2.3.4 ')).toEqual({ ip: '1.2.3.4', version: 4 });
    expect(normalizeIp('::FFFF:1.2.3.4')).toEqual({ ip: '1.2.3.4', version: 4 });
    expect(normalizeIp('2001:db8::1')).toEqual({ ip: '2001:db8::1', version: 6 });
    expect(normalizeIp('example.com')).toBeNull();
  });

  it('locates no private, documentation or invalid address', async () => {
    const geo = new MaxmindGeoLocator();
    for (const ip of ['127.0.0.1', '10.1.2.3', '192.168.0.9', '::ffff:10.0.0.1', '2001:db8::1', 'fe80::1%eth0', 'nope']) {
      expect(await geo.locate(ip), ip).toBeNull();
    }
  });

  it('countryName: English names; unknown codes give null', () => {
    expect(countryName('PL')).toBe('Poland');
    expect(countryName('de')).toBe('Germany');
    expect(countryName('QQ')).toBeNull();
    expect(countryName('not a code')).toBeNull();
  });

  it('toGeoLocation reads both the flat and the nested MaxMind layout', () => {
    expect(toGeoLocation({ country_code: 'PL', state1: '', city: '' })).toEqual({
      countryCode: 'PL', country: 'Poland', region: null, city: null,
    });
    expect(
      toGeoLocation({
        country: { iso_code: 'FR', names: { en: 'France' } },
        subdivisions: [{ names: { en: 'Île-de-France' } }],
        city: { names: { en: 'Paris' } },
      }),
    ).toEqual({ countryCode: 'FR', country: 'France', region: 'Île-de-France', city: 'Paris' });
    expect(toGeoLocation({ country_code: '', state1: '', city: '' })).toBeNull();
  });
});
