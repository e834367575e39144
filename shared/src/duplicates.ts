// Duplicate reports: when a new incident is a possible duplicate of an open one, and how long
// a merge may be undone. Every figure here is a configurable default, not a rule from the field.
import type { LngLat } from './common.ts';
import type { CategoryCode } from './taxonomy.ts';

export interface DuplicateRule {
  /** Metres between the two points, at most. */
  radiusM: number;
  /** Minutes between the two reportedAt, at most (either way). */
  windowMin: number;
}

export const DEFAULT_DUPLICATE_RULE: DuplicateRule = { radiusM: 50, windowMin: 30 };

/**
 * Per category where the default does not fit: a fire or waterlogging is seen from further away
 * and reported for longer; a dispute is between people at one door.
 */
export const DUPLICATE_RULES: Readonly<Partial<Record<CategoryCode, DuplicateRule>>> = {
  emergency: { radiusM: 150, windowMin: 60 },
  dispute: { radiusM: 20, windowMin: 30 },
};

export function duplicateRuleFor(category: CategoryCode, rules: Readonly<Partial<Record<CategoryCode, DuplicateRule>>> = DUPLICATE_RULES): DuplicateRule {
  return rules[category] ?? DEFAULT_DUPLICATE_RULE;
}

/** The largest radius of any rule, in metres (how far a spatial index must look). */
export function maxDuplicateRadiusM(rules: Readonly<Partial<Record<CategoryCode, DuplicateRule>>> = DUPLICATE_RULES): number {
  return Math.max(DEFAULT_DUPLICATE_RULE.radiusM, ...Object.values(rules).map((r) => r.radiusM));
}

const M_PER_DEG_LAT = 110_540;

/** Metres between two WGS84 points (local equirectangular: exact enough within a street). */
export function distanceM(a: LngLat, b: LngLat): number {
  const kx = 111_320 * Math.cos((((a.lat + b.lat) / 2) * Math.PI) / 180);
  const dx = (a.lng - b.lng) * kx, dy = (a.lat - b.lat) * M_PER_DEG_LAT;
  return Math.sqrt(dx * dx + dy * dy);
}

/** A leader may undo a merge for this long after it (milliseconds). */
export const MERGE_UNDO_MS = 24 * 3_600_000;
