// What the wall loads once: health (open), the street, its geometry and the taxonomy
// (viewer token or session, like every other read under /api/v1).
import { Router } from 'express';
import {
  ALARM_DEVICES,
  ALARM_TYPES,
  BOARDS,
  CATEGORIES,
  COLOURS,
  DRILL_KINDS,
  DRILL_LEVELS,
  ENTITY_TYPES,
  FEED_KINDS,
  HAZARD_TYPES,
  INDUSTRIES,
  INSPECTION_KINDS,
  MEAL_MODES,
  MEAL_SLOTS,
  MEAL_TIERS,
  SLA_PROFILES,
  SOURCES,
  STATUSES,
  TRANSITIONS,
  URGENCIES,
  VOLUNTEER_CATEGORIES,
  targetsFor,
  type DutyPayload,
} from '@grid141/shared';
import type { AppContext } from '../app.ts';
import type { LoadedStreet } from '../street/load.ts';
import { staticJsonBody, type StaticBody } from '../http/static-body.ts';
import { sendProblem } from '../http/problem.ts';

export const GEO_LAYERS = ['boundary', 'communities', 'grids', 'microgrids', 'pois', 'roads'] as const;
export type GeoLayer = (typeof GEO_LAYERS)[number];

export function metaRoutes(ctx: AppContext): void {
  const { config, auth } = ctx;
  const router = Router();

  router.get('/api/health', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      status: 'ok',
      version: ctx.version,
      store: config.databaseUrl ? 'postgres' : 'embedded',
      uptimeS: Math.round((Date.now() - ctx.startedAt.getTime()) / 1000),
      streetId: ctx.street.meta.id,
    });
  });

  // The bodies change with the shift and the map only: made again when either does.
  const duty = ctx.use('duty');
  let streetBody: { duty: DutyPayload; version: string; body: StaticBody } | null = null;
  router.get('/api/v1/street', auth.requireViewer, (req, res) => {
    const now = duty.current();
    const { version } = ctx.street;
    if (streetBody?.duty !== now || streetBody.version !== version) streetBody = { duty: now, version, body: staticJsonBody({ ...streetInfo(ctx), duty: now }) };
    streetBody.body.send(req, res);
  });

  const taxonomyBody = staticJsonBody(taxonomy());
  router.get('/api/v1/taxonomy', auth.requireViewer, (req, res) => taxonomyBody.send(req, res));

  const layerBodies = (street: LoadedStreet) => ({
    version: street.version,
    bodies: new Map<string, StaticBody>(GEO_LAYERS.map((layer) => [layer, staticJsonBody(street[layer], 'application/geo+json')])),
  });
  let geoBodies = layerBodies(ctx.street);
  router.get('/api/v1/geo/:file', auth.requireViewer, (req, res) => {
    const file = String(req.params.file);
    const layer = /^(.+)\.geojson$/.exec(file)?.[1];
    if (geoBodies.version !== ctx.street.version) geoBodies = layerBodies(ctx.street);
    const body = layer === undefined ? undefined : geoBodies.bodies.get(layer);
    if (!body) {
      sendProblem(res, 404, 'Not found', `no geo layer ${file}; layers: ${GEO_LAYERS.map((l) => `${l}.geojson`).join(', ')}`);
      return;
    }
    body.send(req, res);
  });

  ctx.app.use(router);
}

function streetInfo(ctx: AppContext) {
  const { meta } = ctx.street;
  return {
    id: meta.id,
    name: meta.name,
    title: meta.title,
    district: meta.district,
    city: meta.city,
    // TZ_STREET decides "today" for the figures; the data's own zone is a default.
    timeZone: ctx.config.timeZone,
    areaKm2: meta.areaKm2,
    population: meta.population,
    households: meta.households,
    communities: ctx.street.communities.features.map(({ properties: c }) => ({
      id: c.id,
      name: c.name,
      nameEn: c.nameEn,
      population: c.population,
      households: c.households,
      synthetic: c.synthetic,
    })),
    // The boards name canteens in their charts; the map draws them from pois.geojson.
    canteens: ctx.street.pois.features
      .filter(({ properties: p }) => p.kind === 'canteen' || p.kind === 'meal_point')
      .map(({ properties: p }) => ({ id: p.id, name: p.name, kind: p.kind, communityId: p.communityId })),
    communityCount: ctx.street.communities.features.length,
    gridCount: ctx.street.grids.features.length,
    microGridCount: ctx.street.microgrids.features.length,
    centre: meta.centre,
    bbox: meta.bbox,
    synthetic: meta.synthetic,
    /** The map's version (LoadedStreet.version): another after a grid import. */
    mapVersion: ctx.street.version,
  };
}

function taxonomy() {
  return {
    categories: CATEGORIES.map((c) => ({
      code: c.code,
      zh: c.zh,
      en: c.en,
      colour: c.colour,
      board: c.board,
      examples: c.examples,
      // Targets per urgency: critical and urgent use their own profiles (domain.md §3.2).
      targets: Object.fromEntries(URGENCIES.map((u) => [u.code, targetsFor(c.code, u.code)])),
    })),
    sources: SOURCES,
    urgencies: URGENCIES,
    colours: COLOURS,
    statuses: STATUSES.map((s) => ({ ...s, moves: TRANSITIONS[s.code] })),
    boards: BOARDS,
    feedKinds: FEED_KINDS,
    slaProfiles: SLA_PROFILES,
    meals: { tiers: MEAL_TIERS, slots: MEAL_SLOTS, modes: MEAL_MODES },
    market: { entityTypes: ENTITY_TYPES, industries: INDUSTRIES },
    safety: {
      drillKinds: DRILL_KINDS,
      drillLevels: DRILL_LEVELS,
      inspectionKinds: INSPECTION_KINDS,
      hazardTypes: HAZARD_TYPES,
      alarmDevices: ALARM_DEVICES,
      alarmTypes: ALARM_TYPES,
    },
    volunteerCategories: VOLUNTEER_CATEGORIES,
  };
}
