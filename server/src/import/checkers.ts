// One checker per import kind: the API's own (shared zod schema, placing, canteen lookup), and
// for past incidents the API's incident checker plus the lifecycle (makeIncidentImportSchema).
import { LIFECYCLE_STAMPS, makeIncidentImportSchema, statusFromStamps, type ProblemFieldError } from '@grid141/shared';
import { zodFieldErrors } from '../http/problem.ts';
import type { Checked } from '../ingest/batch.ts';
import { feedChecker } from '../ingest/feeds.ts';
import { incidentChecker, type TargetsOf } from '../ingest/incidents.ts';
import type { LoadedStreet } from '../street/load.ts';
import type { Locator } from '../street/locate.ts';
import type { NewFeedRecord, NewIncident, StoreWriter } from '../store/types.ts';
import type { ImportKind } from './kinds.ts';

export type ImportRow = NewIncident | NewFeedRecord;

export interface KindWriter {
  check(input: Record<string, unknown>): Checked<ImportRow>;
  /** Writes one chunk; returns how many were new. */
  write(writer: StoreWriter, rows: ImportRow[]): Promise<number>;
}

const iso = (value: string | undefined) => (value === undefined ? null : new Date(value).toISOString());

/**
 * Past incidents: the API's checks (stamped with the time targets of `targetsOf`, the
 * database's profiles as the API stamps them; the taxonomy's defaults without it), then status
 * and step times from the file.
 */
export function pastIncidentChecker(streetId: string, locator: Locator, clock: () => number = Date.now, targetsOf?: TargetsOf) {
  const schema = makeIncidentImportSchema(clock);
  const base = incidentChecker(streetId, locator, clock, targetsOf);
  return (item: unknown): Checked<NewIncident> => {
    const parsed = schema.safeParse(item);
    if (!parsed.success) return { ok: false, errors: zodFieldErrors(parsed.error) };
    const built = base(item, []);
    if (!built.ok) return built;
    const input = parsed.data;
    const stamps = Object.fromEntries(LIFECYCLE_STAMPS.map((s) => [s, iso(input[s])])) as Record<(typeof LIFECYCLE_STAMPS)[number], string | null>;
    const last = [...LIFECYCLE_STAMPS].reverse().map((s) => stamps[s]).find((t) => t !== null);
    return {
      ok: true,
      row: { ...built.row, ...stamps, status: input.status ?? statusFromStamps(input), updatedAt: last ?? built.row.reportedAt },
    };
  };
}

export function kindWriter(kind: ImportKind, street: LoadedStreet, locator: Locator, by: string, clock: () => number = Date.now, targetsOf?: TargetsOf): KindWriter {
  if (kind === 'incidents') {
    const check = pastIncidentChecker(street.meta.id, locator, clock, targetsOf);
    return {
      check,
      async write(writer, rows) {
        const written = await writer.insertIncidents(rows as NewIncident[], { history: 'lifecycle', by });
        return written.filter((w) => w.created).length;
      },
    };
  }
  const check = feedChecker(kind, street, locator, clock);
  return {
    check: (input) => check(input, []),
    // Only the count of new records is wanted: nothing is read back.
    write: (writer, rows) => writer.insertFeedCount(kind, rows as NewFeedRecord[]),
  };
}

export type { ProblemFieldError };
