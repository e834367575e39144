import { describe, expect, it } from 'vitest';
import { parseOrigins } from '../config.ts';
import { contentSecurityPolicy, tileOrigin } from './security.ts';

describe('the content security policy', () => {
  it('allows only Grid141 itself when no basemap is set, and no frame', () => {
    const csp = contentSecurityPolicy({ basemapTiles: null, frameAncestors: [] });
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['connect-src']).toEqual(["'self'"]);
    expect(csp['img-src']).toEqual(["'self'", 'data:', 'blob:']);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(Object.values(csp).flat()).not.toContain("'unsafe-eval'");
  });

  it('adds the basemap origin (not its path) to images and connections, and the configured frame ancestors', () => {
    const csp = contentSecurityPolicy({ basemapTiles: 'https://tiles.example.org:8443/osm/{z}/{x}/{y}.png?key=k', frameAncestors: ["'self'", 'https://portal.example.org'] });
    expect(csp['img-src']).toContain('https://tiles.example.org:8443');
    expect(csp['connect-src']).toEqual(["'self'", 'https://tiles.example.org:8443']);
    expect(csp['frame-ancestors']).toEqual(["'self'", 'https://portal.example.org']);
  });

  it('adds PHOTO_HOSTS to images only (incident photos), never to scripts or connections', () => {
    const photoHosts = parseOrigins('https://files.wgy.example.cn, https://*.12345.example.cn:8443');
    expect(photoHosts).toEqual(['https://files.wgy.example.cn', 'https://*.12345.example.cn:8443']);
    const csp = contentSecurityPolicy({ basemapTiles: null, frameAncestors: [], photoHosts: photoHosts ?? [] });
    expect(csp['img-src']).toEqual(["'self'", 'data:', 'blob:', 'https://files.wgy.example.cn', 'https://*.12345.example.cn:8443']);
    expect(csp['connect-src']).toEqual(["'self'"]);
    expect(csp['script-src']).toEqual(["'self'"]);
    for (const bad of ['files.example.cn', "'unsafe-inline'", 'https://files.example.cn/photos', 'javascript:alert(1)', '*', '']) expect(parseOrigins(bad)).toBeNull();
  });

  it('reads a tile template origin', () => {
    expect(tileOrigin('http://127.0.0.1:9000/tiles/{z}/{x}/{y}.png')).toBe('http://127.0.0.1:9000');
    expect(tileOrigin(null)).toBeNull();
  });
});
