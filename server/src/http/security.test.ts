import { describe, expect, it } from 'vitest';
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

  it('reads a tile template origin', () => {
    expect(tileOrigin('http://127.0.0.1:9000/tiles/{z}/{x}/{y}.png')).toBe('http://127.0.0.1:9000');
    expect(tileOrigin(null)).toBeNull();
  });
});
