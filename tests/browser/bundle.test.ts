// Issue 4's bundle rules, read off the built wall (client/dist): the wall route's JavaScript
// (every script the page can load: the entry, the wall chunk, its lazy parts and MapLibre's
// worker) is at most 1.5 MB gzip; ECharts comes through echarts/core with only the chart types
// the boards draw; MapLibre and ECharts stay out of the entry chunk.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { REPO_ROOT } from '../helpers/server.ts';

const BUDGET_GZIP = 1.5 * 1024 * 1024;
const ASSETS = path.join(REPO_ROOT, 'client', 'dist', 'assets');
/** What the boards draw (bar, line, pie); any other series type means ECharts came in whole. */
const USED_SERIES = ['bar', 'line', 'pie'];

describe('the built wall', () => {
  let scripts: { name: string; text: string; gzip: number }[] = [];

  beforeAll(() => {
    ensureClientBuilt();
    scripts = fs
      .readdirSync(ASSETS)
      .filter((name) => /\.m?js$/.test(name))
      .map((name) => {
        const text = fs.readFileSync(path.join(ASSETS, name), 'utf8');
        return { name, text, gzip: zlib.gzipSync(text, { level: 9 }).length };
      });
  });

  it('ships at most 1.5 MB of gzipped JavaScript for the wall route', () => {
    const total = scripts.reduce((sum, script) => sum + script.gzip, 0);
    console.log(`wall route JavaScript: ${(total / 1024).toFixed(0)} KB gzip (${scripts.map((s) => `${s.name.replace(/-[\w-]+\./, '.')} ${(s.gzip / 1024).toFixed(0)} KB`).join(', ')})`);
    expect(total).toBeLessThanOrEqual(BUDGET_GZIP);
  });

  it('takes only the ECharts series it draws, and keeps the map and charts out of the entry chunk', () => {
    // Each series class registers its type as a string literal: t.type=`series.bar` (any quotes).
    const series = new Set(scripts.flatMap((script) => [...script.text.matchAll(/\.type=["'`]series\.([a-zA-Z]+)["'`]/g)].map((m) => m[1])));
    expect([...series].sort()).toEqual(USED_SERIES);
    const entry = scripts.find((script) => script.name.startsWith('index-'));
    expect(entry, 'the entry chunk').toBeDefined();
    expect(entry?.text).not.toMatch(/maplibre|series\.bar/i);
  });
});
