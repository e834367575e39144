// A street's own grid map: files made here from the demo street's grids, broken the ways real
// ones are (an overlap, a hole, a self-intersection, an open ring, GCJ-02 coordinates, grids as
// points only), imported, reported in Chinese, kept as versions, restored, records placed again.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as turf from '@turf/turf';
import gcoord from 'gcoord';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dueAtFor, slaProfileFor } from '@grid141/shared';
import { importGrids, listVersions, restoreVersion } from '../../server/src/import/grids.ts';
import { loadStreet } from '../../server/src/street/load.ts';
import { openStore, type NewIncident, type Store } from '../../server/src/store/index.ts';
import { REPO_ROOT } from '../helpers/server.ts';

const STREET = 'shiyoulu';
let dir: string;
let streetsDir: string;
let store: Store;

type Feature = { type: 'Feature'; geometry: { type: string; coordinates: unknown }; properties: Record<string, unknown> };

function incidentAt(lng: number, lat: number): NewIncident {
  const reportedAt = new Date(Date.now() - 3_600_000).toISOString();
  return {
    id: randomUUID(), streetId: STREET, externalId: `g-${randomUUID()}`, source: 'grid_patrol', category: 'city_mgmt', subcategory: null,
    urgency: 'normal', colour: 'red', status: 'reported', title: null, description: '占道经营', location: { lng, lat }, address: null,
    reporter: null, photos: [], gridId: 'old', microGridId: 'old', communityId: 'old', outsideArea: false, reportedAt, receivedAt: reportedAt,
    updatedAt: reportedAt, acceptedAt: null, dispatchedAt: null, onSiteAt: null, handledAt: null, closedAt: null,
    dueAt: dueAtFor('city_mgmt', 'normal', reportedAt), slaProfile: slaProfileFor('city_mgmt', 'normal'), assignee: null, escalations: [],
    evaluation: null, simulated: false,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'grid141-grids-'));
  streetsDir = path.join(dir, 'streets');
  cpSync(path.join(REPO_ROOT, 'data', 'streets', STREET), path.join(streetsDir, STREET), { recursive: true });
  store = await openStore({ streetId: STREET, databaseUrl: null, dataDir: path.join(dir, 'data') });
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The demo street's grids as a street would hand them over: id, name, community name. */
function streetGrids(): Feature[] {
  const grids = JSON.parse(readFileSync(path.join(REPO_ROOT, 'data', 'streets', STREET, 'grids.geojson'), 'utf8')) as { features: Feature[] };
  const communities = JSON.parse(readFileSync(path.join(REPO_ROOT, 'data', 'streets', STREET, 'communities.geojson'), 'utf8')) as { features: Feature[] };
  const names = new Map(communities.features.map((c) => [c.properties.id, c.properties.name]));
  return grids.features.map((g) => ({ type: 'Feature', geometry: g.geometry, properties: { 网格编号: g.properties.id, 网格名称: g.properties.name, 所属社区: names.get(g.properties.communityId) } }));
}

describe('grid map import', () => {
  it('mends an open ring and a self-intersection, reports an overlap and a hole, keeps the old map, and places records again', async () => {
    const features = streetGrids();
    const street = await loadStreet(streetsDir, STREET);
    // Incidents placed on the old map: one inside the grid that will be left out (the hole).
    const holeGrid = features[5] as Feature;
    const inHole = turf.pointOnFeature(holeGrid as never).geometry.coordinates as [number, number];
    const elsewhere = turf.pointOnFeature(features[40] as never).geometry.coordinates as [number, number];
    await store.insertIncidents([incidentAt(...inHole), incidentAt(...elsewhere)]);

    features.splice(5, 1); // a hole where that grid was
    const grown = features[10] as Feature;
    grown.geometry = (turf.buffer(grown as never, 15, { units: 'meters' }) as unknown as Feature).geometry; // overlaps its neighbours
    const open = features[30] as Feature;
    const ring = (open.geometry.coordinates as number[][][])[0] as number[][];
    open.geometry = { type: 'Polygon', coordinates: [ring.slice(0, -1)] };
    const bow = features[50] as Feature;
    const [minX, minY, maxX, maxY] = turf.bbox(bow as never);
    bow.geometry = { type: 'Polygon', coordinates: [[[minX, minY], [maxX, maxY], [maxX, minY], [minX, maxY], [minX, minY]]] };
    features.push({ ...(features[0] as Feature), properties: { ...(features[0] as Feature).properties } }); // a repeated id
    const file = path.join(dir, 'grids.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));

    const dry = await importGrids({ file, streetsDir, streetId: STREET, dryRun: true, store });
    expect(dry.version).toBeNull();
    expect(await listVersions(streetsDir, STREET)).toEqual([]);

    const report = await importGrids({ file, streetsDir, streetId: STREET, store });
    const text = report.lines.join('\n');
    expect(report.grids).toBe(121);
    expect(report.refused).toBe(1);
    expect(text).toContain('边界线未闭合，已自动闭合');
    expect(text).toMatch(/边界自相交，已用 unkinkPolygon 拆分为 2 块/);
    expect(text).toMatch(new RegExp(`重叠：网格 ${String((grown.properties as Record<string, unknown>).网格编号)} 与 `));
    expect(text).toContain('编号 SYL-C01-G01 与前面的网格重复');
    expect(report.gaps.length).toBeGreaterThan(0);
    expect(report.gaps.some((g) => turf.booleanPointInPolygon(g.at, holeGrid as never))).toBe(true);
    expect(text).toMatch(/空隙：边界内有 \d+ 处没有网格覆盖/);
    expect(report.version).not.toBeNull();
    expect(existsSync(path.join(streetsDir, STREET, 'versions', report.version as string, 'grids.geojson'))).toBe(true);

    const after = await loadStreet(streetsDir, STREET);
    expect(after.grids.features).toHaveLength(121);
    expect(after.meta.gridCount).toBe(121);
    expect(after.gridById.has(String(holeGrid.properties.网格编号))).toBe(false);
    // Every stored record was placed again: the one in the hole is no longer in the grid that is gone.
    expect(report.relocated?.incidents).toBe(2);
    const page = await store.listIncidents({}, 10, null);
    expect(page.items.every((i) => i.gridId !== 'old')).toBe(true);
    expect(page.items.map((i) => i.gridId)).not.toContain(String(holeGrid.properties.网格编号));
    expect(street.grids.features).toHaveLength(122);

    // The previous map comes back as it was.
    const restored = await restoreVersion({ streetsDir, streetId: STREET, version: report.version as string, store });
    expect(restored.relocated?.incidents).toBe(2);
    const back = await loadStreet(streetsDir, STREET);
    expect(back.grids.features).toHaveLength(122);
    expect(await listVersions(streetsDir, STREET)).toHaveLength(2);
    const placed = await store.listIncidents({}, 10, null);
    expect(placed.items.map((i) => i.gridId).sort()).toEqual(
      [street.gridById.get(String(holeGrid.properties.网格编号))?.properties.id, (features[39] as Feature).properties.网格编号].map(String).sort(),
    );
  });

  it('a grid id or name the store cannot hold (NUL, half an emoji) fails the street checks; the map and the records stay as they were', async () => {
    const before = readFileSync(path.join(streetsDir, STREET, 'grids.geojson'), 'utf8');
    const versions = await listVersions(streetsDir, STREET);
    for (const [key, value] of [['网格编号', 'G\u0000001'], ['网格名称', '一网格\udc00']] as const) {
      const features = streetGrids();
      (features[3] as Feature).properties[key] = value;
      const file = path.join(dir, 'grids-nul.geojson');
      writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
      await expect(importGrids({ file, streetsDir, streetId: STREET, store })).rejects.toThrow(/新地图未通过检查.*(U\+0000|U\+DC00)/);
    }
    expect(readFileSync(path.join(streetsDir, STREET, 'grids.geojson'), 'utf8')).toBe(before);
    expect(await listVersions(streetsDir, STREET)).toEqual(versions);
  });

  it('reads a map in GCJ-02 (with its boundary in another file) back to WGS84', async () => {
    const original = streetGrids();
    const toGcj = (f: Feature) => gcoord.transform(JSON.parse(JSON.stringify(f)) as never, gcoord.WGS84, gcoord.GCJ02) as unknown as Feature;
    const file = path.join(dir, 'grids-gcj02.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: original.map(toGcj) }));
    const boundary = JSON.parse(readFileSync(path.join(REPO_ROOT, 'data', 'streets', STREET, 'boundary.geojson'), 'utf8')) as { features: Feature[] };
    const boundaryFile = path.join(dir, 'boundary-gcj02.geojson');
    writeFileSync(boundaryFile, JSON.stringify({ type: 'FeatureCollection', features: boundary.features.map(toGcj) }));
    const wgsFile = path.join(dir, 'grids-wgs84.geojson');
    writeFileSync(wgsFile, JSON.stringify({ type: 'FeatureCollection', features: original }));
    const plain = await importGrids({ file: wgsFile, streetsDir, streetId: STREET, dryRun: true });
    const report = await importGrids({ file, boundaryFile, streetsDir, streetId: STREET, crs: 'gcj02', dryRun: false });
    expect(report.lines.join('\n')).toContain('按 GCJ-02（火星坐标）读取，已转换为 WGS84');
    expect(report.grids).toBe(122);
    // The generated street's neighbours share rounding slivers of their own; the conversion adds none.
    const pairs = (r: typeof report) => r.overlaps.map((o) => `${o.a}/${o.b}`).sort();
    expect(pairs(report)).toEqual(pairs(plain));
    const after = await loadStreet(streetsDir, STREET);
    const a = turf.centroid(after.grids.features[0] as never).geometry.coordinates;
    const b = turf.centroid(original[0] as never).geometry.coordinates;
    // GCJ-02 is 300–500 m off; back in WGS84 the grid is where it was, within a metre.
    expect(turf.distance(a, b, { units: 'meters' })).toBeLessThan(1);
  });

  it('grids given as points with a name only are drawn as the nearest part of the boundary (the real Yuzhong district boundary, DataV format)', async () => {
    const datav = [process.env.GRID141_EXTERNAL, path.join(REPO_ROOT, '..', 'shared', 'external'), path.join(REPO_ROOT, '..', '..', 'shared', 'external')]
      .filter((d): d is string => Boolean(d)).map((d) => path.join(d, 'chongqing_yuzhong_500103_datav.json')).find((f) => existsSync(f));
    const names = ['解放碑', '七星岗', '两路口', '上清寺', '大坪', '化龙桥', '石油路'];
    const points = names.map((name, i) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [106.50 + i * 0.012, 29.55] }, properties: { name, 社区: `${name}社区` } }));
    const file = path.join(dir, 'points.geojson');
    writeFileSync(file, JSON.stringify(points));
    const report = await importGrids({ file, streetsDir, streetId: STREET, crs: 'gcj02', dryRun: true, ...(datav ? { boundaryFile: datav } : {}) });
    expect(report.grids).toBe(names.length);
    expect(report.lines.join('\n')).toContain('已按就近原则（泰森多边形）在边界内划出范围');
    expect(report.gaps).toEqual([]);
  });
});

describe('grid map import: the communities and micro-grids layers', () => {
  const layered = () => {
    const read = (name: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, 'data', 'streets', STREET, `${name}.geojson`), 'utf8')) as { features: Feature[] };
    const communities = read('communities').features.map((c) => ({ type: 'Feature' as const, geometry: c.geometry, properties: { 图层: '社区', 社区编号: c.properties.id, 社区名称: c.properties.name, 人口: String(c.properties.population) } }));
    const grids = streetGrids();
    const micro = read('microgrids').features.map((m) => ({ type: 'Feature' as const, geometry: m.geometry, properties: { 图层: '微网格', 微网格编号: `${String(m.properties.id)}-X`, 微网格名称: m.properties.name, 所属网格: m.properties.gridId, 户数: m.properties.households } }));
    return { communities, grids, micro };
  };
  let layerStreets: string;
  beforeAll(() => {
    layerStreets = path.join(dir, 'layer-streets');
    cpSync(path.join(REPO_ROOT, 'data', 'streets', STREET), path.join(layerStreets, STREET), { recursive: true });
  });

  it('reads communities and micro-grids marked in the grid file: their ids, names, counts, and the POIs placed in them', async () => {
    const { communities, grids, micro } = layered();
    // One micro-grid names a grid the file does not have; one names none and is placed by where it lies.
    (micro[0] as Feature).properties.所属网格 = 'NO-SUCH-GRID';
    delete (micro[1] as Feature).properties.所属网格;
    const file = path.join(dir, 'layered.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [...communities, ...grids, ...micro] }));
    const report = await importGrids({ file, streetsDir: layerStreets, streetId: STREET });
    const text = report.lines.join('\n');
    expect(report.layers).toEqual({ communities: 'file', microGrids: 'file' });
    expect(report.communities).toBe(10);
    expect(report.grids).toBe(122);
    expect(text).toContain(`拒绝：微网格 ${String((micro[0] as Feature).properties.微网格名称)} 所属网格 NO-SUCH-GRID 不在本次导入的网格中`);
    expect(text).toMatch(/社区：取自文件，共 10 个/);
    expect(text).toMatch(/微网格：取自文件，共 2934 个/);
    expect(report.refused).toBe(1);
    const after = await loadStreet(layerStreets, STREET);
    expect(after.communities.features.map((c) => c.properties.id).sort()).toEqual(communities.map((c) => String(c.properties.社区编号)).sort());
    expect(after.communityById.get('SYL-C01')?.properties.population).toBe(Number(communities[0]?.properties.人口));
    // The micro-grids are the file's (ids with -X); the one without a grid went to the grid it lies in.
    expect(after.microgrids.features).toHaveLength(2934);
    expect(after.microgrids.features.every((m) => m.properties.id.endsWith('-X'))).toBe(true);
    expect(after.microgrids.features.find((m) => m.properties.id === (micro[1] as Feature).properties.微网格编号)?.properties.gridId).toBe('SYL-C01-G01');
    expect(after.meta.microGridCount).toBe(after.microgrids.features.length);
    // POIs lie in the file's micro-grids now.
    const inFileMicro = after.pois.features.filter((p) => p.properties.microGridId.endsWith('-X'));
    expect(inFileMicro.length).toBeGreaterThan(after.pois.features.length * 0.9);
  });

  it('takes the layers from files of their own (--communities, --microgrids) and says so when the layer is unusable', async () => {
    const { communities, grids, micro } = layered();
    const gridFile = path.join(dir, 'only-grids.geojson');
    writeFileSync(gridFile, JSON.stringify({ type: 'FeatureCollection', features: grids }));
    const communitiesFile = path.join(dir, 'communities-layer.geojson');
    writeFileSync(communitiesFile, JSON.stringify({ type: 'FeatureCollection', features: communities.map((c) => ({ ...c, properties: { name: c.properties.社区名称, id: c.properties.社区编号 } })) }));
    const microgridsFile = path.join(dir, 'micro-layer.geojson');
    writeFileSync(microgridsFile, JSON.stringify(micro.slice(0, 50)));
    const report = await importGrids({ file: gridFile, communitiesFile, microgridsFile, streetsDir: layerStreets, streetId: STREET, dryRun: true });
    expect(report.layers).toEqual({ communities: 'file', microGrids: 'file' });
    expect(report.microGrids).toBe(50 + 122 - new Set(micro.slice(0, 50).map((m) => m.properties.所属网格)).size);
    expect(report.lines.join('\n')).toMatch(/个网格没有微网格，各暂作一个微网格/);

    const pointsOnly = path.join(dir, 'micro-points.geojson');
    writeFileSync(pointsOnly, JSON.stringify([{ type: 'Feature', geometry: { type: 'Point', coordinates: [106.5, 29.5] }, properties: { name: '点' } }]));
    const unusable = await importGrids({ file: gridFile, microgridsFile: pointsOnly, streetsDir: layerStreets, streetId: STREET, dryRun: true });
    // An unusable layer keeps the street's current micro-grids, as no layer at all does.
    expect(unusable.layers.microGrids).toBe('kept');
    expect(unusable.lines.join('\n')).toContain('拒绝：微网格 点 没有可用的面');
    expect(unusable.lines.join('\n')).toContain('说明：微网格图层没有可用的微网格');
    // (this street holds the 2,934 micro-grids the test before imported)
    expect(unusable.microGrids).toBe(2934);
    expect(unusable.layers.communities).toBe('derived');
    expect(unusable.lines.join('\n')).toContain('文件没有社区图层，社区由其网格合并而成');
  });

  it('a file with the grids layer only keeps the street\'s micro-grids (ids and all), each moved to the new grid it lies in', async () => {
    const read = (name: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, 'data', 'streets', STREET, `${name}.geojson`), 'utf8')) as { features: Feature[] };
    const oldMicro = read('microgrids').features;
    // The server's own grids layer (as /api/v1/geo/grids.geojson gives it), one grid renamed and
    // one grid's area given to its neighbour (its micro-grids must move there, not vanish).
    const grids = read('grids').features;
    (grids[0] as Feature).properties.name = '改名的网格';
    const [gone, heir] = [grids[5] as Feature, grids[6] as Feature];
    heir.geometry = turf.union(turf.featureCollection([turf.feature(gone.geometry as never), turf.feature(heir.geometry as never)]) as never)?.geometry as never;
    const file = path.join(dir, 'grids-only.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: grids.filter((g) => g !== gone) }));
    const streets = path.join(dir, 'grids-only-streets');
    cpSync(path.join(REPO_ROOT, 'data', 'streets', STREET), path.join(streets, STREET), { recursive: true });
    const report = await importGrids({ file, streetsDir: streets, streetId: STREET });
    const text = report.lines.join('\n');
    expect(report.layers.microGrids).toBe('kept');
    expect(report.grids).toBe(121);
    expect(report.microGrids).toBe(2935);
    expect(text).toMatch(/保留街道现有的 2935 个微网格（编号不变）/);
    expect(text).not.toContain('每个网格暂作一个微网格');
    const after = await loadStreet(streets, STREET);
    expect(after.microgrids.features.map((m) => m.properties.id).sort()).toEqual(oldMicro.map((m) => String(m.properties.id)).sort());
    expect(after.meta.microGridCount).toBe(2935);
    expect(after.gridById.get(String(grids[0]?.properties.id))?.properties.name).toBe('改名的网格');
    // The removed grid's micro-grids now belong to the grid that took its area.
    const movedIds = oldMicro.filter((m) => m.properties.gridId === gone.properties.id).map((m) => String(m.properties.id));
    expect(movedIds.length).toBeGreaterThan(0);
    const byId = new Map(after.microgrids.features.map((m) => [m.properties.id, m.properties]));
    for (const id of movedIds) expect(byId.get(id)?.gridId).toBe(heir.properties.id);
    expect(text).toMatch(new RegExp(`${movedIds.length} 个改归其他网格`));
    // Communities are kept by id (the grids name theirs).
    expect(after.communities.features.map((c) => c.properties.id).sort()).toEqual(read('communities').features.map((c) => String(c.properties.id)).sort());
    // Grids that name no community go to the street's current ones (not all into one 未分社区).
    const bare = path.join(dir, 'grids-bare.geojson');
    writeFileSync(bare, JSON.stringify(read('grids').features.map((g) => ({ ...g, properties: { id: g.properties.id, name: g.properties.name } }))));
    const bareReport = await importGrids({ file: bare, streetsDir: streets, streetId: STREET, dryRun: true });
    expect(bareReport.communities).toBe(10);
    expect(bareReport.microGrids).toBe(2935);
    expect(bareReport.lines.join('\n')).toContain('社区：122 个网格未写所属社区，已归入街道现有社区');
  });
});
