import { describe, expect, it } from 'vitest';
import { WALL_CONFIG_ELEMENT_ID, wallConfigSchema } from '@grid141/shared';
import { pageWithConfig } from './client.ts';

describe('the page carries the wall setup', () => {
  const wall = { layout: { width: 3840, height: 1080 }, rotate: '20', basemap: { tiles: 'https://t.example/{z}/{x}/{y}.png', attribution: '</script><b>x</b>' } };

  it('as JSON before </head>, readable back exactly', () => {
    const html = pageWithConfig('<html><head><title>w</title></head><body></body></html>', wall);
    const match = html.match(new RegExp(`<script id="${WALL_CONFIG_ELEMENT_ID}" type="application/json">(.*?)</script></head>`));
    expect(match).not.toBeNull();
    expect(wallConfigSchema.parse(JSON.parse(match?.[1] ?? ''))).toEqual(wall);
  });

  it('with no value able to close the script element', () => {
    const html = pageWithConfig('<head></head>', wall);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
  });

  it('with the relative asset links of the build made absolute under BASE_PATH', () => {
    const built = '<head><script type="module" crossorigin src="./assets/index-a1.js"></script><link rel="stylesheet" crossorigin href="./assets/index-b2.css"></head>';
    expect(pageWithConfig(built, { ...wall, basePath: '/grid141' })).toContain('src="/grid141/assets/index-a1.js"');
    expect(pageWithConfig(built, { ...wall, basePath: '/grid141' })).toContain('href="/grid141/assets/index-b2.css"');
    expect(pageWithConfig(built, wall)).toContain('src="/assets/index-a1.js"');
  });
});
