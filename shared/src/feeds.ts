// The board feeds: fire drills, hazard inspections, sensor alarms, canteen meals,
// market entities and volunteer activities. Each is idempotent on its externalId.
import { z } from 'zod';
import {
  ALARM_DEVICES, ALARM_OUTCOMES, ALARM_TYPES, codeEnum, DRILL_KINDS, DRILL_LEVELS, ENTITY_TYPES,
  INDUSTRIES, INSPECTION_KINDS, MEAL_MODES, MEAL_SLOTS, MEAL_TIERS, VOLUNTEER_CATEGORIES, type FeedKind,
} from './codes.ts';
import {
  EARLIEST_REGISTRATION_AT, externalIdSchema, lngLatSchema, orderedTimes, pastTimeSchema, textSchema,
} from './common.ts';

const count = z.number().int().min(0).max(1_000_000);

/**
 * The feeds' schemas against a clock. Times (docs/api.md, "Times"): every time in the plausible
 * window; an alarm's `resolvedAt` not before its `occurredAt`; an entity's `deregisteredAt` not
 * before its `registeredAt`.
 */
export function makeFeedSchemas(clock: () => number = Date.now) {
  const base = { externalId: externalIdSchema, simulated: z.boolean().default(false) };
  return {
    'fire-drills': z.object({
      ...base,
      occurredAt: pastTimeSchema(clock, 'occurredAt'),
      level: codeEnum(DRILL_LEVELS),
      kind: codeEnum(DRILL_KINDS),
      location: lngLatSchema.optional(),
      buildingName: textSchema(120).optional(),
      participants: count,
      residentsEvacuated: count.optional(),
      evacuationSeconds: z.number().min(0).max(86_400).optional(),
      responseSeconds: z.number().min(0).max(86_400).optional(),
      result: z.enum(['pass', 'improve']).optional(),
    }),
    'hazard-inspections': z
      .object({
        ...base,
        occurredAt: pastTimeSchema(clock, 'occurredAt'),
        kind: codeEnum(INSPECTION_KINDS),
        location: lngLatSchema.optional(),
        buildingsCovered: count.optional(),
        hazardsFound: count,
        hazardsRectified: count,
      })
      .refine((r) => r.hazardsRectified <= r.hazardsFound, {
        message: 'hazardsRectified cannot exceed hazardsFound',
        path: ['hazardsRectified'],
      }),
    alarms: z.object({
      ...base,
      occurredAt: pastTimeSchema(clock, 'occurredAt'),
      device: codeEnum(ALARM_DEVICES),
      type: codeEnum(ALARM_TYPES),
      deviceId: textSchema(64).optional(),
      location: lngLatSchema,
      address: textSchema(200).optional(),
      resolvedAt: pastTimeSchema(clock, 'resolvedAt').optional(),
      outcome: codeEnum(ALARM_OUTCOMES).optional(),
    }).refine((r) => orderedTimes(r.occurredAt, r.resolvedAt), {
      message: 'resolvedAt is before occurredAt',
      path: ['resolvedAt'],
    }),
    'canteen-meals': z.object({
      ...base,
      servedAt: pastTimeSchema(clock, 'servedAt'),
      canteenId: textSchema(64).min(1),
      tier: codeEnum(MEAL_TIERS),
      slot: codeEnum(MEAL_SLOTS).optional(),
      mode: codeEnum(MEAL_MODES).default('dine_in'),
      /** A till may send one record for several identical meals. */
      quantity: z.number().int().min(1).max(500).default(1),
      item: textSchema(64).optional(),
      paidYuan: z.number().min(0).max(10_000).optional(),
    }),
    'market-entities': z.object({
      ...base,
      name: textSchema(200).min(1),
      entityType: codeEnum(ENTITY_TYPES),
      industry: codeEnum(INDUSTRIES),
      registeredAt: pastTimeSchema(clock, 'registeredAt', EARLIEST_REGISTRATION_AT),
      deregisteredAt: pastTimeSchema(clock, 'deregisteredAt', EARLIEST_REGISTRATION_AT).optional(),
      buildingName: textSchema(120).optional(),
      location: lngLatSchema.optional(),
    }).refine((r) => orderedTimes(r.registeredAt, r.deregisteredAt), {
      message: 'deregisteredAt is before registeredAt',
      path: ['deregisteredAt'],
    }),
    'volunteer-activities': z.object({
      ...base,
      occurredAt: pastTimeSchema(clock, 'occurredAt'),
      team: textSchema(64).min(1),
      teamCategory: codeEnum(VOLUNTEER_CATEGORIES).optional(),
      title: textSchema(120).optional(),
      hours: z.number().min(0).max(100_000),
      participants: count,
      points: count.default(0),
      location: lngLatSchema.optional(),
    }),
  } satisfies Record<FeedKind, z.ZodType>;
}

export const feedSchemas = makeFeedSchemas();

/** Which field holds each feed's time (when the drill, meal, registration… happened). */
export const FEED_TIME_FIELD = {
  'fire-drills': 'occurredAt',
  'hazard-inspections': 'occurredAt',
  alarms: 'occurredAt',
  'canteen-meals': 'servedAt',
  'market-entities': 'registeredAt',
  'volunteer-activities': 'occurredAt',
} as const satisfies Record<FeedKind, string>;
export type FeedSchemas = typeof feedSchemas;
export type FeedInput<K extends FeedKind> = z.input<FeedSchemas[K]>;
export type FeedRecordInput<K extends FeedKind> = z.output<FeedSchemas[K]>;

/**
 * A feed record as stored: the validated input plus where it was placed. The feed it belongs
 * to is `feed`, not `kind`: drills and inspections carry a `kind` of their own.
 */
export type FeedRecord<K extends FeedKind = FeedKind> = FeedRecordInput<K> & {
  id: string;
  feed: K;
  streetId: string;
  receivedAt: string;
  gridId: string | null;
  communityId: string | null;
};

export type FireDrill = FeedRecord<'fire-drills'>;
export type HazardInspection = FeedRecord<'hazard-inspections'>;
export type Alarm = FeedRecord<'alarms'>;
export type CanteenMeal = FeedRecord<'canteen-meals'>;
export type MarketEntity = FeedRecord<'market-entities'>;
export type VolunteerActivity = FeedRecord<'volunteer-activities'>;
