// The wall is configured by its URL (a kiosk PC has no UI to set anything else); read once at boot.
const TOKEN_KEY = 'grid141.token';

export type Lang = 'zh-CN' | 'en';

export interface PageParams {
  lang: Lang;
  kiosk: boolean;
  /** Design size requested by `?layout=WxH`, or null for the default. */
  layout: { width: number; height: number } | null;
  token: string | null;
}

function parseLayout(raw: string | null): PageParams['layout'] {
  const match = raw?.match(/^(\d{3,5})x(\d{3,5})$/);
  if (!match) return null;
  const width = Number(match[1]);
  const height = Number(match[2]);
  return width >= 640 && height >= 360 ? { width, height } : null;
}

function rememberToken(fromUrl: string | null): string | null {
  try {
    if (fromUrl) sessionStorage.setItem(TOKEN_KEY, fromUrl);
    return fromUrl ?? sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return fromUrl; // storage can be disabled in locked-down kiosk browsers
  }
}

export function readPageParams(search: string = window.location.search): PageParams {
  const query = new URLSearchParams(search);
  return {
    lang: query.get('lang') === 'en' ? 'en' : 'zh-CN',
    kiosk: query.get('kiosk') === '1',
    layout: parseLayout(query.get('layout')),
    token: rememberToken(query.get('token')),
  };
}

export const pageParams: PageParams = readPageParams();
