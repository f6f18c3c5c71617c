// The visitor's user agent as agents read it: device, operating system and browser, and whether
// it is a phone or tablet, parsed by ua-parser-js (v1, MIT). The raw header is noise on a card.
import UAParser from 'ua-parser-js';

export interface ClientFacts {
  /** `mobile (Apple iPhone)`, `tablet`, `desktop`; `unknown` when nothing was sent. */
  device: string;
  /** `iOS 17.1`, `Windows 10`, or `unknown`. */
  os: string;
  /** `Chrome 120`, `Mobile Safari 17`, or the header itself when no browser is recognised. */
  browser: string;
  mobile: boolean;
}

function named(name: string | undefined, version: string | undefined): string {
  if (!name) return 'unknown';
  return version ? `${name} ${version}` : name;
}

export function clientFacts(userAgent: string | null | undefined): ClientFacts {
  if (!userAgent) return { device: 'unknown', os: 'unknown', browser: 'unknown', mobile: false };
  const ua = new UAParser(userAgent).getResult();
  const type = ua.device.type;
  const mobile = type === 'mobile' || type === 'tablet' || type === 'wearable';
  // ua-parser-js names only handheld and special devices; a browser with no device type is a computer.
  const kind = type ?? (ua.browser.name || ua.os.name ? 'desktop' : 'unknown');
  const model = [ua.device.vendor, ua.device.model].filter(Boolean).join(' ');
  return {
    device: model ? `${kind} (${model})` : kind,
    os: named(ua.os.name, ua.os.version),
    // Nothing recognised (a bot, a new browser): the header itself says the most.
    browser: ua.browser.name ? named(ua.browser.name, ua.browser.major ?? ua.browser.version) : userAgent.slice(0, 120),
    mobile,
  };
}
