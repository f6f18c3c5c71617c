// Webex signs every webhook delivery: `X-Spark-Signature` is the hex HMAC-SHA1 of the raw body
// with the webhook's secret. Checked on the raw bytes (re-serialising parsed JSON changes them)
// and in constant time.
import { createHmac, timingSafeEqual } from 'node:crypto';

export function verifyWebhookSignature(
  rawBody: Buffer,
  header: string | string[] | undefined,
  secret: string,
): boolean {
  if (typeof header !== 'string' || !/^[0-9a-fA-F]{40}$/.test(header)) return false;
  const expected = createHmac('sha1', secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(header, 'hex'), expected);
}
