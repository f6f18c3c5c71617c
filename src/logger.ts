// JSON logs with pino. Tokens, authorization headers and message text never reach the output.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line, at the top level and two levels down. */
const SECRET_KEYS = [
  'authorization',
  'token',
  'accessToken',
  'refreshToken',
  'botToken',
  'secret',
  'clientSecret',
  'password',
  'apiKey',
  // Chat content: visitors' and agents' words stay out of the logs.
  'text',
  'markdown',
];

/** Paths blanked in every log line (pino redact syntax; `*` is one level of any key). */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-spark-signature"]',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
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
