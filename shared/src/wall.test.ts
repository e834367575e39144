import { describe, expect, it } from 'vitest';
import { BOARDS } from './codes.ts';
import { isTileTemplate, parseDesignSize, parseRotation, photoShownAsImage } from './wall.ts';

describe('design size', () => {
  it('reads WxH and refuses what cannot be laid out', () => {
    expect(parseDesignSize('5760x2160')).toEqual({ width: 5760, height: 2160 });
    expect(parseDesignSize(' 3840x1080 ')).toEqual({ width: 3840, height: 1080 });
    expect(parseDesignSize('320x200')).toBeNull();
    expect(parseDesignSize('1920*1080')).toBeNull();
    expect(parseDesignSize(null)).toBeNull();
  });
});

describe('focus rotation plan', () => {
  it('is off when empty, nonsense or too fast', () => {
    expect(parseRotation('')).toBeNull();
    expect(parseRotation(null)).toBeNull();
    expect(parseRotation('abc')).toBeNull();
    expect(parseRotation('1')).toBeNull();
  });

  it('gives every board the same time with N seconds', () => {
    const plan = parseRotation('20');
    expect(plan?.steps.map((s) => s.code)).toEqual(BOARDS.map((b) => b.code));
    expect(plan?.steps.every((s) => s.ms === 20_000)).toBe(true);
    expect(plan?.gapMs).toBe(20_000);
  });

  it('takes a time per board and skips the boards left out or unknown', () => {
    const plan = parseRotation('party:30,nowhere:10,safety:15');
    expect(plan?.steps).toEqual([
      { code: 'party', ms: 30_000 },
      { code: 'safety', ms: 15_000 },
    ]);
    expect(plan?.gapMs).toBe(15_000);
  });
});

describe('basemap tile template', () => {
  it('wants http(s) with {z}, {x} and {y}', () => {
    expect(isTileTemplate('https://tiles.example.org/{z}/{x}/{y}.png')).toBe(true);
    expect(isTileTemplate('http://127.0.0.1:8080/{z}/{x}/{y}.png')).toBe(true);
    expect(isTileTemplate('https://tiles.example.org/{z}/{x}.png')).toBe(false);
    expect(isTileTemplate('file:///tiles/{z}/{x}/{y}.png')).toBe(false);
    expect(isTileTemplate('tiles/{z}/{x}/{y}.png')).toBe(false);
  });
});

describe('incident photo shown as an image (CSP img-src: self and PHOTO_HOSTS)', () => {
  const page = 'http://127.0.0.1:8080';
  it('shows its own origin and relative links, and nothing else when PHOTO_HOSTS is unset', () => {
    expect(photoShownAsImage('http://127.0.0.1:8080/files/a.jpg', page)).toBe(true);
    expect(photoShownAsImage('/files/a.jpg', page)).toBe(true);
    expect(photoShownAsImage('https://files.example.org/a.jpg', page)).toBe(false);
    expect(photoShownAsImage('http://127.0.0.1:9090/a.jpg', page)).toBe(false);
    expect(photoShownAsImage('javascript:alert(1)', page, ['https://files.example.org'])).toBe(false);
  });
  it('matches PHOTO_HOSTS as the browser does: scheme, host, *. subdomains, ports', () => {
    const hosts = ['https://files.example.org', 'https://*.12345.example.cn:8443', 'http://old.example.cn'];
    expect(photoShownAsImage('https://files.example.org/a.jpg', page, hosts)).toBe(true);
    expect(photoShownAsImage('https://FILES.example.org:443/a.jpg', page, hosts)).toBe(true);
    expect(photoShownAsImage('http://files.example.org/a.jpg', page, hosts)).toBe(false);
    expect(photoShownAsImage('https://files.example.org:8443/a.jpg', page, hosts)).toBe(false);
    expect(photoShownAsImage('https://evilfiles.example.org/a.jpg', page, hosts)).toBe(false);
    expect(photoShownAsImage('https://a.12345.example.cn:8443/p.png', page, hosts)).toBe(true);
    expect(photoShownAsImage('https://12345.example.cn:8443/p.png', page, hosts)).toBe(false);
    expect(photoShownAsImage('https://a.12345.example.cn/p.png', page, hosts)).toBe(false);
    expect(photoShownAsImage('http://old.example.cn/p.png', page, hosts)).toBe(true);
    expect(photoShownAsImage('https://old.example.cn/p.png', page, hosts)).toBe(true);
  });
});
