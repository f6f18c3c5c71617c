// The Webex sandbox alone on its own HTTP server (tests, `npm run sandbox`).
import type { Server } from 'node:http';
import express from 'express';
import type { Logger } from 'pino';
import { createSandbox, type Sandbox } from './index.js';
import type { SandboxPersonSeed } from './people.js';

export interface SandboxServer {
  /** Base URL of the sandbox, e.g. http://127.0.0.1:39123/sandbox */
  url: string;
  sandbox: Sandbox;
  close(): Promise<void>;
}

export async function startSandboxServer(opts: {
  port?: number;
  host?: string;
  dataDir?: string | null;
  people?: SandboxPersonSeed[];
  log?: Logger;
  deliveryRetryDelaysMs?: number[];
}): Promise<SandboxServer> {
  const host = opts.host ?? '127.0.0.1';
  const app = express();
  app.disable('x-powered-by');
  let inner: express.Router | null = null;
  app.use('/sandbox', (req, res, next) => (inner ? inner(req, res, next) : res.status(503).end()));
  app.get('/', (_req, res) => res.redirect(302, '/sandbox/'));

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port ?? 0, host, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${port}/sandbox`;
  let sandbox: Sandbox;
  try {
    sandbox = await createSandbox({
      publicUrl: url,
      dataDir: opts.dataDir ?? null,
      people: opts.people,
      log: opts.log,
      deliveryRetryDelaysMs: opts.deliveryRetryDelaysMs,
    });
  } catch (err) {
    server.close();
    throw err;
  }
  inner = sandbox.router;
  return {
    url,
    sandbox,
    async close(): Promise<void> {
      await sandbox.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
