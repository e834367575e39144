// Past incidents brought in with their whole lifecycle (imports of a street's history): the
// API's incident input, plus the status and the time of each step, checked for order.
import { z } from 'zod';
import { pastTimeSchema } from './common.ts';
import { dueAtRule, makeIncidentInputObject } from './incident.ts';
import { incidentStatusSchema, TERMINAL_STATUSES, type IncidentStatus } from './lifecycle.ts';

/** The lifecycle's time stamps, in the order the steps happen. */
export const LIFECYCLE_STAMPS = ['acceptedAt', 'dispatchedAt', 'onSiteAt', 'handledAt', 'closedAt'] as const;
export type LifecycleStamp = (typeof LIFECYCLE_STAMPS)[number];

// How far along the lifecycle a status is: a stamp of a later step than the status is a contradiction.
const STEP: Record<IncidentStatus, number> = {
  reported: 0, accepted: 1, dispatched: 2, on_site: 3, handled: 4, returned: 4, closed: 5, rejected: 5, merged: 5,
};
const STAMP_STEP: Record<LifecycleStamp, number> = { acceptedAt: 1, dispatchedAt: 2, onSiteAt: 3, handledAt: 4, closedAt: 5 };

type Stamps = Partial<Record<LifecycleStamp, string>>;

/** The status a past incident has when the file gives none: its last stamped step. */
export function statusFromStamps(stamps: Stamps): IncidentStatus {
  if (stamps.closedAt) return 'closed';
  if (stamps.handledAt) return 'handled';
  if (stamps.onSiteAt) return 'on_site';
  if (stamps.dispatchedAt) return 'dispatched';
  if (stamps.acceptedAt) return 'accepted';
  return 'reported';
}

/**
 * The API's incident input (makeIncidentInputSchema) with `reportedAt` required and the
 * lifecycle: `status` (default: the last stamped step) and `acceptedAt` … `closedAt`. Errors
 * name the field: a step before the report or before an earlier step, a terminal status
 * (closed, rejected, merged) without `closedAt`, `closedAt` on an open status, a step later
 * than the status says the incident got to. On-time is `closedAt <= dueAt`; `dueAt` defaults
 * to the category's target from `reportedAt`, as for a live incident.
 */
export function makeIncidentImportSchema(clock: () => number = Date.now) {
  // The plausible window of docs/api.md ("Times") for the report and every step.
  const stamp = pastTimeSchema(clock, 'time').optional();
  return makeIncidentInputObject(clock)
    .extend({
      reportedAt: pastTimeSchema(clock, 'reportedAt'),
      status: incidentStatusSchema.optional(),
      acceptedAt: stamp,
      dispatchedAt: stamp,
      onSiteAt: stamp,
      handledAt: stamp,
      closedAt: stamp,
    })
    .superRefine((r, ctx) => {
      dueAtRule(clock)(r, ctx);
      let previous: { field: string; at: number } = { field: 'reportedAt', at: Date.parse(r.reportedAt) };
      for (const field of LIFECYCLE_STAMPS) {
        const value = r[field];
        if (value === undefined) continue;
        const at = Date.parse(value);
        if (at < previous.at) ctx.addIssue({ code: 'custom', path: [field], message: `${field} is before ${previous.field}` });
        else previous = { field, at };
      }
      const status = r.status ?? statusFromStamps(r);
      const terminal = TERMINAL_STATUSES.includes(status);
      if (terminal && r.closedAt === undefined) {
        ctx.addIssue({ code: 'custom', path: ['closedAt'], message: `status ${status} needs closedAt (when it was closed)` });
      }
      for (const field of LIFECYCLE_STAMPS) {
        if (r[field] !== undefined && STAMP_STEP[field] > STEP[status]) {
          ctx.addIssue({ code: 'custom', path: [field], message: `${field} is given but status ${status} has not got that far` });
        }
      }
    });
}
export const incidentImportSchema = makeIncidentImportSchema();
export type IncidentImportInput = z.input<typeof incidentImportSchema>;
export type IncidentImportParsed = z.output<typeof incidentImportSchema>;
