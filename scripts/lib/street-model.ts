// Builds the synthetic 石油路 twin in memory: every file of data/streets/shiyoulu as a string.
import * as turf from '@turf/turf';
import type { Position } from 'geojson';
import type { DedicatedTo, PoiKind, RoadClass } from '../../shared/src/geo.ts';
import { type Area, blob, interiorPoint, round6, tile } from './geo-build.ts';
import * as N from './names.ts';
import { apportion, between, intBetween, mulberry32, pick, type Rng } from './prng.ts';
import { buildRoads } from './roads.ts';

const STREET_ID = 'shiyoulu';
const SEED = 0x5f1e7;
const CENTRE: Position = [106.52, 29.55];
const AREA_KM2 = 3.5;
const POPULATION = 96_000;
const GRID_COUNT = 122;
const HIGHRISE_COUNT = 300;
const BUSINESS_COUNT = 91;

interface Dedication { communityIndex: number; dedicatedTo: DedicatedTo; label: string }
// Eight dedicated grids (domain.md §4.1): 时代天街 ×2, business buildings ×3, park, campus, elderly home.
const DEDICATIONS: readonly Dedication[] = [
  { communityIndex: 2, dedicatedTo: 'commercial_complex', label: '时代天街A馆' },
  { communityIndex: 2, dedicatedTo: 'commercial_complex', label: '时代天街B馆' },
  { communityIndex: 9, dedicatedTo: 'business_building', label: '长江二路商务楼宇' },
  { communityIndex: 8, dedicatedTo: 'business_building', label: '大坪正街商务楼宇' },
  { communityIndex: 7, dedicatedTo: 'business_building', label: '渝州路商务楼宇' },
  { communityIndex: 7, dedicatedTo: 'industrial_park', label: '数字经济产业园' },
  { communityIndex: 5, dedicatedTo: 'campus', label: '医学院校区' },
  { communityIndex: 4, dedicatedTo: 'elderly_institution', label: '彭家花园养老院' },
];

type Props = Record<string, unknown>;
interface Feat { geometry: { type: string; coordinates: unknown }; props: Props }

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function collection(features: Feat[]): string {
  const lines = features.map((f) => JSON.stringify({ type: 'Feature', properties: f.props, geometry: f.geometry }));
  return `{"type":"FeatureCollection","features":[\n${lines.join(',\n')}\n]}\n`;
}

function personName(rng: Rng): string {
  return pick(rng, N.SURNAMES) + pick(rng, N.GIVEN);
}

function maskedPhone(rng: Rng): string {
  return `1${pick(rng, ['38', '39', '58', '59', '77', '36', '86'])}****${pad(intBetween(rng, 0, 9999), 4)}`;
}

interface GridRec { id: string; name: string; communityId: string; geom: Area; dedication?: Dedication; micro: MicroRec[] }
interface MicroRec { id: string; gridId: string; communityId: string; geom: Area; households: number; highRise: boolean }

export function buildStreetFiles(): Record<string, string> {
  const rng = mulberry32(SEED);
  const boundary = blob(rng, CENTRE, AREA_KM2, [1350, 850], 18, 72);

  // Communities: 6,000–14,000 residents each (log-normal around 9,600), summing to 96,000.
  const communityCells = tile(rng, boundary, N.COMMUNITIES.length, 3);
  const popWeights = N.COMMUNITIES.map(() => Math.min(1.45, Math.max(0.65, Math.exp(0.25 * (rng() + rng() + rng() - 1.5) * 2))));
  const communityPops = apportion(POPULATION, popWeights);
  const communityHouseholds = communityPops.map((p) => Math.round(p / between(rng, 2.45, 2.8)));
  const gridCounts = apportion(GRID_COUNT, communityPops);

  const communityFeats: Feat[] = [];
  const gridFeats: Feat[] = [];
  const grids: GridRec[] = [];
  N.COMMUNITIES.forEach((c, ci) => {
    const cid = `SYL-C${pad(ci + 1)}`;
    const geom = communityCells[ci] as Area;
    communityFeats.push({ geometry: geom, props: { id: cid, name: c.name, nameEn: c.nameEn, streetId: STREET_ID, population: communityPops[ci], households: communityHouseholds[ci], synthetic: c.synthetic } });
    const n = gridCounts[ci] ?? 1;
    const cells = tile(rng, geom, n, 2);
    const dedications = DEDICATIONS.filter((d) => d.communityIndex === ci);
    // Dedicated grids take the last numbers of their community; they hold few residents.
    const weights = cells.map((_, gi) => (gi >= n - dedications.length ? 0.15 : between(rng, 0.75, 1.25)));
    const pops = apportion(communityPops[ci] ?? 0, weights);
    const hhs = apportion(communityHouseholds[ci] ?? 0, weights);
    cells.forEach((g, gi) => {
      const id = `${cid}-G${pad(gi + 1)}`;
      const dedication = gi >= n - dedications.length ? dedications[gi - (n - dedications.length)] : undefined;
      const name = dedication ? `${dedication.label}专属网格` : `${c.short}第${gi + 1}网格`;
      const props: Props = { id, name, streetId: STREET_ID, communityId: cid, type: dedication ? 'dedicated' : 'comprehensive' };
      if (dedication) props.dedicatedTo = dedication.dedicatedTo;
      Object.assign(props, { population: pops[gi], households: hhs[gi], leader: personName(rng), leaderPhoneMasked: maskedPhone(rng) });
      gridFeats.push({ geometry: g, props });
      grids.push({ id, name, communityId: cid, geom: g, ...(dedication ? { dedication } : {}), micro: [] });
    });
  });

  // Micro-grids: ~25 per comprehensive grid (圣泉's 3,310/133 ratio), fewer in dedicated ones.
  const gridHouseholds = new Map(gridFeats.map((f) => [f.props.id as string, f.props.households as number]));
  const microFeats: Feat[] = [];
  for (const g of grids) {
    const n = g.dedication ? intBetween(rng, 6, 12) : intBetween(rng, 19, 31);
    const cells = tile(rng, g.geom, n, 1);
    const highRise = cells.map(() => !g.dedication && rng() < 0.11);
    const hh = apportion(gridHouseholds.get(g.id) ?? 0, cells.map((_, i) => (highRise[i] ? 3 : 1) * between(rng, 0.7, 1.3)));
    cells.forEach((geom, mi) => {
      const rec: MicroRec = { id: `${g.id}-M${pad(mi + 1)}`, gridId: g.id, communityId: g.communityId, geom, households: hh[mi] ?? 0, highRise: highRise[mi] ?? false };
      g.micro.push(rec);
    });
  }
  // Exactly HIGHRISE_COUNT high-rise micro-grids: trim or top up deterministically.
  const allMicro = grids.flatMap((g) => g.micro);
  const comprehensiveMicro = grids.filter((g) => !g.dedication).flatMap((g) => g.micro);
  let hrCount = allMicro.filter((m) => m.highRise).length;
  for (let i = 0; hrCount !== HIGHRISE_COUNT && i < 100_000; i++) {
    const m = pick(rng, comprehensiveMicro);
    if (hrCount > HIGHRISE_COUNT && m.highRise) { m.highRise = false; hrCount--; }
    if (hrCount < HIGHRISE_COUNT && !m.highRise) { m.highRise = true; hrCount++; }
  }
  for (const g of grids) {
    for (const [mi, m] of g.micro.entries()) {
      microFeats.push({ geometry: m.geom, props: { id: m.id, name: `${g.name}${mi + 1}号微网格`, streetId: STREET_ID, communityId: m.communityId, gridId: m.gridId, households: m.households, highRise: m.highRise } });
    }
  }

  // POIs, each placed at least 3 m inside its micro-grid so the locator's answer is unambiguous.
  const poiFeats: Feat[] = [];
  const addPoi = (kind: PoiKind, name: string, m: MicroRec, extra: Props) => {
    const p = interiorPoint(rng, m.geom, 3);
    poiFeats.push({ geometry: { type: 'Point', coordinates: p }, props: { id: `SYL-P${pad(poiFeats.length + 1, 4)}`, name, kind, streetId: STREET_ID, communityId: m.communityId, gridId: m.gridId, microGridId: m.id, ...extra } });
  };
  const byCommunity = (ci: number) => grids.filter((g) => g.communityId === `SYL-C${pad(ci + 1)}` && !g.dedication);
  N.COMMUNITIES.forEach((c, ci) => {
    const g = pick(rng, byCommunity(ci));
    addPoi('fire_station', `${c.name}微型消防站`, pick(rng, g.micro), { staff: intBetween(rng, 6, 10) });
  });
  [0, 1].forEach((ci, k) => {
    const c = N.COMMUNITIES[ci] as N.CommunitySeed;
    addPoi('canteen', `${c.short}社区食堂`, pick(rng, pick(rng, byCommunity(ci)).micro), { seats: intBetween(rng, 60, 80), coverageRadiusM: 1000, operator: N.CANTEEN_OPERATORS[k] });
  });
  [3, 4, 6].forEach((ci) => {
    const c = N.COMMUNITIES[ci] as N.CommunitySeed;
    addPoi('meal_point', `${c.short}老年助餐点`, pick(rng, pick(rng, byCommunity(ci)).micro), { seats: intBetween(rng, 20, 30), coverageRadiusM: 1000, operator: pick(rng, N.CANTEEN_OPERATORS) });
  });
  allMicro.filter((m) => m.highRise).forEach((m, i) => {
    addPoi('highrise', `${pick(rng, N.HIGHRISE_STEMS)}${(i % 12) + 1}栋`, m, { floors: intBetween(rng, 18, 40), households: m.households });
  });
  const complex = grids.find((g) => g.dedication?.dedicatedTo === 'commercial_complex') as GridRec;
  addPoi('business_building', '龙湖重庆时代天街', pick(rng, complex.micro), { floors: 48, enterpriseCount: 620 });
  const businessGrids = grids.filter((g) => g.dedication?.dedicatedTo === 'business_building' || g.dedication?.dedicatedTo === 'industrial_park');
  const used = new Set<string>();
  for (let i = 1; i < BUSINESS_COUNT; i++) {
    const g = i < 45 ? pick(rng, businessGrids) : pick(rng, grids.filter((x) => !x.dedication));
    let name = '';
    do name = `${pick(rng, N.BUSINESS_STEMS)}${pick(rng, N.BUSINESS_SUFFIXES)}`; while (used.has(name) && used.size < 60);
    if (used.has(name)) name = `${name}${i}号楼`;
    used.add(name);
    addPoi('business_building', name, pick(rng, g.micro), { floors: intBetween(rng, 8, 45), enterpriseCount: intBetween(rng, 10, 180) });
  }

  // Roads named in order: main, secondary, lanes (巷/支路 numbered per stem).
  const roads = buildRoads(rng, boundary, CENTRE, 1700);
  const roadFeats: Feat[] = [];
  for (const r of roads) {
    const k = r.seq;
    const cls: RoadClass = r.cls;
    const name = cls === 'main' ? (N.MAIN_ROADS[k % N.MAIN_ROADS.length] as string)
      : cls === 'secondary' ? (N.SECONDARY_ROADS[k % N.SECONDARY_ROADS.length] as string)
      : `${N.LANE_STEMS[k % N.LANE_STEMS.length]}${N.NUMERALS[Math.floor(k / N.LANE_STEMS.length) % N.NUMERALS.length]}巷`;
    roadFeats.push({ geometry: { type: 'LineString', coordinates: r.coords }, props: { id: `SYL-R${pad(roadFeats.length + 1, 3)}`, name, class: cls, streetId: STREET_ID } });
  }

  const [w, s, e, n] = turf.bbox(boundary);
  const [clng = 0, clat = 0] = turf.centroid(boundary).geometry.coordinates;
  const meta = {
    id: STREET_ID,
    name: { zh: '石油路街道', en: 'Shiyoulu Street' },
    title: { zh: '石油路街道基层治理指挥中心', en: 'Shiyoulu Street Grassroots Governance Command Centre' },
    district: { zh: '渝中区', en: 'Yuzhong District' },
    city: { zh: '重庆市', en: 'Chongqing' },
    timeZone: 'Asia/Shanghai',
    areaKm2: Math.round((turf.area(boundary) / 1e6) * 100) / 100,
    population: communityPops.reduce((a, b) => a + b, 0),
    households: communityHouseholds.reduce((a, b) => a + b, 0),
    communityCount: communityFeats.length,
    gridCount: gridFeats.length,
    microGridCount: microFeats.length,
    centre: { lng: round6(clng), lat: round6(clat) },
    bbox: [w, s, e, n],
    synthetic: true,
    note: 'Synthetic twin of 石油路街道 (渝中区, 重庆). Area, population, community and grid counts follow public reports; geometry, most names and all people are generated. Real community names: 煤建新村社区, 新影村社区.',
  };

  return {
    'street.json': `${JSON.stringify(meta, null, 2)}\n`,
    'boundary.geojson': collection([{ geometry: boundary, props: { id: STREET_ID, name: '石油路街道', nameEn: 'Shiyoulu Street', streetId: STREET_ID } }]),
    'communities.geojson': collection(communityFeats),
    'grids.geojson': collection(gridFeats),
    'microgrids.geojson': collection(microFeats),
    'pois.geojson': collection(poiFeats),
    'roads.geojson': collection(roadFeats),
  };
}
