// The small interfaces the live hub depends on, so it runs against the real figures engine
// and store, or against any other piece that keeps the same promises.
import type { Incident, Summary } from '@grid141/shared';

/** The figures: the current summary and when it changes (figures/engine.ts keeps these promises). */
export interface SummarySource {
  summary(): Summary;
  seq(): number;
  onChange(listener: (summary: Summary, seq: number) => void): () => void;
  /** Incidents that just went past their due time while open. */
  onOverdue(listener: (incidentIds: string[]) => void): () => void;
}

/** Finds incidents by id (the store); used to describe overdue incidents the hub has not seen. */
export type IncidentLookup = (ids: string[]) => Promise<Incident[]>;

/** At most this many incidents are looked up per overdue notice (overdue alerts are capped anyway). */
const LOOKUP_LIMIT = 50;

/** An IncidentLookup over the store's getIncident. */
export function lookupThrough(getIncident: (id: string) => Promise<Incident | null>): IncidentLookup {
  return async (ids) => {
    const found = await Promise.all(ids.slice(0, LOOKUP_LIMIT).map((id) => getIncident(id)));
    return found.filter((incident): incident is Incident => incident !== null);
  };
}
