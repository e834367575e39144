// Reads and validates data/streets/<id>/; either the whole street loads or StreetDataError says what is wrong.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import {
  BoundaryCollectionSchema, CommunityCollectionSchema, GridCollectionSchema, MicroGridCollectionSchema,
  PoiCollectionSchema, RoadCollectionSchema, STREET_FILES, StreetMetaSchema,
  type BoundaryCollection, type CommunityCollection, type CommunityFeature, type GridCollection, type GridFeature,
  type MicroGridCollection, type PoiCollection, type RoadCollection, type StreetMeta,
} from '@grid141/shared';

export class StreetDataError extends Error {
  override name = 'StreetDataError';
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
  }
}

export interface LoadedStreet {
  meta: StreetMeta;
  boundary: BoundaryCollection;
  communities: CommunityCollection;
  grids: GridCollection;
  microgrids: MicroGridCollection;
  pois: PoiCollection;
  roads: RoadCollection;
  communityById: Map<string, CommunityFeature>;
  gridById: Map<string, GridFeature>;
  /**
   * The map's version: the first 16 hex digits of a SHA-256 over the street's files as read
   * (street.json and the six layers). A map replaced on disk (`npm run import -- --kind grids`)
   * reads as another version; walls compare it (`server.map`, the `map` event) to know when to reload.
   */
  version: string;
}

async function readJson(path: string, hash?: ReturnType<typeof createHash>): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new StreetDataError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  hash?.update(text).update('\0');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new StreetDataError(path, `is not valid JSON (${(err as Error).message})`);
  }
}

async function readValid<S extends z.ZodType>(path: string, schema: S, hash?: ReturnType<typeof createHash>): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await readJson(path, hash));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.join('.') || '(root)' : '(root)';
    throw new StreetDataError(path, `invalid at ${where}: ${issue?.message ?? 'unknown problem'}`);
  }
  return parsed.data;
}

// Ids must be unique within a file; returns them as a map from id to feature.
function indexById<F extends { properties: { id: string } }>(path: string, features: F[]): Map<string, F> {
  const byId = new Map<string, F>();
  for (const f of features) {
    if (byId.has(f.properties.id)) throw new StreetDataError(path, `duplicate id ${f.properties.id}`);
    byId.set(f.properties.id, f);
  }
  return byId;
}

function requireParent(path: string, childId: string, field: string, parentId: string, parents: Map<string, unknown>): void {
  if (!parents.has(parentId)) throw new StreetDataError(path, `feature ${childId} has ${field} ${parentId}, which does not exist`);
}

export async function loadStreet(dataDir: string, streetId: string): Promise<LoadedStreet> {
  const dir = join(dataDir, streetId);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new StreetDataError(dir, `street folder for "${streetId}" not found`);
  const file = (name: string) => join(dir, name);

  const hash = createHash('sha256');
  const meta = await readValid(file(STREET_FILES.meta), StreetMetaSchema, hash);
  const boundary = await readValid(file(STREET_FILES.boundary), BoundaryCollectionSchema, hash);
  const communities = await readValid(file(STREET_FILES.communities), CommunityCollectionSchema, hash);
  const grids = await readValid(file(STREET_FILES.grids), GridCollectionSchema, hash);
  const microgrids = await readValid(file(STREET_FILES.microgrids), MicroGridCollectionSchema, hash);
  const pois = await readValid(file(STREET_FILES.pois), PoiCollectionSchema, hash);
  const roads = await readValid(file(STREET_FILES.roads), RoadCollectionSchema, hash);
  const version = hash.digest('hex').slice(0, 16);

  if (meta.id !== streetId) throw new StreetDataError(file(STREET_FILES.meta), `id is ${meta.id}, expected ${streetId}`);
  if (boundary.features.length === 0) throw new StreetDataError(file(STREET_FILES.boundary), 'has no boundary feature');
  const everyFile: [string, { features: { properties: { id: string; streetId: string } }[] }][] = [
    [STREET_FILES.boundary, boundary], [STREET_FILES.communities, communities], [STREET_FILES.grids, grids],
    [STREET_FILES.microgrids, microgrids], [STREET_FILES.pois, pois], [STREET_FILES.roads, roads],
  ];
  for (const [name, fc] of everyFile) {
    for (const f of fc.features) {
      if (f.properties.streetId !== streetId) throw new StreetDataError(file(name), `feature ${f.properties.id} has streetId ${f.properties.streetId}, expected ${streetId}`);
    }
  }

  const communityById = indexById(file(STREET_FILES.communities), communities.features);
  const gridById = indexById(file(STREET_FILES.grids), grids.features);
  const microById = indexById(file(STREET_FILES.microgrids), microgrids.features);
  indexById(file(STREET_FILES.pois), pois.features);
  indexById(file(STREET_FILES.roads), roads.features);

  const gridsFile = file(STREET_FILES.grids);
  for (const g of grids.features) requireParent(gridsFile, g.properties.id, 'communityId', g.properties.communityId, communityById);
  const microFile = file(STREET_FILES.microgrids);
  for (const m of microgrids.features) {
    const { id, gridId, communityId } = m.properties;
    requireParent(microFile, id, 'gridId', gridId, gridById);
    if (gridById.get(gridId)?.properties.communityId !== communityId) {
      throw new StreetDataError(microFile, `feature ${id} has communityId ${communityId}, but its grid ${gridId} belongs to another community`);
    }
  }
  const poiFile = file(STREET_FILES.pois);
  for (const p of pois.features) {
    const { id, microGridId, gridId, communityId } = p.properties;
    requireParent(poiFile, id, 'microGridId', microGridId, microById);
    const m = microById.get(microGridId);
    if (m?.properties.gridId !== gridId || m.properties.communityId !== communityId) {
      throw new StreetDataError(poiFile, `feature ${id} names grid ${gridId} / community ${communityId}, which do not contain its micro-grid ${microGridId}`);
    }
  }

  return { meta, boundary, communities, grids, microgrids, pois, roads, communityById, gridById, version };
}
