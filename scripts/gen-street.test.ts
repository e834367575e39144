// The committed street geodata must be exactly what the generator makes, and its areas must tile.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as turf from '@turf/turf';
import Flatbush from 'flatbush';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type AreaFeature = Feature<Polygon | MultiPolygon, Record<string, unknown> & { id: string }>;
const root = fileURLToPath(new URL('..', import.meta.url));
const committed = join(root, 'data/streets/shiyoulu');
let out = '';

function read(dir: string, name: string): { features: AreaFeature[] } {
  return JSON.parse(readFileSync(join(dir, name), 'utf8'));
}
// 1e-6° is ~0.1 m; two rounded vertices can leave a sliver up to about twice that. Real overlaps are metres wide.
const ROUNDING_SLIVER_M = 0.25;

// Mean width of a (sliver) area in metres: area over half its perimeter.
function sliverWidthM(f: Feature<Polygon | MultiPolygon>): number {
  const lines = turf.polygonToLine(f);
  const perimeterM = turf.length(lines as Feature<never>, { units: 'kilometers' }) * 1000;
  return turf.area(f) / (perimeterM / 2);
}
const fc = (name: string) => read(committed, name).features;

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'gen-street-'));
  execFileSync(join(root, 'node_modules/.bin/tsx'), [join(root, 'scripts/gen-street.ts'), '--out', out], { stdio: 'pipe' });
}, 120_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('gen-street', () => {
  it('regenerates byte-identical files (the committed data is the generator output)', () => {
    // The duty roster and the time targets beside the street data are written by hand, not generated.
    const HAND_WRITTEN = new Set(['duty-roster.json', 'targets.json']);
    const files = readdirSync(committed).filter((f) => !HAND_WRITTEN.has(f)).sort();
    expect(readdirSync(out).sort()).toEqual(files);
    expect(files).toEqual(['boundary.geojson', 'communities.geojson', 'grids.geojson', 'microgrids.geojson', 'pois.geojson', 'roads.geojson', 'street.json']);
    for (const f of files) expect(readFileSync(join(out, f), 'utf8'), `${f} differs from a fresh run`).toBe(readFileSync(join(committed, f), 'utf8'));
  });

  it('has the counts of the 石油路 twin and consistent totals', () => {
    const meta = JSON.parse(readFileSync(join(committed, 'street.json'), 'utf8'));
    const communities = fc('communities.geojson');
    const grids = fc('grids.geojson');
    expect(communities).toHaveLength(10);
    expect(grids).toHaveLength(122);
    expect(meta.gridCount).toBe(122);
    expect(meta.microGridCount).toBe(fc('microgrids.geojson').length);
    expect(meta.microGridCount).toBeGreaterThan(2500);
    expect(meta.areaKm2).toBeCloseTo(3.5, 1);
    const sum = (fs: AreaFeature[], k: string) => fs.reduce((s, f) => s + (f.properties[k] as number), 0);
    expect(sum(communities, 'population')).toBe(meta.population);
    expect(sum(communities, 'households')).toBe(meta.households);
    for (const c of communities) {
      const mine = grids.filter((g) => g.properties.communityId === c.properties.id);
      expect(sum(mine, 'population'), `grid population of ${c.properties.id}`).toBe(c.properties.population);
    }
    expect(grids.filter((g) => g.properties.type === 'dedicated')).toHaveLength(8);
  });

  it('ids are unique and every parent id resolves', () => {
    const ids = new Set<string>();
    const all = ['boundary.geojson', 'communities.geojson', 'grids.geojson', 'microgrids.geojson', 'pois.geojson', 'roads.geojson'].flatMap(fc);
    for (const f of all.filter((x) => x.properties.id !== 'shiyoulu')) {
      expect(ids.has(f.properties.id), `duplicate id ${f.properties.id}`).toBe(false);
      ids.add(f.properties.id);
      expect(f.properties.streetId).toBe('shiyoulu');
      for (const k of ['communityId', 'gridId', 'microGridId']) {
        const parent = f.properties[k];
        if (parent !== undefined) expect(ids.has(parent as string) || all.some((x) => x.properties.id === parent), `${f.properties.id}.${k}`).toBe(true);
      }
    }
  });

  it('children tile their parents: areas add up, children lie inside, siblings do not overlap', () => {
    const levels: [AreaFeature[], AreaFeature[], (child: AreaFeature) => unknown][] = [
      [fc('boundary.geojson'), fc('communities.geojson'), () => 'shiyoulu'],
      [fc('communities.geojson'), fc('grids.geojson'), (c) => c.properties.communityId],
      [fc('grids.geojson'), fc('microgrids.geojson'), (c) => c.properties.gridId],
    ];
    for (const [parents, children, parentOf] of levels) {
      for (const p of parents) {
        const kids = children.filter((c) => parentOf(c) === p.properties.id);
        expect(kids.length, `children of ${p.properties.id}`).toBeGreaterThan(0);
        const parentArea = turf.area(p);
        const kidsArea = kids.reduce((s, k) => s + turf.area(k), 0);
        expect(Math.abs(kidsArea - parentArea) / parentArea, `area of ${p.properties.id}'s children`).toBeLessThan(0.001);
        for (const k of kids) {
          const outside = turf.difference(turf.featureCollection([k, p]));
          expect(outside ? sliverWidthM(outside) : 0, `${k.properties.id} sticks out of ${p.properties.id}, metres`).toBeLessThan(ROUNDING_SLIVER_M);
        }
      }
      // Pairwise sibling overlap, only for bbox candidates. Rounding to 6 decimals (~0.1 m) moves a vertex
      // where a child's edge meets its parent's edge, so neighbours across a parent edge may share a sliver:
      // measured as its mean width (area / half its perimeter), which must stay below rounding.
      const index = new Flatbush(children.length);
      const boxes = children.map((c) => turf.bbox(c));
      for (const [w, s, e, n] of boxes) index.add(w, s, e, n);
      index.finish();
      let worst = 0;
      children.forEach((c, i) => {
        const [w, s, e, n] = boxes[i] as number[];
        for (const j of index.search(w as number, s as number, e as number, n as number)) {
          if (j <= i) continue;
          const inter = turf.intersect(turf.featureCollection([c, children[j] as AreaFeature]));
          if (!inter) continue;
          worst = Math.max(worst, sliverWidthM(inter));
        }
      });
      expect(worst, 'widest overlap between siblings, metres').toBeLessThan(ROUNDING_SLIVER_M);
    }
  });

  it('every POI lies inside the micro-grid and grid it names', () => {
    const micro = new Map(fc('microgrids.geojson').map((m) => [m.properties.id, m]));
    const grids = new Map(fc('grids.geojson').map((g) => [g.properties.id, g]));
    const pois = read(committed, 'pois.geojson').features as unknown as Feature<{ type: 'Point'; coordinates: number[] }, Record<string, string>>[];
    expect(pois.length).toBeGreaterThan(350);
    for (const p of pois) {
      const m = micro.get(p.properties.microGridId as string) as AreaFeature;
      expect(turf.booleanPointInPolygon(p.geometry.coordinates, m), `${p.properties.id} in ${p.properties.microGridId}`).toBe(true);
      expect(turf.booleanPointInPolygon(p.geometry.coordinates, grids.get(p.properties.gridId as string) as AreaFeature)).toBe(true);
      expect(m.properties.gridId).toBe(p.properties.gridId);
    }
  });
});
