// How a wall is set up, the same whether it comes from the server's configuration (WALL_LAYOUT,
// WALL_ROTATE, BASEMAP_TILES, written into the page it serves) or from the wall's URL
// (?layout=, ?rotate=), which wins: a kiosk PC can be pointed at its own shape without a restart.
import { z } from 'zod';
import { BOARDS, type BoardCode } from './codes.ts';

export interface DesignSize {
  width: number;
  height: number;
}

const MIN_DESIGN = { width: 640, height: 360 };

/** `5760x2160` → {width, height}; null for anything else or a size too small to lay out. */
export function parseDesignSize(raw: string | null | undefined): DesignSize | null {
  const match = raw?.trim().match(/^(\d{3,5})x(\d{3,5})$/);
  if (!match) return null;
  const width = Number(match[1]);
  const height = Number(match[2]);
  return width >= MIN_DESIGN.width && height >= MIN_DESIGN.height ? { width, height } : null;
}

export interface RotationPlan {
  /** Boards in order with their focus time in ms. */
  steps: { code: BoardCode; ms: number }[];
  /** Time the plain wall (map uncovered) shows between two focused boards. */
  gapMs: number;
}

export const MIN_ROTATION_SECONDS = 5;

function isBoard(code: string): code is BoardCode {
  return BOARDS.some((board) => board.code === code);
}

/**
 * A focus rotation: `20` gives every board 20 s; `party:30,safety:15` sets boards one by one (a
 * board left out is skipped, an unknown one ignored). Null when off or not understood.
 */
export function parseRotation(raw: string | null | undefined): RotationPlan | null {
  const value = raw?.trim();
  if (!value) return null;
  const whole = Number(value);
  if (Number.isFinite(whole)) {
    if (whole < MIN_ROTATION_SECONDS) return null;
    return { steps: BOARDS.map((board) => ({ code: board.code, ms: whole * 1000 })), gapMs: whole * 1000 };
  }
  const steps: RotationPlan['steps'] = [];
  for (const part of value.split(',')) {
    const [code, seconds] = part.split(':');
    const time = Number(seconds);
    if (code && isBoard(code) && Number.isFinite(time) && time >= MIN_ROTATION_SECONDS) steps.push({ code, ms: time * 1000 });
  }
  if (steps.length === 0) return null;
  return { steps, gapMs: Math.min(...steps.map((step) => step.ms)) };
}

/** An external raster basemap under the street's own layers: off unless the server is configured. */
export const basemapSchema = z.object({
  /** XYZ tile URL template with {z}, {x} and {y}, e.g. https://tiles.example.org/{z}/{x}/{y}.png */
  tiles: z.string(),
  attribution: z.string().nullable(),
});
export type Basemap = z.infer<typeof basemapSchema>;

/** The wall's setup as the server writes it into the page (JSON in #grid141-config). */
export const wallConfigSchema = z.object({
  layout: z.object({ width: z.number(), height: z.number() }).nullable(),
  rotate: z.string().nullable(),
  basemap: basemapSchema.nullable(),
  /** BASE_PATH: '' at the root, else e.g. '/grid141'; the page, its assets, the API and the socket live under it. */
  basePath: z.string().regex(/^(\/[A-Za-z0-9._~-]+)*$/).optional(),
  /**
   * The request for this page carried a session cookie (present, not checked: the cookie is
   * HttpOnly, so the page cannot see it). /login asks who is signed in only then, so a browser
   * that never signed in makes no request that fails (docs/security.md).
   */
  sessionCookie: z.boolean().optional(),
  /**
   * PHOTO_HOSTS: the origins (CSP img-src sources, e.g. `https://files.wgy.example.cn`,
   * `https://*.12345.example.cn:8443`) the page may show incident photos from; absent: none.
   * The desk shows a photo on another host as a link only unless it is allowed here, so the page
   * never asks for an image its own policy blocks (docs/security.md).
   */
  photoHosts: z.array(z.string()).optional(),
});
export type WallConfig = z.infer<typeof wallConfigSchema>;

const DEFAULT_PORT: Record<string, string> = { 'http:': '80', 'https:': '443' };

/**
 * Whether the page's img-src lets it load `url` as an image: the page's own origin ('self') or
 * one of `photoHosts` (PHOTO_HOSTS, as the server put them in the policy: scheme://host[:port],
 * host may begin with `*.` for any subdomain of it but not the bare domain). Matching follows CSP
 * Level 3 host-source rules: an `http:` source also allows `https:`; with no port, the
 * scheme's default port. Anything else (another host, a URL that does not parse, a non-http(s)
 * scheme) is false: the desk then shows a link, never an image the policy would block.
 */
export function photoShownAsImage(url: string, pageOrigin: string, photoHosts: readonly string[] = []): boolean {
  let target: URL;
  try {
    target = new URL(url, pageOrigin);
  } catch {
    return false;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return false;
  if (target.origin === pageOrigin) return true;
  const port = target.port || DEFAULT_PORT[target.protocol];
  return photoHosts.some((source) => {
    const m = /^(https?):\/\/(\*\.)?([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(source);
    if (!m) return false;
    const [, scheme, wildcard, host, sourcePort] = m;
    if (scheme === 'https' && target.protocol !== 'https:') return false;
    const name = target.hostname.toLowerCase();
    const base = host!.toLowerCase();
    if (wildcard ? !name.endsWith(`.${base}`) : name !== base) return false;
    if (sourcePort) return port === sourcePort;
    return port === DEFAULT_PORT[target.protocol];
  });
}

export const WALL_CONFIG_ELEMENT_ID = 'grid141-config';

/**
 * The tab's sessionStorage key holding the viewer token: the wall and the report put `?token=`
 * there and take it out of the address at once; the server's renderer puts it there before the
 * page loads, so no address it opens carries the token (docs/security.md).
 */
export const VIEWER_TOKEN_STORAGE_KEY = 'grid141.token';

/** A tile URL template the map can use: http(s), with {z}, {x} and {y}. */
export function isTileTemplate(raw: string): boolean {
  return /^https?:\/\/[^/\s{}?#]+\/\S*$/.test(raw) && ['{z}', '{x}', '{y}'].every((part) => raw.includes(part));
}
