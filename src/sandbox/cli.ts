// `npm run sandbox`: the Webex sandbox alone. SANDBOX_PORT (default 3900), SANDBOX_HOST
// (default 127.0.0.1), DATA_DIR (default ./data; state in <DATA_DIR>/sandbox; SANDBOX_MEMORY=1
// keeps it in memory only).
import { join } from 'node:path';
import { createLogger } from '../logger.js';
import { startSandboxServer } from './index.js';

const log = createLogger({ name: 'sandbox', level: (process.env.LOG_LEVEL as 'info' | undefined) ?? 'info' });
const port = Number(process.env.SANDBOX_PORT ?? 3900);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`SANDBOX_PORT must be a port number, got "${process.env.SANDBOX_PORT}"`);
  process.exit(2);
}
const host = process.env.SANDBOX_HOST ?? '127.0.0.1';
const dataDir = process.env.SANDBOX_MEMORY === '1' ? null : join(process.env.DATA_DIR ?? './data', 'sandbox');

if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
  log.warn({ host }, 'the sandbox lists every identity\'s token at /sandbox/identities: expose it only on a trusted network');
}
const server = await startSandboxServer({ port, host, dataDir, log });
log.info({ url: server.url, dataDir }, 'Webex sandbox running (not Webex)');
console.log(`Webex sandbox (not Webex)
  console:     ${server.url}/
  REST base:   ${server.sandbox.apiBase}   (HYDRA_SERVICE_URL)
  identities:  ${server.url}/identities
  knobs:       POST ${server.url}/knobs`);

let stopping = false;
const stop = (signal: string): void => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'sandbox stopping');
  server.close().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error({ err }, 'sandbox did not stop cleanly');
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
