import { describe, expect, it } from 'vitest';
import { BOARDS } from './codes.ts';
import { isTileTemplate, parseDesignSize, parseRotation } from './wall.ts';

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
