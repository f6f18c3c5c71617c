// JSON logs with pino. Tokens, authorization headers and message text never reach the output.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Paths blanked in every log line (pino redact syntax; `*` is one level of any key). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-spark-signature"]',
  'res.headers["set-cookie"]',
  'authorization',
  'token',
  'accessToken',
  'refreshToken',
  'botToken',
  'secret',
  'password',
  'text',
  'markdown',
  '*.authorization',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.botToken',
  '*.secret',
  '*.password',
  '*.text',
  '*.markdown',
  '*.*.text',
  '*.*.token',
];

export function createLogger(
  options: { level?: LevelWithSilent; name?: string } = {},
  destination?: pino.DestinationStream,
): Logger {
  return pino(
    {
      name: options.name ?? 'livechat',
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}
