// A real street's grid map (`--kind grids FILE.geojson`): read the grids a street brings (a
// FeatureCollection, a bare array as DataV exports, Polygons or MultiPolygons, GCJ-02 or WGS84),
// mend what can be mended (close rings, split self-intersections with turf's unkinkPolygon, clip
// to the boundary), refuse what cannot (no usable geometry, a repeated id), report gaps and
// overlaps over 1 m² in Chinese, keep the previous map as a version, write the new one, and place
// every stored record again.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as turf from '@turf/turf';
import gcoord from 'gcoord';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { STREET_FILES, type ActorKind, type AreaGeometry, type CommunityFeature, type GridFeature, type MicroGridFeature, type PoiFeature } from '@grid141/shared';
import { loadStreet, type LoadedStreet } from '../street/load.ts';
import { createLocator, type Locator } from '../street/locate.ts';
import type { Store } from '../store/types.ts';

/** Areas smaller than this are noise of rounding, not gaps or overlaps (m²). */
export const SLIVER_M2 = 1;

export type Crs = 'wgs84' | 'gcj02';

export interface GridImportOptions {
  file: string;
  streetsDir: string;
  streetId: string;
  /** A boundary in another file (default: the street's own boundary). */
  boundaryFile?: string;
  /** The communities layer in another file (else features of `file` marked as communities, else the union of their grids). */
  communitiesFile?: string;
  /**
   * The micro-grids layer in another file (else features of `file` marked as micro-grids, else the
   * street's current micro-grids, each moved to the new grid it lies in and cut to it; a grid with
   * none of them gets one micro-grid of its own area).
   */
  microgridsFile?: string;
  crs?: Crs;
  dryRun?: boolean;
  /** Records to place again on the new grids (none on a dry run), and where the change is audited. */
  store?: Store;
  /**
   * False: the store only gets the audit entry, and a running server places the records again
   * when it takes up the new map (server/src/street/plugin.ts). Default true.
   */
  relocate?: boolean;
  serviceAreaM?: number;
  now?: () => number;
  /** Written as the audit entry's actor (the map change is recorded when a store is given). */
  actor?: string;
  /** The actor's kind in the audit entry: 'system' (the CLI) unless a signed-in user uploads. */
  actorKind?: ActorKind;
}

export interface GridImportReport {
  /** What was found and done, one line each, in Chinese. */
  lines: string[];
  grids: number;
  communities: number;
  microGrids: number;
  /**
   * Where each layer came from: `file` (the file's own features, or a file of its own), `kept`
   * (micro-grids only: the street's current ones, re-assigned to the new grids), or `derived`
   * (made from the grids).
   */
  layers: { communities: 'file' | 'derived'; microGrids: 'file' | 'kept' | 'derived' };
  repaired: number;
  refused: number;
  gaps: { areaM2: number; at: Position }[];
  overlaps: { a: string; b: string; areaM2: number }[];
  /** The folder the previous map was kept in (null on a dry run). */
  version: string | null;
  relocated: { incidents: number; feedRecords: number } | null;
}

export class GridImportError extends Error {
  override name = 'GridImportError';
}

type Area = Feature<Polygon | MultiPolygon>;

const pick = (props: Record<string, unknown>, keys: readonly string[]): string | null => {
  for (const key of keys) {
    const value = props[key];
    if (value !== undefined && value !== null && String(value).trim() !== '') return String(value).trim();
  }
  return null;
};
const ID_KEYS = ['id', 'gridId', 'code', 'adcode', '编号', '网格编号', '网格编码', 'ID', 'CODE'];
const NAME_KEYS = ['name', '名称', '网格名称', 'NAME', 'gridName'];
const COMMUNITY_KEYS = ['communityId', 'community', '社区', '所属社区', 'communityName', 'COMMUNITY'];
// Communities and micro-grids, in the same file (marked by a layer property) or in files of their own.
const LAYER_KEYS = ['layer', 'level', '图层', '层级', '类型', 'type'];
const COMMUNITY_ID_KEYS = ['id', 'communityId', 'code', '编号', '社区编号', '社区编码', 'ID', 'CODE'];
const COMMUNITY_NAME_KEYS = ['name', '名称', '社区名称', '社区', 'NAME'];
const MICRO_ID_KEYS = ['id', 'microGridId', 'code', '编号', '微网格编号', '微网格编码', 'ID', 'CODE'];
const MICRO_NAME_KEYS = ['name', '名称', '微网格名称', 'NAME'];
const MICRO_GRID_KEYS = ['gridId', 'grid', '所属网格', '网格编号', '网格编码', '网格'];
const POPULATION_KEYS = ['population', '人口', '常住人口', '人口数'];
const HOUSEHOLD_KEYS = ['households', '户数', '住户数'];
const HIGH_RISE_KEYS = ['highRise', '高层', '是否高层'];

type Layer = 'community' | 'grid' | 'micro';
/** The layer a feature's own property names (社区 / 网格 / 微网格, community / grid / micro_grid); null when it names none. */
function layerOf(props: Record<string, unknown>): Layer | null {
  for (const key of LAYER_KEYS) {
    const value = props[key];
    if (typeof value !== 'string') continue;
    const v = value.trim().toLowerCase().replace(/[\s_-]/g, '');
    if (['community', 'communities', '社区', '社区边界', '居委会'].includes(v)) return 'community';
    if (['microgrid', 'microgrids', 'micro', '微网格', '楼栋网格', '微网格边界'].includes(v)) return 'micro';
    if (['grid', 'grids', '网格', '网格边界'].includes(v)) return 'grid';
  }
  return null;
}

const countOf = (props: Record<string, unknown>, keys: readonly string[]): number | null => {
  const raw = pick(props, keys);
  if (raw === null) return null;
  const n = Number(raw.replace(/[,，\s]/g, ''));
  return Number.isInteger(n) && n >= 0 ? n : null;
};
const yes = (props: Record<string, unknown>, keys: readonly string[]): boolean => {
  const raw = pick(props, keys);
  return raw !== null && ['true', '1', '是', 'yes', 'y', '高层'].includes(raw.toLowerCase());
};

const m2 = (f: Area) => turf.area(f);
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en') : n.toFixed(1));
const round6 = (p: Position): Position => [Math.round((p[0] as number) * 1e6) / 1e6, Math.round((p[1] as number) * 1e6) / 1e6];

async function readFeatures(file: string): Promise<Feature[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new GridImportError(`${file} 不是有效的 JSON / not valid JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(json)) return json as Feature[];
  const value = json as { type?: string; features?: Feature[] };
  if (value.type === 'FeatureCollection' && Array.isArray(value.features)) return value.features;
  if (value.type === 'Feature') return [json as Feature];
  throw new GridImportError(`${file} 不是 GeoJSON 要素集合 / not a GeoJSON FeatureCollection`);
}

function toWgs84<T extends Feature>(feature: T, crs: Crs): T {
  if (crs === 'wgs84' || !feature.geometry) return feature;
  return gcoord.transform(feature as never, gcoord.GCJ02, gcoord.WGS84) as unknown as T;
}

/** Closes open rings and drops repeated closing points; null when a ring has under 3 corners. */
function closeRings(rings: Position[][]): { rings: Position[][]; closed: boolean } | null {
  let closed = false;
  const out: Position[][] = [];
  for (const ring of rings) {
    const r = ring.filter((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]));
    const first = r[0];
    const last = r[r.length - 1];
    if (first && last && (first[0] !== last[0] || first[1] !== last[1])) {
      r.push([first[0] as number, first[1] as number]);
      closed = true;
    }
    if (r.length < 4) return null;
    out.push(r);
  }
  return { rings: out, closed };
}

/** The grid's area as clean polygons, and what was mended; null when nothing usable is left. */
function mend(feature: Feature, label: string, lines: string[]): Area | null {
  const g = feature.geometry;
  if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) return null;
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  const pieces: Position[][][] = [];
  let closed = false;
  let unkinked = 0;
  for (const rings of polygons) {
    const fixed = closeRings(rings);
    if (!fixed) continue;
    closed ||= fixed.closed;
    const polygon = turf.polygon(fixed.rings.map((r) => r.map(round6)));
    if (turf.kinks(polygon).features.length > 0) {
      const parts = turf.unkinkPolygon(polygon).features.filter((p) => turf.area(p) > SLIVER_M2);
      unkinked += 1;
      for (const p of parts) pieces.push(p.geometry.coordinates);
    } else {
      pieces.push(polygon.geometry.coordinates);
    }
  }
  if (pieces.length === 0) return null;
  if (closed) lines.push(`修复：${label} 的边界线未闭合，已自动闭合`);
  if (unkinked > 0) lines.push(`修复：${label} 的边界自相交，已用 unkinkPolygon 拆分为 ${pieces.length} 块`);
  const props = (feature.properties ?? {}) as Record<string, unknown>;
  return pieces.length === 1 ? turf.polygon(pieces[0] as Position[][], props) : turf.multiPolygon(pieces, props);
}

function union(features: Area[]): Area | null {
  if (features.length === 0) return null;
  if (features.length === 1) return features[0] as Area;
  return turf.union(turf.featureCollection(features)) as Area | null;
}

function geometryOf(area: Area): AreaGeometry {
  return area.geometry as AreaGeometry;
}

interface PlannedGrid {
  id: string;
  name: string;
  communityId: string;
  communityName: string;
  area: Area;
}

/** Reads, mends and checks the file; throws GridImportError when no map can be made of it. */
async function planMap(options: GridImportOptions, street: LoadedStreet, lines: string[]) {
  const crs = options.crs ?? 'wgs84';
  const all = (await readFeatures(options.file)).map((f) => toWgs84(f, crs));
  if (crs === 'gcj02') lines.push('坐标：按 GCJ-02（火星坐标）读取，已转换为 WGS84');
  // The file's own layers: features marked as communities or micro-grids; the rest are grids.
  const marked = (layer: Layer) => all.filter((f) => layerOf((f.properties ?? {}) as Record<string, unknown>) === layer);
  const features = all.filter((f) => { const l = layerOf((f.properties ?? {}) as Record<string, unknown>); return l === null || l === 'grid'; });
  const layerFile = async (file: string | undefined, layer: Layer, zh: string) => {
    if (!file) return marked(layer);
    const extra = (await readFeatures(file)).map((f) => toWgs84(f, crs));
    if (marked(layer).length > 0) lines.push(`说明：${zh}取自 ${path.basename(file)}，主文件里标为${zh}的 ${marked(layer).length} 个要素未用`);
    return extra;
  };
  const communityFeatures = await layerFile(options.communitiesFile, 'community', '社区');
  const microFeatures = await layerFile(options.microgridsFile, 'micro', '微网格');
  let boundary: Area;
  if (options.boundaryFile) {
    const parts = (await readFeatures(options.boundaryFile)).map((f) => toWgs84(f, crs)).map((f) => mend(f, '边界', lines)).filter((f): f is Area => f !== null);
    const merged = union(parts);
    if (!merged) throw new GridImportError(`${options.boundaryFile} 里没有可用的边界面 / no boundary polygon`);
    boundary = merged;
    lines.push(`边界：取自 ${path.basename(options.boundaryFile)}，面积 ${fmt(m2(boundary) / 1e6)} km²`);
  } else {
    boundary = turf.feature(street.boundary.features[0]?.geometry as Polygon) as Area;
  }

  const grids: PlannedGrid[] = [];
  const points: { id: string; name: string; communityName: string; at: Position }[] = [];
  const seen = new Set<string>();
  // Grids that name no community (placed in the street's current communities when the file has no community layer).
  const unnamed = new Set<string>();
  let refused = 0;
  let repaired = 0;
  features.forEach((feature, index) => {
    const props = (feature.properties ?? {}) as Record<string, unknown>;
    const id = pick(props, ID_KEYS) ?? `G${String(index + 1).padStart(3, '0')}`;
    const name = pick(props, NAME_KEYS) ?? id;
    const label = `第 ${index + 1} 个要素（${name}）`;
    if (seen.has(id)) {
      lines.push(`拒绝：${label} 的编号 ${id} 与前面的网格重复`);
      refused += 1;
      return;
    }
    seen.add(id);
    const namedCommunity = pick(props, COMMUNITY_KEYS);
    const communityName = namedCommunity ?? '未分社区';
    if (feature.geometry?.type === 'Point') {
      points.push({ id, name, communityName, at: feature.geometry.coordinates });
      return;
    }
    const before = lines.length;
    const area = mend(feature, label, lines);
    if (lines.length > before) repaired += 1;
    if (!area) {
      lines.push(`拒绝：${label} 没有可用的面（几何为 ${feature.geometry?.type ?? '空'}，或边界少于 3 个角点）`);
      refused += 1;
      return;
    }
    grids.push({ id, name, communityId: communityName, communityName, area });
    if (namedCommunity === null) unnamed.add(id);
  });

  if (points.length > 0) {
    if (grids.length > 0) {
      for (const p of points) lines.push(`拒绝：网格 ${p.name} 只有点没有面，而其他网格有面，无法推算其范围`);
      refused += points.length;
    } else {
      // Grids given as points with a name only: each takes the part of the boundary nearest to it.
      const cells = turf.voronoi(turf.featureCollection(points.map((p) => turf.point(p.at))), { bbox: turf.bbox(boundary) });
      points.forEach((p, i) => {
        const cell = cells.features[i];
        const clipped = cell ? (turf.intersect(turf.featureCollection([cell as Area, boundary])) as Area | null) : null;
        if (!clipped) {
          lines.push(`拒绝：网格 ${p.name} 的点在边界之外`);
          refused += 1;
          return;
        }
        grids.push({ id: p.id, name: p.name, communityId: p.communityName, communityName: p.communityName, area: clipped });
      });
      lines.push(`修复：${points.length} 个网格只有点和名称，已按就近原则（泰森多边形）在边界内划出范围`);
      repaired += points.length;
    }
  }
  if (grids.length === 0) throw new GridImportError('文件里没有一个可用的网格 / no usable grid in the file');

  // Every grid inside the boundary: what lies outside (over 1 m²) is cut off.
  for (const grid of grids) {
    const outside = turf.difference(turf.featureCollection([grid.area, boundary])) as Area | null;
    const outsideM2 = outside ? m2(outside) : 0;
    if (outsideM2 > SLIVER_M2) {
      const inside = turf.intersect(turf.featureCollection([grid.area, boundary])) as Area | null;
      if (!inside || m2(inside) <= SLIVER_M2) {
        lines.push(`拒绝：网格 ${grid.name} 完全在街道边界之外`);
        grid.area = null as unknown as Area;
        refused += 1;
        continue;
      }
      lines.push(`修复：网格 ${grid.name} 有 ${fmt(outsideM2)} m² 超出街道边界，已按边界裁去`);
      grid.area = inside;
      repaired += 1;
    }
  }
  const kept = grids.filter((g) => g.area !== null);

  // Overlaps between neighbours over 1 m² (candidates by bounding box).
  const overlaps: GridImportReport['overlaps'] = [];
  const boxes = kept.map((g) => turf.bbox(g.area));
  for (let i = 0; i < kept.length; i += 1) {
    for (let j = i + 1; j < kept.length; j += 1) {
      const a = boxes[i] as number[];
      const b = boxes[j] as number[];
      if ((a[2] as number) < (b[0] as number) || (b[2] as number) < (a[0] as number) || (a[3] as number) < (b[1] as number) || (b[3] as number) < (a[1] as number)) continue;
      const both = turf.intersect(turf.featureCollection([(kept[i] as PlannedGrid).area, (kept[j] as PlannedGrid).area])) as Area | null;
      const areaM2 = both ? m2(both) : 0;
      if (areaM2 > SLIVER_M2) overlaps.push({ a: (kept[i] as PlannedGrid).id, b: (kept[j] as PlannedGrid).id, areaM2 });
    }
  }
  for (const o of overlaps) lines.push(`重叠：网格 ${o.a} 与 ${o.b} 重叠 ${fmt(o.areaM2)} m²（落在重叠处的记录归入先列出的网格）`);

  // Gaps: the boundary minus every grid, pieces over 1 m².
  const covered = union(kept.map((g) => g.area));
  const rest = covered ? (turf.difference(turf.featureCollection([boundary, covered])) as Area | null) : boundary;
  const gaps: GridImportReport['gaps'] = [];
  if (rest) {
    for (const piece of turf.flatten(rest).features) {
      const areaM2 = m2(piece);
      if (areaM2 > SLIVER_M2) gaps.push({ areaM2, at: turf.pointOnFeature(piece).geometry.coordinates.map((c) => Math.round(c * 1e6) / 1e6) });
    }
  }
  if (gaps.length > 0) {
    const total = gaps.reduce((s, g) => s + g.areaM2, 0);
    lines.push(`空隙：边界内有 ${gaps.length} 处没有网格覆盖，共 ${fmt(total)} m²（最大一处 ${fmt(Math.max(...gaps.map((g) => g.areaM2)))} m²，在 ${gaps[0]?.at.join(', ')} 附近）；落在空隙里的记录归入 100 米内最近的网格`);
  }
  const communities = planCommunities(communityFeatures, kept, boundary, lines);
  if (!communities.planned) keepCommunities(street, kept.filter((g) => unnamed.has(g.id)), lines);
  const micro = planMicroGrids(microFeatures, kept, lines);
  refused += communities.refused + micro.refused;
  repaired += communities.repaired + micro.repaired;
  // No usable micro-grid layer: the street's current micro-grids stay (never replaced by made-up ones).
  const keptMicro = micro.planned ? null : keepMicroGrids(street, kept, lines);
  return { boundary, grids: kept, overlaps, gaps, refused, repaired, communities: communities.planned, microGrids: micro.planned ?? keptMicro, microGridsKept: keptMicro !== null };
}

/**
 * Grids that name no community, when the file has no community layer: each goes to the street's
 * current community of the grid with its id, else the one holding a point inside it (else stays
 * 未分社区), so such a file does not fold the street's communities into one.
 */
function keepCommunities(street: LoadedStreet, grids: PlannedGrid[], lines: string[]) {
  let placed = 0;
  for (const grid of grids) {
    const inner = turf.pointOnFeature(grid.area);
    const sameId = street.gridById.get(grid.id)?.properties.communityId;
    const community = (sameId ? street.communityById.get(sameId) : undefined)
      ?? street.communities.features.find((c) => turf.booleanPointInPolygon(inner, c as never));
    if (!community) continue;
    grid.communityId = community.properties.id;
    grid.communityName = community.properties.name;
    placed += 1;
  }
  if (placed > 0) lines.push(`社区：${placed} 个网格未写所属社区，已归入街道现有社区（同编号网格所属的，或所在位置的）`);
}

interface PlannedCommunity {
  id: string;
  name: string;
  area: Area;
  population: number | null;
  households: number | null;
}

/**
 * The communities layer, when the street gives one: mended, cut to the boundary, unique ids; each
 * grid's community is the one it names (by id or name), else the one holding it. Null when the
 * street gives none (communities are then the union of their grids).
 */
function planCommunities(features: Feature[], grids: PlannedGrid[], boundary: Area, lines: string[]) {
  if (features.length === 0) return { planned: null, refused: 0, repaired: 0 };
  const planned: PlannedCommunity[] = [];
  const seen = new Set<string>();
  let refused = 0;
  let repaired = 0;
  features.forEach((feature, index) => {
    const props = (feature.properties ?? {}) as Record<string, unknown>;
    const name = pick(props, COMMUNITY_NAME_KEYS) ?? pick(props, COMMUNITY_ID_KEYS) ?? `社区${index + 1}`;
    const id = pick(props, COMMUNITY_ID_KEYS) ?? name;
    const label = `社区 ${name}`;
    if (seen.has(id)) {
      lines.push(`拒绝：${label} 的编号 ${id} 与前面的社区重复`);
      refused += 1;
      return;
    }
    const before = lines.length;
    let area = mend(feature, label, lines);
    if (!area) {
      lines.push(`拒绝：${label} 没有可用的面（几何为 ${feature.geometry?.type ?? '空'}）`);
      refused += 1;
      return;
    }
    const outside = turf.difference(turf.featureCollection([area, boundary])) as Area | null;
    if (outside && m2(outside) > SLIVER_M2) {
      const inside = turf.intersect(turf.featureCollection([area, boundary])) as Area | null;
      if (!inside || m2(inside) <= SLIVER_M2) {
        lines.push(`拒绝：${label} 完全在街道边界之外`);
        refused += 1;
        return;
      }
      lines.push(`修复：${label} 有 ${fmt(m2(outside))} m² 超出街道边界，已按边界裁去`);
      area = inside;
    }
    if (lines.length > before) repaired += 1;
    seen.add(id);
    planned.push({ id, name, area, population: countOf(props, POPULATION_KEYS), households: countOf(props, HOUSEHOLD_KEYS) });
  });
  if (planned.length === 0) {
    lines.push('说明：社区图层没有可用的社区，社区改由其网格合并而成');
    return { planned: null, refused, repaired };
  }
  // Each grid to its community: named by id or name, else the community holding a point of it.
  const byKey = new Map<string, PlannedCommunity>();
  for (const c of planned) {
    byKey.set(c.id, c);
    byKey.set(c.name, c);
  }
  let contained = 0;
  const strays: string[] = [];
  for (const grid of grids) {
    const named = byKey.get(grid.communityName) ?? byKey.get(grid.communityId);
    const inner = turf.pointOnFeature(grid.area);
    const holding = named ?? planned.find((c) => turf.booleanPointInPolygon(inner, c.area));
    if (!holding) {
      strays.push(grid.name);
      continue;
    }
    if (!named) contained += 1;
    grid.communityId = holding.id;
    grid.communityName = holding.name;
    const outside = turf.difference(turf.featureCollection([grid.area, holding.area])) as Area | null;
    if (outside && m2(outside) > SLIVER_M2 * 100) lines.push(`说明：网格 ${grid.name} 有 ${fmt(m2(outside))} m² 在所属社区 ${holding.name} 之外（保持原样）`);
  }
  lines.push(`社区：取自文件，共 ${planned.length} 个${contained > 0 ? `；${contained} 个网格未写所属社区，已按位置归入` : ''}`);
  if (strays.length > 0) lines.push(`说明：${strays.length} 个网格（${strays.slice(0, 5).join('、')}${strays.length > 5 ? '等' : ''}）不在任何社区内且未写所属社区，仍按其写的社区名归属`);
  return { planned, refused, repaired };
}

interface PlannedMicroGrid {
  id: string;
  name: string;
  gridId: string;
  area: Area;
  households: number | null;
  highRise: boolean;
}

/**
 * The micro-grids layer, when the street gives one: mended, unique ids, each in the grid it names
 * (else the grid holding a point of it) and cut to that grid; one with no grid is refused. Null
 * when the street gives none (each grid is then one micro-grid).
 */
function planMicroGrids(features: Feature[], grids: PlannedGrid[], lines: string[]) {
  if (features.length === 0) return { planned: null, refused: 0, repaired: 0 };
  const gridById = new Map(grids.map((g) => [g.id, g]));
  const gridByName = new Map(grids.map((g) => [g.name, g]));
  const planned: PlannedMicroGrid[] = [];
  const seen = new Set<string>();
  let refused = 0;
  let repaired = 0;
  features.forEach((feature, index) => {
    const props = (feature.properties ?? {}) as Record<string, unknown>;
    const id = pick(props, MICRO_ID_KEYS) ?? `M${String(index + 1).padStart(4, '0')}`;
    const name = pick(props, MICRO_NAME_KEYS) ?? id;
    const label = `微网格 ${name}`;
    if (seen.has(id)) {
      lines.push(`拒绝：${label} 的编号 ${id} 与前面的微网格重复`);
      refused += 1;
      return;
    }
    const before = lines.length;
    let area = mend(feature, label, lines);
    if (!area) {
      lines.push(`拒绝：${label} 没有可用的面（几何为 ${feature.geometry?.type ?? '空'}）`);
      refused += 1;
      return;
    }
    const gridKey = pick(props, MICRO_GRID_KEYS);
    const inner = turf.pointOnFeature(area);
    const grid = (gridKey !== null ? gridById.get(gridKey) ?? gridByName.get(gridKey) : undefined)
      ?? (gridKey === null ? grids.find((g) => turf.booleanPointInPolygon(inner, g.area)) : undefined);
    if (!grid) {
      lines.push(gridKey !== null ? `拒绝：${label} 所属网格 ${gridKey} 不在本次导入的网格中` : `拒绝：${label} 未写所属网格，且不在任何网格内`);
      refused += 1;
      return;
    }
    const outside = turf.difference(turf.featureCollection([area, grid.area])) as Area | null;
    if (outside && m2(outside) > SLIVER_M2) {
      const inside = turf.intersect(turf.featureCollection([area, grid.area])) as Area | null;
      if (!inside || m2(inside) <= SLIVER_M2) {
        lines.push(`拒绝：${label} 不在其所属网格 ${grid.name} 内`);
        refused += 1;
        return;
      }
      lines.push(`修复：${label} 有 ${fmt(m2(outside))} m² 超出所属网格 ${grid.name}，已按网格裁去`);
      area = inside;
    }
    if (lines.length > before) repaired += 1;
    seen.add(id);
    planned.push({ id, name, gridId: grid.id, area, households: countOf(props, HOUSEHOLD_KEYS), highRise: yes(props, HIGH_RISE_KEYS) });
  });
  if (planned.length === 0) {
    lines.push('说明：微网格图层没有可用的微网格');
    return { planned: null, refused, repaired };
  }
  const covered = new Set(planned.map((m) => m.gridId));
  const bare = grids.filter((g) => !covered.has(g.id)).length;
  lines.push(`微网格：取自文件，共 ${planned.length} 个${bare > 0 ? `；${bare} 个网格没有微网格，各暂作一个微网格` : ''}`);
  return { planned, refused, repaired };
}

/**
 * The street's current micro-grids on the new grids, when the file brings no usable micro-grid
 * layer: each keeps its id, name, households and high-rise mark, goes to the new grid holding a
 * point inside it (its old grid first, when that still holds it), and is cut to that grid where it
 * crosses its edge (pieces under 1 m² are rounding and left as they are). One lying in no new grid
 * is dropped and counted. Null when the street has none.
 */
function keepMicroGrids(street: LoadedStreet, grids: PlannedGrid[], lines: string[]): PlannedMicroGrid[] | null {
  const old = street.microgrids.features;
  if (old.length === 0) return null;
  const boxes = grids.map((g) => turf.bbox(g.area));
  const byId = new Map(grids.map((g, i) => [g.id, i]));
  const inBox = (i: number, x: number, y: number) => {
    const b = boxes[i] as number[];
    return x >= (b[0] as number) && x <= (b[2] as number) && y >= (b[1] as number) && y <= (b[3] as number);
  };
  const holds = (i: number, p: Position) => inBox(i, p[0] as number, p[1] as number) && turf.booleanPointInPolygon(p, (grids[i] as PlannedGrid).area);
  const planned: PlannedMicroGrid[] = [];
  let moved = 0;
  let cut = 0;
  const dropped: string[] = [];
  for (const m of old) {
    const area = turf.feature(m.geometry) as Area;
    const inner = turf.pointOnFeature(area).geometry.coordinates;
    const own = byId.get(m.properties.gridId);
    const index = own !== undefined && holds(own, inner) ? own : grids.findIndex((_, i) => holds(i, inner));
    if (index < 0) {
      dropped.push(m.properties.name);
      continue;
    }
    const grid = grids[index] as PlannedGrid;
    if (grid.id !== m.properties.gridId) moved += 1;
    let kept = area;
    // Cut only when a corner lies outside the grid (the usual micro-grid lies wholly inside).
    const corners = turf.coordAll(area);
    if (!corners.every((c) => holds(index, c))) {
      const outside = turf.difference(turf.featureCollection([area, grid.area])) as Area | null;
      if (outside && m2(outside) > SLIVER_M2) {
        const inside = turf.intersect(turf.featureCollection([area, grid.area])) as Area | null;
        if (!inside || m2(inside) <= SLIVER_M2) {
          dropped.push(m.properties.name);
          continue;
        }
        kept = inside;
        cut += 1;
      }
    }
    planned.push({ id: m.properties.id, name: m.properties.name, gridId: grid.id, area: kept, households: m.properties.households, highRise: m.properties.highRise });
  }
  if (planned.length === 0) return null;
  const covered = new Set(planned.map((m) => m.gridId));
  const bare = grids.filter((g) => !covered.has(g.id)).length;
  lines.push(`微网格：文件没有微网格图层，保留街道现有的 ${planned.length} 个微网格（编号不变），按位置归入新网格`
    + `${moved > 0 ? `；${moved} 个改归其他网格` : ''}${cut > 0 ? `；${cut} 个跨网格边界，已按所在网格裁切` : ''}`
    + `${dropped.length > 0 ? `；${dropped.length} 个（${dropped.slice(0, 5).join('、')}${dropped.length > 5 ? '等' : ''}）不在任何新网格内，已去掉` : ''}`
    + `${bare > 0 ? `；${bare} 个网格内没有现有微网格，各暂作一个微网格` : ''}`);
  return planned;
}

/**
 * The street's files for the new map: communities from the file's layer (else the union of their
 * grids), micro-grids from the file's layer (else one per grid, and one for each grid the layer
 * leaves bare).
 */
function buildFiles(street: LoadedStreet, plan: Awaited<ReturnType<typeof planMap>>, lines: string[]) {
  const streetId = street.meta.id;
  const oldGrid = street.gridById;
  // Community ids: an existing community of that id or name keeps its id; a file's own id is kept;
  // a community known by name only gets the next free one.
  const communityIds = new Map<string, string>();
  const taken = new Set<string>();
  const idFor = (key: string, name: string, ownId: string | null): string => {
    const known = communityIds.get(key);
    if (known) return known;
    let id: string = street.communityById.get(key)?.properties.id
      ?? street.communities.features.find((c) => c.properties.name === name)?.properties.id
      ?? ownId ?? '';
    for (let n = communityIds.size + 1; id === '' || taken.has(id); n += 1) id = `${streetId}-C${String(n).padStart(2, '0')}`;
    communityIds.set(key, id);
    taken.add(id);
    return id;
  };
  const given = new Map<string, PlannedCommunity>();
  for (const c of plan.communities ?? []) given.set(idFor(c.id, c.name, c.id !== c.name ? c.id : null), c);
  const byCommunity = new Map<string, PlannedGrid[]>();
  for (const g of plan.grids) {
    g.communityId = idFor(g.communityId, g.communityName, null);
    byCommunity.set(g.communityId, [...(byCommunity.get(g.communityId) ?? []), g]);
  }
  const communityIdsInOrder = [...new Set([...given.keys(), ...byCommunity.keys()])];
  const communities: CommunityFeature[] = communityIdsInOrder.map((id) => {
    const old = street.communityById.get(id)?.properties;
    const own = given.get(id);
    const members = byCommunity.get(id) ?? [];
    const area = own?.area ?? (union(members.map((m) => m.area)) as Area);
    const name = own?.name ?? old?.name ?? members[0]?.communityName ?? id;
    return {
      type: 'Feature', geometry: geometryOf(area),
      properties: {
        id, name, nameEn: old?.nameEn ?? name, streetId,
        population: own?.population ?? old?.population ?? 0, households: own?.households ?? old?.households ?? 0, synthetic: old?.synthetic ?? false,
      },
    };
  });
  const empty = communityIdsInOrder.filter((id) => given.has(id) && !byCommunity.has(id));
  if (empty.length > 0) lines.push(`说明：${empty.length} 个社区（${empty.map((id) => given.get(id)?.name ?? id).slice(0, 5).join('、')}）没有网格`);
  let placeholders = 0;
  const grids: GridFeature[] = plan.grids.map((g) => {
    const old = oldGrid.get(g.id)?.properties;
    if (!old) placeholders += 1;
    return {
      type: 'Feature', geometry: geometryOf(g.area),
      properties: {
        id: g.id, name: g.name, streetId, communityId: g.communityId, type: old?.type ?? 'comprehensive',
        ...(old?.dedicatedTo ? { dedicatedTo: old.dedicatedTo } : {}),
        population: old?.population ?? 0, households: old?.households ?? 0,
        leader: old?.leader ?? '待填写', leaderPhoneMasked: old?.leaderPhoneMasked ?? '100****0000',
      },
    };
  });
  if (placeholders > 0) lines.push(`说明：${placeholders} 个网格是新编号，人口、户数、网格长待补充（暂记 0 和“待填写”）`);
  const gridProps = new Map(grids.map((g) => [g.properties.id, g.properties]));
  const microgrids: MicroGridFeature[] = (plan.microGrids ?? []).map((m) => {
    const grid = gridProps.get(m.gridId) as GridFeature['properties'];
    return {
      type: 'Feature', geometry: geometryOf(m.area),
      properties: { id: m.id, name: m.name, streetId, communityId: grid.communityId, gridId: grid.id, households: m.households ?? 0, highRise: m.highRise },
    };
  });
  const covered = new Set(microgrids.map((m) => m.properties.gridId));
  const usedIds = new Set(microgrids.map((m) => m.properties.id));
  for (const g of grids) {
    if (covered.has(g.properties.id)) continue;
    let id = `${g.properties.id}-M01`;
    for (let n = 2; usedIds.has(id); n += 1) id = `${g.properties.id}-M${String(n).padStart(2, '0')}`;
    usedIds.add(id);
    microgrids.push({
      type: 'Feature', geometry: g.geometry,
      properties: { id, name: g.properties.name, streetId, communityId: g.properties.communityId, gridId: g.properties.id, households: g.properties.households, highRise: false },
    });
  }
  if (!plan.microGrids) lines.push('说明：没有可用的微网格图层，街道也没有现有微网格，每个网格暂作一个微网格');
  if (!plan.communities) lines.push('说明：文件没有社区图层，社区由其网格合并而成');
  return { communities, grids, microgrids };
}

function placePois(street: LoadedStreet, locator: Locator, grids: GridFeature[], microgrids: MicroGridFeature[], lines: string[]): PoiFeature[] {
  const centres = grids.map((g) => ({ g, c: turf.centroid(g).geometry.coordinates }));
  // A POI in no micro-grid of its grid takes the grid's first micro-grid.
  const firstMicro = new Map<string, string>();
  for (const m of microgrids) if (!firstMicro.has(m.properties.gridId)) firstMicro.set(m.properties.gridId, m.properties.id);
  let snapped = 0;
  const pois = street.pois.features.map((p) => {
    const [lng, lat] = p.geometry.coordinates as [number, number];
    const placed = locator.locate(lng, lat);
    let gridId = placed.gridId;
    let communityId = placed.communityId;
    if (!gridId) {
      // A POI outside every new grid goes to the grid whose centre is nearest.
      const nearest = centres.reduce((best, x) => (turf.distance([lng, lat], x.c) < turf.distance([lng, lat], best.c) ? x : best));
      gridId = nearest.g.properties.id;
      communityId = nearest.g.properties.communityId;
      snapped += 1;
    }
    const microGridId = (placed.gridId === gridId ? placed.microGridId : null) ?? firstMicro.get(gridId) ?? `${gridId}-M01`;
    return { ...p, properties: { ...p.properties, gridId, communityId: communityId as string, microGridId } };
  });
  if (snapped > 0) lines.push(`说明：${snapped} 个兴趣点（食堂、消防站、楼宇）不在任何新网格内，已归入最近的网格`);
  return pois;
}

const VERSIONS_DIR = 'versions';
const MAP_FILES = [STREET_FILES.meta, STREET_FILES.boundary, STREET_FILES.communities, STREET_FILES.grids, STREET_FILES.microgrids, STREET_FILES.pois];

/** Copies the street's current map files into versions/<stamp>/; returns the stamp. */
async function keepVersion(dir: string, now: number): Promise<string> {
  const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
  const target = path.join(dir, VERSIONS_DIR, stamp);
  await mkdir(target, { recursive: true });
  for (const name of MAP_FILES) await cp(path.join(dir, name), path.join(target, name));
  return stamp;
}

/** The kept versions of a street's map, oldest first. */
export async function listVersions(streetsDir: string, streetId: string): Promise<string[]> {
  return (await readdir(path.join(streetsDir, streetId, VERSIONS_DIR)).catch(() => [] as string[])).sort();
}

/**
 * Places every stored record again on the street as it now is, in one transaction: incidents by
 * their point, feed records by theirs, canteen meals by their canteen's POI; the street's map
 * version is noted with them (Store.placedMap).
 */
export async function relocateAll(store: Store, street: LoadedStreet, locator: Locator) {
  const canteens = new Map(street.pois.features.map((p) => [p.properties.id, p.properties]));
  return store.relocate((record) => {
    if (record.canteenId !== null) {
      const poi = canteens.get(record.canteenId);
      return { gridId: poi?.gridId ?? null, microGridId: poi?.microGridId ?? null, communityId: poi?.communityId ?? null, outsideArea: false };
    }
    if (record.lng === null || record.lat === null) return null;
    return locator.locate(record.lng, record.lat);
  }, street.version);
}

export async function importGrids(options: GridImportOptions): Promise<GridImportReport> {
  const now = options.now ?? Date.now;
  const dir = path.join(options.streetsDir, options.streetId);
  const street = await loadStreet(options.streetsDir, options.streetId);
  const lines: string[] = [];
  const plan = await planMap(options, street, lines);
  const files = buildFiles(street, plan, lines);
  const boundaryFeature = {
    type: 'FeatureCollection',
    features: [{ type: 'Feature', geometry: geometryOf(plan.boundary), properties: street.boundary.features[0]?.properties ?? { id: `${street.meta.id}-B`, name: street.meta.name.zh, nameEn: street.meta.name.en, streetId: street.meta.id } }],
  };
  const bbox = turf.bbox(plan.boundary).map((v) => Math.round(v * 1e6) / 1e6) as [number, number, number, number];
  const centre = turf.centroid(plan.boundary).geometry.coordinates;
  const meta = {
    ...street.meta, communityCount: files.communities.length, gridCount: files.grids.length, microGridCount: files.microgrids.length,
    areaKm2: Math.round((m2(plan.boundary) / 1e6) * 100) / 100, bbox, centre: { lng: Math.round((centre[0] as number) * 1e6) / 1e6, lat: Math.round((centre[1] as number) * 1e6) / 1e6 },
  };

  // The new map is written to a scratch copy and loaded there with every check the server makes.
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'grid141-map-'));
  try {
    const scratchDir = path.join(scratch, options.streetId);
    await cp(dir, scratchDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}${VERSIONS_DIR}`) });
    const json = (value: unknown) => `${JSON.stringify(value)}\n`;
    await writeFile(path.join(scratchDir, STREET_FILES.meta), `${JSON.stringify(meta, null, 2)}\n`);
    await writeFile(path.join(scratchDir, STREET_FILES.boundary), json(boundaryFeature));
    await writeFile(path.join(scratchDir, STREET_FILES.communities), json({ type: 'FeatureCollection', features: files.communities }));
    await writeFile(path.join(scratchDir, STREET_FILES.grids), json({ type: 'FeatureCollection', features: files.grids }));
    await writeFile(path.join(scratchDir, STREET_FILES.microgrids), json({ type: 'FeatureCollection', features: files.microgrids }));
    // POIs are placed with a locator over the new grids (the old POI file still names old grids).
    const gridLocator = createLocator({ ...street, meta: meta as LoadedStreet['meta'], boundary: boundaryFeature as LoadedStreet['boundary'], communities: { type: 'FeatureCollection', features: files.communities }, grids: { type: 'FeatureCollection', features: files.grids }, microgrids: { type: 'FeatureCollection', features: files.microgrids }, communityById: new Map(files.communities.map((c) => [c.properties.id, c])), gridById: new Map(files.grids.map((g) => [g.properties.id, g])) });
    const pois = placePois(street, gridLocator, files.grids, files.microgrids, lines);
    await writeFile(path.join(scratchDir, STREET_FILES.pois), json({ type: 'FeatureCollection', features: pois }));
    const next = await loadStreet(scratch, options.streetId).catch((error: unknown) => {
      throw new GridImportError(`新地图未通过检查 / the new map fails the street checks: ${(error as Error).message}`);
    });
    lines.unshift(`网格地图：${files.communities.length} 个社区、${files.grids.length} 个网格、${files.microgrids.length} 个微网格${plan.refused > 0 ? `；拒绝 ${plan.refused} 个` : ''}${plan.repaired > 0 ? `；修复 ${plan.repaired} 个` : ''}`);
    const report: GridImportReport = {
      lines, grids: files.grids.length, communities: files.communities.length, microGrids: files.microgrids.length,
      layers: { communities: plan.communities ? 'file' : 'derived', microGrids: plan.microGridsKept ? 'kept' : plan.microGrids ? 'file' : 'derived' }, repaired: plan.repaired, refused: plan.refused,
      gaps: plan.gaps, overlaps: plan.overlaps, version: null, relocated: null,
    };
    if (options.dryRun) return report;

    report.version = await keepVersion(dir, now());
    for (const name of MAP_FILES) await cp(path.join(scratchDir, name), path.join(dir, name));
    lines.push(`原地图已保存为版本 ${report.version}，可用 --restore ${report.version} 恢复`);
    if (options.store) {
      if (options.relocate !== false) {
        report.relocated = await relocateAll(options.store, next, createLocator(next, { serviceAreaM: options.serviceAreaM }));
        lines.push(`已按新网格重新归属 ${report.relocated.incidents} 条事件、${report.relocated.feedRecords} 条台账记录`);
      }
      await options.store.writeMany((w) => w.audit([{
        actor: options.actor ?? 'import', actorKind: options.actorKind ?? 'system', kind: 'map.replaced', target: path.basename(options.file),
        detail: { grids: report.grids, communities: report.communities, microGrids: report.microGrids, repaired: report.repaired, refused: report.refused, gaps: report.gaps.length, overlaps: report.overlaps.length, version: report.version, ...(report.relocated ?? {}) },
      }]));
    }
    return report;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Puts a kept version back (keeping the current map as a version first) and places every record again. */
export async function restoreVersion(options: { streetsDir: string; streetId: string; version: string; store?: Store; relocate?: boolean; serviceAreaM?: number; now?: () => number; actor?: string }) {
  const dir = path.join(options.streetsDir, options.streetId);
  const source = path.join(dir, VERSIONS_DIR, options.version);
  const versions = await listVersions(options.streetsDir, options.streetId);
  if (!versions.includes(options.version)) throw new GridImportError(`没有版本 ${options.version}；已有：${versions.join(', ') || '（无）'}`);
  const kept = await keepVersion(dir, (options.now ?? Date.now)());
  for (const name of MAP_FILES) await cp(path.join(source, name), path.join(dir, name));
  const street = await loadStreet(options.streetsDir, options.streetId);
  const relocated = options.store && options.relocate !== false ? await relocateAll(options.store, street, createLocator(street, { serviceAreaM: options.serviceAreaM })) : null;
  await options.store?.writeMany((w) => w.audit([{
    actor: options.actor ?? 'import', actorKind: 'system', kind: 'map.restored', target: options.version, detail: { kept, ...(relocated ?? {}) },
  }]));
  return { kept, relocated };
}
