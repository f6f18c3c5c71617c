// Serves the built widget (widget/dist, written by `npm run build:widget`):
//   /widget.js             the loader: short cache, so a new build reaches sites within minutes;
//   /widget/assets/*.js    the chat UI chunks: content-hashed names, cached for a year;
//   /demo                  a plain company page with the embed tag (and /demo/* its CSS).
// Other sites' pages load these, so they are cross-origin readable (the UI arrives through a
// dynamic import(), which is a CORS request).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router, type Response } from 'express';
import { fromRoot } from '../paths.js';

export const DEFAULT_WIDGET_DIST = fromRoot('widget', 'dist');

export interface WidgetAssetsOptions {
  /** The build output (default: widget/dist of this checkout). */
  distDir?: string;
  /** Cache lifetime of /widget.js in seconds (default 300). */
  loaderMaxAge?: number;
}

/** Why the widget cannot be served, or null when the build is there. */
export function widgetBuildProblem(distDir: string = DEFAULT_WIDGET_DIST): string | null {
  if (!existsSync(join(distDir, 'widget.js'))) {
    return `The widget is not built (${join(distDir, 'widget.js')} is missing): run "npm run build:widget".`;
  }
  return null;
}

/** The page the demo shows: it runs under a strict CSP to show the widget needs nothing more. */
const DEMO_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ');

function crossOrigin(res: Response): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

export function widgetAssetsRouter(options: WidgetAssetsOptions = {}): Router {
  const distDir = resolve(options.distDir ?? DEFAULT_WIDGET_DIST);
  const loaderMaxAge = options.loaderMaxAge ?? 300;
  const router = Router();

  const missing = (res: Response): boolean => {
    const problem = widgetBuildProblem(distDir);
    if (!problem) return false;
    res.status(503).type('text/plain').set('Cache-Control', 'no-store').send(`${problem}\n`);
    return true;
  };

  router.get('/widget.js', (_req, res, next) => {
    if (missing(res)) return;
    crossOrigin(res);
    res.sendFile(join(distDir, 'widget.js'), {
      headers: {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': `public, max-age=${loaderMaxAge}`,
      },
      lastModified: true,
    }, (error) => {
      if (error && !res.headersSent) next(error);
    });
  });

  const assets = express.static(join(distDir, 'widget', 'assets'), {
    index: false,
    redirect: false,
    fallthrough: true,
    immutable: true,
    maxAge: '365d',
    setHeaders(res) {
      crossOrigin(res);
    },
  });
  router.use('/widget/assets', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (missing(res)) return;
    assets(req, res, () => {
      res.status(404).type('text/plain').set('Cache-Control', 'no-store').send('No such widget asset (an older build?).\n');
    });
  });

  const demoStatic = express.static(join(distDir, 'demo'), { index: false, redirect: false, maxAge: '5m' });
  // Browsers ask for it on every page of the product (the demo, the console): no icon, no 404.
  router.get('/favicon.ico', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').status(204).end();
  });
  router.get(['/demo', '/demo/'], (_req, res, next) => {
    if (missing(res)) return;
    res.setHeader('Content-Security-Policy', DEMO_CSP);
    res.sendFile(join(distDir, 'demo.html'), { headers: { 'Cache-Control': 'no-cache' } }, (error) => {
      if (error && !res.headersSent) next(error);
    });
  });
  router.use('/demo', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    demoStatic(req, res, next);
  });

  return router;
}
