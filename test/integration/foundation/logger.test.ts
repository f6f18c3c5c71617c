// The logger never writes tokens, authorization headers or message text.
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';

it('redacts secrets and message text at any of the usual places', () => {
  const lines: string[] = [];
  const log = createLogger(
    { level: 'trace' },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  log.info(
    {
      req: { headers: { authorization: 'Bearer AAA', cookie: 'sid=BBB', 'x-spark-signature': 'CCC' } },
      token: 'DDD',
      text: 'EEE visitor words',
      message: { text: 'FFF', markdown: 'GGG', chatId: 'chat-1' },
      webex: { botToken: 'HHH', relay: { refreshToken: 'III', text: 'JJJ' } },
    },
    'event',
  );
  const out = lines.join('');
  for (const secret of ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'FFF', 'GGG', 'HHH', 'III', 'JJJ']) {
    expect(out).not.toContain(secret);
  }
  expect(JSON.parse(out)).toMatchObject({ message: { chatId: 'chat-1', text: '[redacted]' }, msg: 'event' });
});
