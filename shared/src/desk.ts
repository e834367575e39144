// The duty desk's language: time-target profiles, the stage targets of an incident, the queue
// and its search, handover sheets and emergency mode (docs/desk.md says where each rule comes from).
import { z } from 'zod';
import { codeEnum, COLOURS, SOURCES, URGENCIES, type Urgency } from './codes.ts';
import { isoDateTimeSchema, pastTimeSchema, QUERY_RANGE_ISSUE, queryRangeOk, storableString, textSchema } from './common.ts';
import type { Incident } from './incident.ts';
import { incidentStatusSchema, TRANSITIONS, type IncidentStatus } from './lifecycle.ts';
import { categorySchema, SLA_PROFILES, type TimeTargets } from './taxonomy.ts';

/** The four stage targets, in the order an incident meets them. */
export const TARGET_STAGES = [
  { code: 'accept', zh: '受理', en: 'Accept' },
  { code: 'arrive', zh: '到场', en: 'Arrive' },
  { code: 'handle', zh: '处置', en: 'Handle' },
  { code: 'close', zh: '办结', en: 'Close' },
] as const;
export type TargetStage = (typeof TARGET_STAGES)[number]['code'];
export const targetStageSchema = codeEnum(TARGET_STAGES);

/** Longest target a leader may set: 60 days (a longer one is a typing error, not a target). */
export const TARGET_MAX_MIN = 60 * 24 * 60;
const minutes = z.number().int().min(1).max(TARGET_MAX_MIN);

/** A profile as kept in the database and edited on /duty/settings (minutes from the report). */
export const targetProfileSchema = z.object({
  code: z.string(),
  zh: z.string(),
  en: z.string(),
  acceptMin: z.number(),
  arriveMin: z.number().nullable(),
  handleMin: z.number(),
  closeMin: z.number(),
  updatedAt: isoDateTimeSchema.nullable(),
  updatedBy: z.string().nullable(),
});
export type TargetProfile = z.infer<typeof targetProfileSchema>;

/** PUT /api/v1/duty/targets/:profile body: each stage in whole minutes, in stage order. */
export const targetEditSchema = z
  .object({ acceptMin: minutes, arriveMin: minutes.nullable(), handleMin: minutes, closeMin: minutes })
  .strict()
  .superRefine((t, ctx) => {
    const order: [keyof typeof t, number | null][] = [['acceptMin', t.acceptMin], ['arriveMin', t.arriveMin], ['handleMin', t.handleMin], ['closeMin', t.closeMin]];
    let before = 0;
    for (const [path, value] of order) {
      if (value === null) continue;
      if (value < before) ctx.addIssue({ code: 'custom', path: [path], message: `must not be shorter than the stage before it (${before} min)` });
      before = Math.max(before, value);
    }
  });
export type TargetEdit = z.infer<typeof targetEditSchema>;

/** The street's seed file (data/streets/<id>/targets.json): profile code to minutes. */
export const targetsFileSchema = z.object({
  note: z.string().optional(),
  profiles: z.record(z.string(), z.object({ acceptMin: minutes, arriveMin: minutes.nullable(), handleMin: minutes, closeMin: minutes }).strict()),
});

/** The profiles of the taxonomy as the default when a street has no targets.json. */
export function defaultTargets(): Record<string, TimeTargets> {
  return Object.fromEntries(SLA_PROFILES.map((p) => [p.code, { ...p.targets }]));
}

/** When each stage is due for an incident reported at `reportedAt` (ms); dueAt wins for close. */
export interface StageDue {
  acceptBy: string;
  arriveBy: string | null;
  handleBy: string;
  dueAt: string;
}

export function stageDue(targets: TimeTargets, reportedAt: string, ownDueAt?: string): StageDue {
  const at = Date.parse(reportedAt);
  const plus = (min: number) => new Date(at + min * 60_000).toISOString();
  return {
    acceptBy: plus(targets.acceptMin),
    arriveBy: targets.arriveMin === null ? null : plus(targets.arriveMin),
    handleBy: plus(targets.handleMin),
    dueAt: ownDueAt ?? plus(targets.closeMin),
  };
}

type StageFields = Pick<Incident, 'acceptedAt' | 'onSiteAt' | 'handledAt' | 'dueAt'> & { acceptBy: string | null; arriveBy: string | null; handleBy: string | null };

/**
 * The next target an open incident must meet: the first stage not yet done (accept, then arrive
 * when its profile has one, then handle, then close). The same rule as the queue's SQL (server/src/desk/sql.ts).
 */
export function nextTarget(i: StageFields): { stage: TargetStage; dueAt: string } {
  if (i.acceptedAt === null && i.acceptBy !== null) return { stage: 'accept', dueAt: i.acceptBy };
  if (i.onSiteAt === null && i.handledAt === null && i.arriveBy !== null) return { stage: 'arrive', dueAt: i.arriveBy };
  if (i.handledAt === null && i.handleBy !== null) return { stage: 'handle', dueAt: i.handleBy };
  return { stage: 'close', dueAt: i.dueAt };
}

export const URGENCY_RANK: Readonly<Record<Urgency, number>> = { critical: 0, urgent: 1, normal: 2 };

// --- search: Chinese is found by any two characters ---------------------------------------

const ASCII_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ASCII_LOWER = 'abcdefghijklmnopqrstuvwxyz';

/** ASCII letters lowered only: PostgreSQL's translate() does the same on both stores whatever the locale. */
export function foldSearchText(text: string): string {
  let out = '';
  for (const ch of text) {
    const k = ASCII_UPPER.indexOf(ch);
    out += k >= 0 ? ASCII_LOWER[k] : ch;
  }
  return out;
}

/** Every run of two characters (code points) of the folded text, once each. */
export function searchGrams(text: string): string[] {
  const chars = Array.from(foldSearchText(text));
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(`${chars[i]}${chars[i + 1]}`);
  return [...grams];
}

/** What the incident's search index holds: its description and address. */
export function incidentSearchText(description: string, address: string | null): string {
  return `${description}\n${address ?? ''}`;
}

// --- the queue ----------------------------------------------------------------------------

export const QUEUE_LIMIT_MAX = 200;
export const SEARCH_MAX = 100;

/** GET /api/v1/duty/queue: every list may repeat or be comma-separated. */
export const queueQuerySchema = z.object({
  community: z.array(z.string().min(1).max(64)).max(50).optional(),
  grid: z.array(z.string().min(1).max(64)).max(200).optional(),
  category: z.array(categorySchema).optional(),
  colour: z.array(codeEnum(COLOURS)).optional(),
  status: z.array(incidentStatusSchema).optional(),
  source: z.array(codeEnum(SOURCES)).optional(),
  urgency: z.array(codeEnum(URGENCIES)).optional(),
  assignee: z.array(z.string().min(1).max(64)).max(20).optional(),
  from: isoDateTimeSchema.optional(),
  to: isoDateTimeSchema.optional(),
  q: z.string().trim().min(1).max(SEARCH_MAX).optional(),
  limit: z.coerce.number().int().min(1).max(QUEUE_LIMIT_MAX).default(50),
  offset: z.coerce.number().int().min(0).max(10_000).default(0),
}).refine(queryRangeOk, QUERY_RANGE_ISSUE);
export type QueueQuery = z.infer<typeof queueQuerySchema>;
export const QUEUE_LIST_PARAMS = ['community', 'grid', 'category', 'colour', 'status', 'source', 'urgency', 'assignee'] as const;

/** One row of the queue: the incident with its next target. */
export interface QueueItem {
  incident: Incident;
  next: { stage: TargetStage; dueAt: string };
  /** Past its next target as of the answer's `at`. */
  late: boolean;
}

export interface QueuePage {
  at: string;
  items: QueueItem[];
  /** Open incidents matching the filters, counted up to QUEUE_COUNT_CAP (then totalCapped). */
  total: number;
  totalCapped: boolean;
  overdue: number;
}
/** Counting stops here ("over 1,000 open"): an exact count of 100,000 open rows costs more than the page itself. */
export const QUEUE_COUNT_CAP = 1_000;

// --- actions ------------------------------------------------------------------------------

export const NOTE_MAX = 4000;
/** The lifecycle history keeps notes up to this many characters (contract: like a description). */
const NOTE_MAX_FOR_MOVES = NOTE_MAX;

/** Who may make each lifecycle move: operators run the work, leaders verify (close, return). */
export const MOVE_ROLES: Readonly<Record<IncidentStatus, 'operator' | 'leader'>> = {
  reported: 'operator',
  accepted: 'operator',
  rejected: 'operator',
  dispatched: 'operator',
  on_site: 'operator',
  handled: 'operator',
  returned: 'leader',
  closed: 'leader',
  merged: 'operator',
};

/** The role order of contract.md: each has every right of the ones before it. */
export const DESK_ROLES = ['viewer', 'operator', 'leader', 'admin'] as const;
export type DeskRole = (typeof DESK_ROLES)[number];
export function deskRoleAtLeast(role: DeskRole, needed: DeskRole): boolean {
  return DESK_ROLES.indexOf(role) >= DESK_ROLES.indexOf(needed);
}

/** The moves a role may make from a status (the lifecycle's, cut by MOVE_ROLES). */
export function movesFor(status: IncidentStatus, role: DeskRole): IncidentStatus[] {
  return TRANSITIONS[status].filter((to) => to !== 'merged' && deskRoleAtLeast(role, MOVE_ROLES[to]));
}

/** Whether `role` may make the move to `to` (MOVE_ROLES). */
export function mayMakeMove(role: DeskRole, to: IncidentStatus): boolean {
  return deskRoleAtLeast(role, MOVE_ROLES[to]);
}

/**
 * What a move must carry besides `to`, whoever sends it and through which route (the write
 * service checks it, server/src/ingest/service.ts): a rejection and a return give the reason
 * (`note`), marking handled says what was done (`note`), a dispatch says to whom (`assignee`).
 * Returns one `{path, message}` per missing field, empty when none is missing.
 */
export function moveFieldFaults(move: { to: IncidentStatus; note?: string | null | undefined; assignee?: string | null | undefined }): { path: string; message: string }[] {
  const faults: { path: string; message: string }[] = [];
  const noted = Boolean(move.note?.trim());
  if (move.to === 'rejected' && !noted) faults.push({ path: 'note', message: 'a rejection needs a reason' });
  if (move.to === 'dispatched' && !move.assignee?.trim()) faults.push({ path: 'assignee', message: 'dispatch to whom: a post, a grid worker or a department' });
  if (move.to === 'handled' && !noted) faults.push({ path: 'note', message: 'say what was done' });
  if (move.to === 'returned' && !noted) faults.push({ path: 'note', message: 'say why it goes back' });
  return faults;
}

/**
 * POST /api/v1/duty/incidents/:id/transitions: the body's shape only. Who may make the move and
 * what it must carry (moveFieldFaults) are the write service's rules, the same on every route.
 */
export const deskMoveSchema = z.object({
  to: incidentStatusSchema,
  note: storableString().max(NOTE_MAX_FOR_MOVES).optional(),
  assignee: storableString().trim().min(1).max(64).optional(),
  dispatchKind: z.enum(['post', 'grid_worker', 'department']).optional(),
}).strict();

/** Phone numbers as operators see them: the middle four digits hidden (138****5678). */
export function maskContact(contact: string): string {
  const digits = contact.replace(/\D/g, '');
  if (digits.length >= 7) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  return contact.length <= 2 ? '**' : `${contact.slice(0, 1)}***`;
}

/**
 * The incident as everyone below a leader sees it: the reporter's contact masked (maskContact),
 * the rest as it is. Walls (viewer token), viewers and operators get this from every door (the
 * incidents API, the live socket, the desk); leaders and admins call back reporters and get the
 * number whole. Personal information of residents is shown to whom the work needs it (个人信息
 * 保护法 art. 6: the least needed).
 */
export function withMaskedContact<T extends { reporter?: { contact?: string | null | undefined } | null | undefined }>(incident: T): T {
  const contact = incident.reporter?.contact;
  if (!contact) return incident;
  return { ...incident, reporter: { ...incident.reporter, contact: maskContact(contact) } };
}


export const DISPATCH_KINDS = [
  { code: 'post', zh: '岗位', en: 'Post' },
  { code: 'grid_worker', zh: '网格员', en: 'Grid worker' },
  { code: 'department', zh: '部门', en: 'Department' },
] as const;
export const dispatchKindSchema = codeEnum(DISPATCH_KINDS);

export const SATISFACTION = [
  { code: 'satisfied', zh: '满意', en: 'Satisfied', score: 5 },
  { code: 'basically', zh: '基本满意', en: 'Basically satisfied', score: 3 },
  { code: 'unsatisfied', zh: '不满意', en: 'Unsatisfied', score: 1 },
] as const;

// The text rule of docs/api.md ("Text"): no NUL, other C0 controls or half emoji in what is stored.
const note = storableString().max(NOTE_MAX);
const name = storableString().trim().min(1).max(64);

/** POST /api/v1/duty/incidents/:id/escalations (吹哨). */
export const escalateInputSchema = z.object({
  department: name,
  answeredBy: name.optional(),
  /** When the department answered: in the plausible window (docs/api.md, "Times"), and not before the report (the store checks, 409). */
  answeredAt: pastTimeSchema(Date.now, 'answeredAt').optional(),
  note: note.optional(),
}).strict();

/** POST /api/v1/duty/incidents/:id/evaluation (the reporter's verdict, closed incidents only). */
export const evaluateInputSchema = z.object({
  satisfied: codeEnum(SATISFACTION),
  comment: note.optional(),
}).strict();

/** POST /api/v1/duty/incidents/:id/classification (leaders). */
export const reclassifyInputSchema = z.object({
  colour: codeEnum(COLOURS).optional(),
  urgency: codeEnum(URGENCIES).optional(),
  note: note.optional(),
}).strict().refine((v) => v.colour !== undefined || v.urgency !== undefined, { message: 'give colour or urgency', path: ['colour'] });

/** POST /api/v1/duty/incidents/:id/notes */
export const noteInputSchema = z.object({ note: note.min(1) }).strict();

// --- handover and emergency ---------------------------------------------------------------

export interface HandoverIncident {
  id: string;
  category: string;
  urgency: Urgency;
  colour: string;
  status: string;
  description: string;
  address: string | null;
  reportedAt: string;
  next: { stage: TargetStage; dueAt: string } | null;
  late: boolean;
}

export interface HandoverSheet {
  id: string;
  from: string;
  to: string;
  createdAt: string;
  createdBy: string;
  outgoingLeader: string | null;
  incomingLeader: string | null;
  cameIn: number;
  closed: number;
  open: HandoverIncident[];
  openTotal: number;
  overdueTotal: number;
  alarms: { id: string; type: string; occurredAt: string; communityId: string | null; gridId: string | null }[];
  notes: string;
  signatures: { role: 'outgoing' | 'incoming'; by: string; at: string }[];
}

export const handoverCreateSchema = z.object({ notes: note.default('') }).strict();
export const handoverSignSchema = z.object({ role: z.enum(['outgoing', 'incoming']) }).strict();

export interface EmergencyState {
  id: string;
  incidentId: string;
  startedAt: string;
  startedBy: string;
  endedAt: string | null;
  endedBy: string | null;
}
export const emergencyStartSchema = z.object({ incidentId: storableString().min(1).max(64), note: textSchema(500).optional() }).strict();
