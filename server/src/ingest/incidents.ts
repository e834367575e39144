// Incident ingest: validate with the shared schema, place the point, fill what the reporter
// left out (colour from the category, due time from the SLA profile), then write in one go.
import { randomUUID } from 'node:crypto';
import {
  categoryOf, makeIncidentInputSchema, slaProfileFor, stageDue, targetsFor, type Incident, type ProblemFieldError, type TimeTargets,
} from '@grid141/shared';
import type { Locator } from '../street/locate.ts';
import type { NewIncident } from '../store/types.ts';
import { checkItem, type Checked } from './batch.ts';
import { serviceAreaError } from './service-area.ts';

const toIso = (value: string) => new Date(value).toISOString();

/** The minutes of a time-target profile as they stand now (the desk's table; the taxonomy's defaults without it). */
export type TargetsOf = (profile: string) => TimeTargets;

export interface IncidentCheckOptions {
  /** Marks a new incident as a possible duplicate of an open one (server/src/duplicates); none when absent. */
  possibleDuplicateOf?: (incident: NewIncident) => string | null;
}

export function incidentChecker(streetId: string, locator: Locator, clock: () => number = Date.now, targetsOf?: TargetsOf, options: IncidentCheckOptions = {}) {
  const schema = makeIncidentInputSchema(clock);
  const markDuplicate = options.possibleDuplicateOf;
  return (item: unknown, prefix: readonly PropertyKey[]): Checked<NewIncident> =>
    checkItem(schema, item, prefix, (input): NewIncident | ProblemFieldError[] => {
      const now = new Date(clock()).toISOString();
      // Milliseconds only, so the list cursor compares exactly what it serves.
      const reportedAt = input.reportedAt ? toIso(input.reportedAt) : now;
      const place = locator.locate(input.location.lng, input.location.lat);
      // Only a point outside every grid can be beyond the service area: the placed ones skip the check.
      const far = place.outsideArea ? serviceAreaError(locator, input.location) : null;
      if (far) return [far];
      const slaProfile = slaProfileFor(input.category, input.urgency);
      // The targets as they stand at this report: a later edit does not move this incident's.
      const due = stageDue(targetsOf ? targetsOf(slaProfile) : targetsFor(input.category, input.urgency), reportedAt, input.dueAt ? toIso(input.dueAt) : undefined);
      const row: NewIncident = {
        id: randomUUID(),
        streetId,
        externalId: input.externalId,
        source: input.source,
        category: input.category,
        subcategory: input.subcategory ?? null,
        urgency: input.urgency,
        colour: input.colour ?? categoryOf(input.category).colour,
        status: 'reported',
        title: input.title ?? null,
        description: input.description,
        location: { lng: input.location.lng, lat: input.location.lat },
        address: input.address ?? null,
        reporter: input.reporter ?? null,
        photos: input.photos ?? [],
        gridId: place.gridId,
        microGridId: place.microGridId,
        communityId: place.communityId,
        outsideArea: place.outsideArea,
        reportedAt,
        receivedAt: now,
        updatedAt: now,
        acceptedAt: null,
        dispatchedAt: null,
        onSiteAt: null,
        handledAt: null,
        closedAt: null,
        dueAt: due.dueAt,
        acceptBy: due.acceptBy,
        arriveBy: due.arriveBy,
        handleBy: due.handleBy,
        slaProfile,
        assignee: null,
        escalations: [],
        evaluation: null,
        simulated: input.simulated,
        version: 1,
        possibleDuplicateOf: null,
        mergedInto: null,
      };
      if (markDuplicate) row.possibleDuplicateOf = markDuplicate(row);
      return row;
    });
}

/** What a reporting system gets back for an incident (201 new, 200 replay). */
export function describeIncident(incident: Incident): Record<string, unknown> {
  return {
    id: incident.id,
    externalId: incident.externalId,
    gridId: incident.gridId,
    communityId: incident.communityId,
    colour: incident.colour,
    status: incident.status,
    outsideArea: incident.outsideArea,
    possibleDuplicateOf: incident.possibleDuplicateOf,
  };
}
