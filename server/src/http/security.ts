// The security headers of every answer (pages, assets, API, Socket.IO polling), set in one
// place with helmet. Why each one is there, and what the pages need from the policy:
// docs/security.md.
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export interface SecurityOptions {
  /** BASEMAP_TILES, the one other host a wall may ask (tiles); null when none is configured. */
  basemapTiles: string | null;
  /** FRAME_ANCESTORS as CSP sources; empty refuses every frame. */
  frameAncestors: readonly string[];
  /** PHOTO_HOSTS: the origins incident photos may be shown from (img-src only); absent or empty: none. */
  photoHosts?: readonly string[];
}

/** The origin of a tile URL template ('https://tiles.example.org'), null when it has none. */
export function tileOrigin(template: string | null): string | null {
  if (!template) return null;
  try {
    // The placeholders sit in the path (BASEMAP_TILES allows no braces in the host).
    return new URL(template.replace(/\{[a-z]+\}/g, '0')).origin;
  } catch {
    return null;
  }
}

/**
 * The Content-Security-Policy directives (helmet's shape: name → sources). Scripts, styles,
 * fonts and workers only from Grid141 itself (MapLibre 6 starts its worker from a bundled file,
 * so no `blob:`; no `unsafe-eval` anywhere); images also from `data:`/`blob:` (MapLibre's sprites
 * and ECharts' exports), the basemap host and PHOTO_HOSTS (incident photos); connections to Grid141 (HTTP and its WebSocket:
 * 'self' covers ws:/wss: of the same host) and the basemap host, which MapLibre fetches tiles
 * from. Inline style *attributes* are allowed (`style-src-attr 'unsafe-inline'`): Vue, ECharts and
 * MapLibre position elements through them; `<style>` elements and inline scripts are not.
 */
export function contentSecurityPolicy(options: SecurityOptions): Record<string, string[]> {
  const basemap = tileOrigin(options.basemapTiles);
  const extra = basemap ? [basemap] : [];
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'style-src-attr': ["'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...extra, ...(options.photoHosts ?? [])],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...extra],
    'worker-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': options.frameAncestors.length > 0 ? [...options.frameAncestors] : ["'none'"],
  };
}

/** helmet with Grid141's policy; mount first, so every answer (errors and 404s too) carries it. */
export function securityHeaders(options: SecurityOptions): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: contentSecurityPolicy(options),
    },
    // A token in a URL must never leave in a Referer.
    referrerPolicy: { policy: 'no-referrer' },
    // frame-ancestors decides; X-Frame-Options cannot name a portal, so it is sent only when no frame is allowed.
    xFrameOptions: options.frameAncestors.length > 0 ? false : { action: 'deny' },
    // TLS ends at the reverse proxy (docs/deploy.md); HSTS belongs there, not on a plain-HTTP LAN answer.
    strictTransportSecurity: false,
  });
}
