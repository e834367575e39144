// Time-target profiles kept in the database: seeded once per street from
// data/streets/<id>/targets.json (the taxonomy's defaults without one), read into memory at
// start and after each edit, so ingest can stamp each incident with the targets of its report time.
import fs from 'node:fs/promises';
import { defaultTargets, SLA_PROFILES, targetsFileSchema, type TargetEdit, type TargetProfile, type TimeTargets } from '@grid141/shared';
import type { Queryable } from '../store/types.ts';

export interface TargetsService {
  /** Every profile with its current minutes, in the taxonomy's order. */
  list(): TargetProfile[];
  /** The current minutes of a profile (the taxonomy's default for a code the table lacks). */
  targets(profile: string): TimeTargets;
  /** A leader's edit; returns the profile before and after, or null for an unknown profile. */
  edit(profile: string, edit: TargetEdit, by: string, at: Date): Promise<{ before: TargetProfile; after: TargetProfile } | null>;
  /** Re-reads the table (another instance may have edited it). */
  reload(): Promise<void>;
}

/** Reads the street's targets file; null when it has none. Throws (naming the file) on a bad one. */
export async function readTargetsFile(file: string): Promise<Record<string, TimeTargets> | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = targetsFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data.profiles;
}

/**
 * The targets of each profile as the database holds them, read once, without seeding or
 * writing anything (an import run from the command line, a dry run included): the table's row,
 * else `seed` (the street's targets.json), else the taxonomy's default.
 */
export async function storedTargetsOf(db: Queryable, streetId: string, seed: Record<string, TimeTargets> | null = null): Promise<(profile: string) => TimeTargets> {
  const rows = await db.query<Record<string, unknown>>('SELECT profile, accept_min, arrive_min, handle_min, close_min FROM time_targets WHERE street_id = $1', [streetId]);
  const stored = new Map<string, TimeTargets>(rows.map((r) => [r.profile as string, {
    acceptMin: r.accept_min as number, arriveMin: (r.arrive_min as number | null) ?? null, handleMin: r.handle_min as number, closeMin: r.close_min as number,
  }]));
  const initial = { ...defaultTargets(), ...(seed ?? {}) };
  return (profile) => {
    const found = stored.get(profile) ?? initial[profile] ?? initial.normal;
    if (!found) throw new RangeError(`no time targets for ${profile}`);
    return found;
  };
}

export async function openTargets(db: Queryable, streetId: string, seed: Record<string, TimeTargets> | null): Promise<TargetsService> {
  const initial = { ...defaultTargets(), ...(seed ?? {}) };
  // Only profiles the table lacks: a leader's edit survives restarts and a changed seed file.
  await db.query(
    `INSERT INTO time_targets (street_id, profile, accept_min, arrive_min, handle_min, close_min)
     SELECT $1::text, * FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::int[])
     ON CONFLICT (street_id, profile) DO NOTHING`,
    [
      streetId,
      Object.keys(initial),
      Object.values(initial).map((t) => t.acceptMin),
      Object.values(initial).map((t) => t.arriveMin),
      Object.values(initial).map((t) => t.handleMin),
      Object.values(initial).map((t) => t.closeMin),
    ],
  );
  let profiles = new Map<string, TargetProfile>();

  const toProfile = (r: Record<string, unknown>): TargetProfile => {
    const code = r.profile as string;
    const named = SLA_PROFILES.find((p) => p.code === code);
    return {
      code,
      zh: named?.zh ?? code,
      en: named?.en ?? code,
      acceptMin: r.accept_min as number,
      arriveMin: (r.arrive_min as number | null) ?? null,
      handleMin: r.handle_min as number,
      closeMin: r.close_min as number,
      updatedAt: r.updated_at ? new Date(r.updated_at as string).toISOString() : null,
      updatedBy: (r.updated_by as string | null) ?? null,
    };
  };
  const order = (code: string) => {
    const i = SLA_PROFILES.findIndex((p) => p.code === code);
    return i < 0 ? SLA_PROFILES.length : i;
  };

  async function reload(): Promise<void> {
    const rows = await db.query<Record<string, unknown>>('SELECT * FROM time_targets WHERE street_id = $1', [streetId]);
    profiles = new Map(rows.map(toProfile).sort((a, b) => order(a.code) - order(b.code)).map((p) => [p.code, p]));
  }
  await reload();

  return {
    list: () => [...profiles.values()],
    targets(code) {
      const p = profiles.get(code);
      if (p) return { acceptMin: p.acceptMin, arriveMin: p.arriveMin, handleMin: p.handleMin, closeMin: p.closeMin };
      const fallback = defaultTargets()[code] ?? defaultTargets().normal;
      if (!fallback) throw new RangeError(`no time targets for ${code}`);
      return fallback;
    },
    async edit(code, edit, by, at) {
      const before = profiles.get(code);
      if (!before) return null;
      await db.query(
        `UPDATE time_targets SET accept_min = $3, arrive_min = $4, handle_min = $5, close_min = $6, updated_at = $7::timestamptz, updated_by = $8
         WHERE street_id = $1 AND profile = $2`,
        [streetId, code, edit.acceptMin, edit.arriveMin, edit.handleMin, edit.closeMin, at.toISOString(), by],
      );
      await reload();
      return { before, after: profiles.get(code) as TargetProfile };
    },
    reload,
  };
}
