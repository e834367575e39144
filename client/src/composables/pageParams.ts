// The wall is configured by its URL (a kiosk PC has no UI to set anything else) over what the
// server wrote into the page (WALL_LAYOUT, WALL_ROTATE, BASEMAP_TILES); read once at boot.
import { parseDesignSize, parseRotation, VIEWER_TOKEN_STORAGE_KEY, wallConfigSchema, WALL_CONFIG_ELEMENT_ID, type Basemap, type DesignSize, type RotationPlan, type WallConfig } from '@grid141/shared';

const TOKEN_KEY = VIEWER_TOKEN_STORAGE_KEY;

export type Lang = 'zh-CN' | 'en';

export interface PageParams {
  lang: Lang;
  kiosk: boolean;
  /** Design size from `?layout=WxH`, else the server's WALL_LAYOUT, else null for the default. */
  layout: DesignSize | null;
  /** Focus rotation from `?rotate=`, else the server's WALL_ROTATE; null when off. */
  rotation: RotationPlan | null;
  /** The external basemap the server is configured with (never from the URL: it sends requests out). */
  basemap: Basemap | null;
  token: string | null;
  /** BASE_PATH as the server wrote it: '' at the root, else '/grid141'; api.ts and the router prefix it. */
  basePath: string;
  /** The page was served to a request with a session cookie (someone may be signed in); see WallConfig. */
  sessionCookie: boolean;
  /** PHOTO_HOSTS as the server wrote it (the img-src origins for incident photos); [] when unset. */
  photoHosts: string[];
}

function rememberToken(fromUrl: string | null): string | null {
  try {
    if (fromUrl) sessionStorage.setItem(TOKEN_KEY, fromUrl);
    return fromUrl ?? sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return fromUrl; // storage can be disabled in locked-down kiosk browsers
  }
}

const NO_CONFIG: WallConfig = { layout: null, rotate: null, basemap: null };

/** The setup the server wrote into index.html; none under the Vite dev server or when unreadable. */
export function readServerConfig(doc: Document | null = typeof document === 'undefined' ? null : document): WallConfig {
  const text = doc?.getElementById(WALL_CONFIG_ELEMENT_ID)?.textContent;
  if (!text) return NO_CONFIG;
  try {
    const parsed = wallConfigSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : NO_CONFIG;
  } catch {
    return NO_CONFIG;
  }
}

export function readPageParams(search: string = window.location.search, server: WallConfig = readServerConfig()): PageParams {
  const query = new URLSearchParams(search);
  return {
    lang: query.get('lang') === 'en' ? 'en' : 'zh-CN',
    kiosk: query.get('kiosk') === '1',
    layout: parseDesignSize(query.get('layout')) ?? server.layout,
    rotation: query.has('rotate') ? parseRotation(query.get('rotate')) : parseRotation(server.rotate),
    basemap: server.basemap,
    token: rememberToken(query.get('token')),
    basePath: server.basePath ?? '',
    sessionCookie: server.sessionCookie === true,
    photoHosts: server.photoHosts ?? [],
  };
}

/**
 * The address without its `token` parameter (the others kept, in order), or null when it has
 * none. The token stays in this tab's sessionStorage for reconnects and reloads; the address
 * bar, history, bookmarks and a photo of the screen never show it (docs/security.md).
 */
export function addressWithoutToken(href: string): string | null {
  const url = new URL(href);
  if (!url.searchParams.has('token')) return null;
  url.searchParams.delete('token');
  return `${url.pathname}${url.search}${url.hash}`;
}

export const pageParams: PageParams = readPageParams();

// At once, before the router reads the address (router.ts imports this module first).
if (typeof window !== 'undefined') {
  const clean = addressWithoutToken(window.location.href);
  if (clean !== null) window.history.replaceState(window.history.state, '', clean);
}
