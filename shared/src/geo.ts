// Schemas of a street's geodata files (data/streets/<id>/*), shared by the generator, the loader and the client.
import { z } from 'zod';
import { storableString } from './common.ts';

export const GRID_TYPES = ['comprehensive', 'dedicated'] as const;
export const DEDICATED_TO = ['commercial_complex', 'business_building', 'elderly_institution', 'campus', 'industrial_park'] as const;
export const POI_KINDS = ['canteen', 'meal_point', 'fire_station', 'highrise', 'business_building'] as const;
export const ROAD_CLASSES = ['main', 'secondary', 'lane'] as const;

export type GridType = (typeof GRID_TYPES)[number];
export type DedicatedTo = (typeof DEDICATED_TO)[number];
export type PoiKind = (typeof POI_KINDS)[number];
export type RoadClass = (typeof ROAD_CLASSES)[number];

/** The files every street folder holds, in load order. */
export const STREET_FILES = {
  meta: 'street.json',
  boundary: 'boundary.geojson',
  communities: 'communities.geojson',
  grids: 'grids.geojson',
  microgrids: 'microgrids.geojson',
  pois: 'pois.geojson',
  roads: 'roads.geojson',
} as const;

// Names and ids keep the API's text rule (docs/api.md, "Text"): grid, community and micro-grid ids
// are stored with every record placed in them, and a map imported with a NUL in one would break
// every write (the new map fails the street checks instead, naming the file and the field).
const Text = () => storableString().min(1);
const I18nText = z.object({ zh: Text(), en: Text() });
const Id = Text();
const Count = z.number().int().nonnegative();

export const PositionSchema = z.tuple([z.number().finite(), z.number().finite()]);
const Ring = z.array(PositionSchema).min(4);
export const PolygonSchema = z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) });
export const MultiPolygonSchema = z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring).min(1)).min(1) });
export const AreaGeometrySchema = z.discriminatedUnion('type', [PolygonSchema, MultiPolygonSchema]);
export const PointSchema = z.object({ type: z.literal('Point'), coordinates: PositionSchema });
export const LineStringSchema = z.object({ type: z.literal('LineString'), coordinates: z.array(PositionSchema).min(2) });

export const StreetMetaSchema = z.object({
  id: Id,
  name: I18nText,
  title: I18nText,
  district: I18nText,
  city: I18nText,
  timeZone: z.string().min(1),
  areaKm2: z.number().positive(),
  population: Count,
  households: Count,
  communityCount: Count,
  gridCount: Count,
  microGridCount: Count,
  centre: z.object({ lng: z.number(), lat: z.number() }),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  synthetic: z.boolean(),
  note: z.string().optional(),
});

export const BoundaryPropsSchema = z.object({ id: Id, name: Text(), nameEn: Text(), streetId: Id });
export const CommunityPropsSchema = z.object({
  id: Id, name: Text(), nameEn: Text(), streetId: Id,
  population: Count, households: Count, synthetic: z.boolean(),
});
export const GridPropsSchema = z.object({
  id: Id, name: Text(), streetId: Id, communityId: Id,
  type: z.enum(GRID_TYPES), dedicatedTo: z.enum(DEDICATED_TO).optional(),
  population: Count, households: Count,
  leader: Text(), leaderPhoneMasked: z.string().regex(/^1\d{2}\*{4}\d{4}$/),
});
export const MicroGridPropsSchema = z.object({
  id: Id, name: Text(), streetId: Id, communityId: Id, gridId: Id,
  households: Count, highRise: z.boolean(),
});
export const PoiPropsSchema = z.object({
  id: Id, name: Text(), kind: z.enum(POI_KINDS), streetId: Id,
  communityId: Id, gridId: Id, microGridId: Id,
  seats: Count.optional(), coverageRadiusM: z.number().positive().optional(), operator: storableString().optional(),
  staff: Count.optional(), floors: Count.optional(), households: Count.optional(), enterpriseCount: Count.optional(),
});
export const RoadPropsSchema = z.object({ id: Id, name: Text(), class: z.enum(ROAD_CLASSES), streetId: Id });

function featureCollection<G extends z.ZodType, P extends z.ZodType>(geometry: G, properties: P) {
  const feature = z.object({ type: z.literal('Feature'), geometry, properties });
  return z.object({ type: z.literal('FeatureCollection'), features: z.array(feature) });
}

export const BoundaryCollectionSchema = featureCollection(AreaGeometrySchema, BoundaryPropsSchema);
export const CommunityCollectionSchema = featureCollection(AreaGeometrySchema, CommunityPropsSchema);
export const GridCollectionSchema = featureCollection(AreaGeometrySchema, GridPropsSchema);
export const MicroGridCollectionSchema = featureCollection(AreaGeometrySchema, MicroGridPropsSchema);
export const PoiCollectionSchema = featureCollection(PointSchema, PoiPropsSchema);
export const RoadCollectionSchema = featureCollection(LineStringSchema, RoadPropsSchema);

export type StreetMeta = z.infer<typeof StreetMetaSchema>;
export type AreaGeometry = z.infer<typeof AreaGeometrySchema>;
export type CommunityProps = z.infer<typeof CommunityPropsSchema>;
export type GridProps = z.infer<typeof GridPropsSchema>;
export type MicroGridProps = z.infer<typeof MicroGridPropsSchema>;
export type PoiProps = z.infer<typeof PoiPropsSchema>;
export type RoadProps = z.infer<typeof RoadPropsSchema>;
export type BoundaryCollection = z.infer<typeof BoundaryCollectionSchema>;
export type CommunityCollection = z.infer<typeof CommunityCollectionSchema>;
export type GridCollection = z.infer<typeof GridCollectionSchema>;
export type MicroGridCollection = z.infer<typeof MicroGridCollectionSchema>;
export type PoiCollection = z.infer<typeof PoiCollectionSchema>;
export type RoadCollection = z.infer<typeof RoadCollectionSchema>;
export type CommunityFeature = CommunityCollection['features'][number];
export type GridFeature = GridCollection['features'][number];
export type MicroGridFeature = MicroGridCollection['features'][number];
export type PoiFeature = PoiCollection['features'][number];
