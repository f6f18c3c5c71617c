// Helpers for the sandbox tests: a REST caller per identity and a webhook receiver that keeps
// the raw bodies (signatures are computed over the raw bytes).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSandboxServer, type SandboxServer } from '../../../src/sandbox/index.js';

export const BOT = 'livechat-bot@webex.bot';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export type Api = (method: string, path: string, body?: unknown) => Promise<ApiResponse>;

export async function startSandbox(dataDir: string | null = null): Promise<SandboxServer> {
  // Short retry delays keep the retry test quick; the default is 1 s, 5 s, 15 s.
  return startSandboxServer({ dataDir, deliveryRetryDelaysMs: [50, 100] });
}

export function apiFor(server: SandboxServer, email: string | null): Api {
  const token = email ? server.sandbox.tokenFor(email) : null;
  return async (method, path, body) => {
    const url = path.startsWith('http') ? path : `${server.sandbox.apiBase}${path}`;
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
}

export interface Delivery {
  raw: string;
  body: any;
  headers: IncomingHttpHeaders;
}

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Answer the next `n` deliveries with this status before answering 200 again. */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  let failures = 0;
  let failStatus = 500;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures > 0) {
        failures--;
        res.writeHead(failStatus).end();
        return;
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      deliveries.push({ raw, body: JSON.parse(raw), headers: req.headers });
      res.writeHead(200).end('OK');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    failNext(n, status = 500) {
      failures = n;
      failStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A group room made by `owner` with `members` added (by e-mail). */
export async function groupRoom(api: Api, title: string, members: string[]): Promise<string> {
  const room = await api('POST', '/rooms', { title });
  if (room.status !== 200) throw new Error(`room create failed: ${room.status}`);
  for (const email of members) {
    const m = await api('POST', '/memberships', { roomId: room.body.id, personEmail: email });
    if (m.status !== 200) throw new Error(`membership create failed: ${m.status}`);
  }
  return room.body.id as string;
}
