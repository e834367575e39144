// Duplicate reports: when a new incident is a possible duplicate of an open one, and how long
// a merge may be undone. The rules are defaults a server may change (DUPLICATE_RULES), not rules from the field.
import type { LngLat } from './common.ts';
import { CATEGORIES, type CategoryCode } from './taxonomy.ts';

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

export function duplicateRuleFor(
  category: CategoryCode,
  rules: Readonly<Partial<Record<CategoryCode, DuplicateRule>>> = DUPLICATE_RULES,
  fallback: DuplicateRule = DEFAULT_DUPLICATE_RULE,
): DuplicateRule {
  return rules[category] ?? fallback;
}

/** The rules a server runs with: one for every category not named, and the named ones. */
export interface DuplicateRuleSet {
  fallback: DuplicateRule;
  byCategory: Readonly<Partial<Record<CategoryCode, DuplicateRule>>>;
}

export const DUPLICATE_RADIUS_MAX_M = 1000;
export const DUPLICATE_WINDOW_MAX_MIN = 1440;

/**
 * DUPLICATE_RULES (README, Configuration): comma-separated `category:metres/minutes`, e.g.
 * `emergency:200/90,city_mgmt:30/20`, and `default:metres/minutes` for every category not named.
 * Laid over the built-in table (DEFAULT_DUPLICATE_RULE, DUPLICATE_RULES): a category left out
 * keeps its built-in rule. Metres 1–1,000, minutes 1–1,440, whole numbers. Null when an entry
 * names no category of the taxonomy, repeats one, or is out of range.
 */
export function parseDuplicateRules(raw: string | null | undefined): DuplicateRuleSet | null {
  let fallback = DEFAULT_DUPLICATE_RULE;
  const byCategory: Partial<Record<CategoryCode, DuplicateRule>> = { ...DUPLICATE_RULES };
  const value = raw?.trim();
  if (!value) return { fallback, byCategory };
  const seen = new Set<string>();
  for (const part of value.split(',')) {
    const match = /^\s*([a-z_]+)\s*:\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(part);
    if (!match) return null;
    const [, code, m, min] = match as unknown as [string, string, string, string];
    const rule = { radiusM: Number(m), windowMin: Number(min) };
    if (seen.has(code) || (code !== 'default' && !CATEGORIES.some((c) => c.code === code))) return null;
    if (rule.radiusM < 1 || rule.radiusM > DUPLICATE_RADIUS_MAX_M || rule.windowMin < 1 || rule.windowMin > DUPLICATE_WINDOW_MAX_MIN) return null;
    seen.add(code);
    if (code === 'default') fallback = rule;
    else byCategory[code as CategoryCode] = rule;
  }
  return { fallback, byCategory };
}

/** The largest radius of any rule, in metres (how far a spatial index must look). */
export function maxDuplicateRadiusM(rules: Readonly<Partial<Record<CategoryCode, DuplicateRule>>> = DUPLICATE_RULES, fallback: DuplicateRule = DEFAULT_DUPLICATE_RULE): number {
  return Math.max(fallback.radiusM, ...Object.values(rules).map((r) => r.radiusM));
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
