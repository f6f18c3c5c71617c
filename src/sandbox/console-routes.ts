// The agent console: its page and files, and the browser libraries it renders with (marked,
// the Adaptive Cards renderer), served from node_modules. Those packages are only located on
// request, never imported by the server.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { fromRoot } from '../paths.js';

const require = createRequire(import.meta.url);

const VENDOR: Record<string, { file: () => string; type: string }> = {
  'marked.js': {
    file: () => join(dirname(require.resolve('marked/package.json')), 'lib', 'marked.umd.js'),
    type: 'text/javascript',
  },
  'adaptivecards.js': { file: () => require.resolve('adaptivecards/dist/adaptivecards.min.js'), type: 'text/javascript' },
  'adaptivecards.css': { file: () => require.resolve('adaptivecards/dist/adaptivecards.css'), type: 'text/css' },
};

const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // The Adaptive Cards renderer sets element styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Mounts `/` (the page), `/console/*` (its files) and `/vendor/:name` on the sandbox's router. */
export function mountConsole(router: express.Router): void {
  // Plain files, not compiled: a build serves them from the project's src folder too.
  const dir = fromRoot('src', 'sandbox', 'console');
  router.get('/', (req, res) => {
    // Relative asset URLs need the trailing slash.
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) {
      res.redirect(302, `${req.originalUrl.split('?')[0]}/`);
      return;
    }
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(join(dir, 'index.html'));
  });
  router.use(
    '/console',
    (_req, res, next) => {
      res.setHeader('Content-Security-Policy', CONSOLE_CSP);
      next();
    },
    express.static(dir, { index: false, fallthrough: false }),
  );
  router.get('/vendor/:name', (req, res) => {
    const v = VENDOR[String(req.params.name)];
    if (!v) {
      res.status(404).end();
      return;
    }
    res.type(v.type).setHeader('Cache-Control', 'public, max-age=3600');
    res.sendFile(v.file());
  });
  // A console file that does not exist: a bare 404, not the app's error page.
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if ((err as { status?: number }).status === 404) {
      res.status(404).end();
      return;
    }
    next(err);
  });
}
