// Incidents: what a reporting system sends, and what Grid141 keeps and serves.
import { z } from 'zod';
import { codeEnum, COLOURS, SOURCES, URGENCIES } from './codes.ts';
import {
  externalIdSchema, isoDateTimeSchema, lngLatSchema, MAX_DUE_AFTER_REPORT_MS, pastTimeSchema, storableString, textSchema,
} from './common.ts';
import { incidentStatusSchema } from './lifecycle.ts';
import { categorySchema } from './taxonomy.ts';

export const sourceSchema = codeEnum(SOURCES);
export const urgencySchema = codeEnum(URGENCIES);
export const colourSchema = codeEnum(COLOURS);

export const reporterSchema = z.object({
  kind: z.enum(['resident', 'grid_worker', 'new_employment', 'party_member', 'system']).optional(),
  name: textSchema(64).optional(),
  contact: textSchema(64).optional(),
  accountId: textSchema(64).optional(),
});

export const DESCRIPTION_MAX = 4000;

/**
 * An incident as a reporting system sends it. Times (docs/api.md, "Times"): `reportedAt` in the
 * plausible window (2000 … now + 5 min, default now); `dueAt` after `reportedAt` (an incident due
 * when it arrives is overdue on arrival) and at most a year after it.
 */
export function makeIncidentInputSchema(clock: () => number = Date.now) {
  return makeIncidentInputObject(clock).superRefine(dueAtRule(clock));
}

/** The incident input's fields without the rules across them, for schemas that extend it (imports). */
export function makeIncidentInputObject(clock: () => number = Date.now) {
  return z.object({
    externalId: externalIdSchema,
    source: sourceSchema,
    category: categorySchema,
    subcategory: textSchema(64).optional(),
    urgency: urgencySchema.default('normal'),
    /** Overrides the category's default matter colour (三事三色) when the reporter knows better. */
    colour: colourSchema.optional(),
    title: textSchema(120).optional(),
    description: textSchema(DESCRIPTION_MAX).min(1),
    location: lngLatSchema,
    reportedAt: pastTimeSchema(clock, 'reportedAt').optional(),
    dueAt: isoDateTimeSchema.optional(),
    address: textSchema(200).optional(),
    reporter: reporterSchema.optional(),
    photos: z.array(storableString().pipe(z.url({ protocol: /^https?$/ }))).max(10).optional(),
    simulated: z.boolean().default(false),
  });
}

/** `dueAt` after `reportedAt` (default: the clock) and at most a year after it, naming `dueAt`. */
export function dueAtRule(clock: () => number) {
  return (input: { reportedAt?: string | undefined; dueAt?: string | undefined }, ctx: z.RefinementCtx) => {
    if (input.dueAt === undefined) return;
    const reported = input.reportedAt === undefined ? clock() : Date.parse(input.reportedAt);
    const due = Date.parse(input.dueAt);
    if (due <= reported) {
      ctx.addIssue({ code: 'custom', path: ['dueAt'], input: input.dueAt, message: 'dueAt is not after reportedAt (the incident would be overdue on arrival)' });
    } else if (due > reported + MAX_DUE_AFTER_REPORT_MS) {
      ctx.addIssue({ code: 'custom', path: ['dueAt'], input: input.dueAt, message: 'dueAt is more than a year after reportedAt' });
    }
  };
}
export const incidentInputSchema = makeIncidentInputSchema();
export type IncidentInput = z.input<typeof incidentInputSchema>;
export type IncidentInputParsed = z.output<typeof incidentInputSchema>;

/** 吹哨: a call for departments or the three heads to report; a record, not a status. */
export const escalationSchema = z.object({
  at: isoDateTimeSchema,
  by: textSchema(64).optional(),
  to: z.array(textSchema(64)).max(20),
  note: textSchema(4000).optional(),
  /** Who answered the call, and when (the desk records it). */
  answeredBy: textSchema(64).optional(),
  answeredAt: isoDateTimeSchema.optional(),
});
export type Escalation = z.infer<typeof escalationSchema>;

export const evaluationSchema = z.object({
  at: isoDateTimeSchema,
  score: z.number().int().min(1).max(5),
  satisfied: z.enum(['satisfied', 'basically', 'unsatisfied']),
  comment: textSchema(4000).optional(),
});
export type Evaluation = z.infer<typeof evaluationSchema>;

export const transitionInputSchema = z.object({
  to: incidentStatusSchema,
  note: textSchema(4000).optional(),
  assignee: textSchema(64).optional(),
  /** With a dispatch: what the assignee is (a post, a grid worker, a department), kept on the desk's timeline. */
  dispatchKind: z.enum(['post', 'grid_worker', 'department']).optional(),
  /**
   * When the move happened (imports, replays, the demo feed's backfill); default now. In the
   * plausible window here; not before the report nor the previous move (moveTimeFault) in the store.
   */
  at: pastTimeSchema(Date.now, 'at').optional(),
});
export type TransitionInput = z.infer<typeof transitionInputSchema>;

/**
 * What a history entry records besides a status move (docs/api.md, duplicates): on a duplicate,
 * `merged` (into relatedId) and `unmerged`; on the original, `merged_in` (relatedId merged into
 * it) and `merge_undone` (relatedId taken out again). These entries of the original keep its status.
 */
/**
 * The short code the desk shows for an incident ("#3F2A9C1B"): the first 8 hex digits of its id
 * (a random UUID), upper case. For people to tell incidents apart on a screen or over the phone;
 * never a key (the API takes the full id).
 */
export function incidentCode(id: string): string {
  return `#${id.replace(/-/g, '').slice(0, 8).toUpperCase()}`;
}

export const HISTORY_EVENTS = ['merged', 'merged_in', 'unmerged', 'merge_undone'] as const;
export type HistoryEvent = (typeof HISTORY_EVENTS)[number];

export const historyEntrySchema = z.object({
  at: isoDateTimeSchema,
  from: incidentStatusSchema.nullable(),
  to: incidentStatusSchema,
  by: textSchema(64).nullable(),
  note: textSchema(4000).nullable(),
  event: z.enum(HISTORY_EVENTS).nullable().optional(),
  /** The other incident of a merge event. */
  relatedId: z.string().nullable().optional(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

/** An incident as stored and served (API and live feed). */
export const incidentSchema = z.object({
  id: z.string(),
  streetId: z.string(),
  externalId: externalIdSchema,
  source: sourceSchema,
  category: categorySchema,
  subcategory: z.string().nullable(),
  urgency: urgencySchema,
  colour: colourSchema,
  status: incidentStatusSchema,
  title: z.string().nullable(),
  description: z.string(),
  location: lngLatSchema,
  address: z.string().nullable(),
  reporter: reporterSchema.nullable(),
  photos: z.array(z.string()),
  gridId: z.string().nullable(),
  microGridId: z.string().nullable(),
  communityId: z.string().nullable(),
  outsideArea: z.boolean(),
  reportedAt: isoDateTimeSchema,
  receivedAt: isoDateTimeSchema,
  updatedAt: isoDateTimeSchema,
  acceptedAt: isoDateTimeSchema.nullable(),
  dispatchedAt: isoDateTimeSchema.nullable(),
  onSiteAt: isoDateTimeSchema.nullable(),
  handledAt: isoDateTimeSchema.nullable(),
  closedAt: isoDateTimeSchema.nullable(),
  dueAt: isoDateTimeSchema,
  slaProfile: z.string(),
  assignee: z.string().nullable(),
  escalations: z.array(escalationSchema),
  evaluation: evaluationSchema.nullable(),
  simulated: z.boolean(),
  /** When each stage is due (the time targets as they stood at the report); dueAt is the close target. */
  acceptBy: isoDateTimeSchema.nullable().optional(),
  arriveBy: isoDateTimeSchema.nullable().optional(),
  handleBy: isoDateTimeSchema.nullable().optional(),
  /**
   * 1 when taken, +1 at every change; the ETag of GET /api/v1/incidents/:id and the If-Match of
   * a move. Always present on what the server serves; optional in the type so that a record
   * built before it is stored (fixtures, imports) need not invent one.
   */
  version: z.number().int().positive().optional(),
  /** An open incident of the same category close by in place and time when this one came in (docs/api.md, duplicates). */
  possibleDuplicateOf: z.string().nullable().optional(),
  /** Set while merged: the original it was merged into. */
  mergedInto: z.string().nullable().optional(),
  /** Derived when served: open and past its due time. */
  overdue: z.boolean(),
});
export type Incident = z.infer<typeof incidentSchema>;
export type IncidentWithHistory = Incident & { history: HistoryEntry[] };
