// A stand-in for a customer's web site on its own origin (another port on 127.0.0.1: Chromium
// lets pages reach loopback servers only from loopback), serving whatever pages a test sets.
import { createServer, type Server } from 'node:http';

export interface Page {
  type: string;
  body: string;
  headers?: Record<string, string>;
}

export interface Site {
  origin: string;
  pages: Map<string, Page>;
  close(): Promise<void>;
}

export async function startSite(): Promise<Site> {
  const pages = new Map<string, Page>();
  const server: Server = createServer((req, res) => {
    const page = pages.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!page) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': page.type, 'Cache-Control': 'no-store', ...page.headers }).end(page.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    // `localhost`, not 127.0.0.1: a different origin from the product's, like a real site.
    origin: `http://localhost:${port}`,
    pages,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
