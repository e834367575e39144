// Serves the built wall (client/dist): hashed assets cached for a year, index.html never,
// and every other page path falls back to index.html for the client's router. The page carries
// the wall's setup from the server's configuration (layout, rotation, basemap) as inline JSON,
// so a wall knows its shape before its first frame, without another request, and whether the
// request carried a session cookie (so /login asks who is signed in only when someone may be).
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import { WALL_CONFIG_ELEMENT_ID, type WallConfig } from '@grid141/shared';
import { cookieValue } from '../auth/plugin.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';

const LONG_CACHE = 'public, max-age=31536000, immutable';
const NO_CACHE = 'no-cache';
// Paths the server owns; they never fall back to the page.
const SERVER_PATHS = /^\/(api|socket\.io|open311)(\/|$)/;

/**
 * index.html with the setup inserted before </head> ('<' escaped so no value can close the
 * script; a `type="application/json"` script is data, which the CSP does not run or block), and
 * the build's relative links (Vite `base: './'`: assets, csp-init.js) made absolute under
 * BASE_PATH, so the page finds them from any route depth (/duty/123 as well as /).
 */
export function pageWithConfig(html: string, wall: WallConfig): string {
  const json = JSON.stringify(wall).replace(/</g, '\\u003c');
  const tag = `<script id="${WALL_CONFIG_ELEMENT_ID}" type="application/json">${json}</script>`;
  const linked = html.replace(/(\s(?:src|href)=")\.\//g, `$1${wall.basePath ?? ''}/`);
  return linked.includes('</head>') ? linked.replace('</head>', `${tag}</head>`) : `${tag}${linked}`;
}

export function serveClient(app: Express, clientDir: string, wall: WallConfig): void {
  const indexFile = path.join(clientDir, 'index.html');
  // Kept until the file changes (a rebuild while the server runs): one page for a request with a
  // session cookie, one without.
  let page: { mtimeMs: number; anonymous: string; withSession: string } | null = null;
  const readPage = (sessionCookie: boolean): string => {
    const { mtimeMs } = fs.statSync(indexFile);
    if (page?.mtimeMs !== mtimeMs) {
      const html = fs.readFileSync(indexFile, 'utf8');
      page = { mtimeMs, anonymous: pageWithConfig(html, wall), withSession: pageWithConfig(html, { ...wall, sessionCookie: true }) };
    }
    return sessionCookie ? page.withSession : page.anonymous;
  };
  app.use(
    express.static(clientDir, {
      index: false,
      setHeaders(res, file) {
        const relative = path.relative(clientDir, file).split(path.sep);
        res.setHeader('Cache-Control', relative[0] === 'assets' ? LONG_CACHE : NO_CACHE);
      },
    }),
  );
  app.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || SERVER_PATHS.test(req.path)) return next();
    // A missing asset is a 404, not the page (a stale tab asking for an old hash).
    if (req.path.startsWith('/assets/')) return next();
    if (!fs.existsSync(indexFile)) {
      res.status(503).type('text/plain').send('The wall is not built yet: run `npm run build` (npm start does it for you).\n');
      return;
    }
    res.setHeader('Cache-Control', NO_CACHE);
    // The page differs by the Cookie header (a shared cache must not give one person's to another).
    res.setHeader('Vary', 'Cookie');
    res.type('html').send(readPage(cookieValue(req.headers.cookie, SESSION_COOKIE) !== null));
  });
}
