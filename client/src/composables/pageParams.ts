// The wall is configured by its URL (a kiosk PC has no UI to set anything else) over what the
// server wrote into the page (WALL_LAYOUT, WALL_ROTATE, BASEMAP_TILES); read once at boot.
import { parseDesignSize, parseRotation, wallConfigSchema, WALL_CONFIG_ELEMENT_ID, type Basemap, type DesignSize, type RotationPlan, type WallConfig } from '@grid141/shared';

const TOKEN_KEY = 'grid141.token';

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
  };
}

export const pageParams: PageParams = readPageParams();
