// The one write path. Every entry point (the HTTP API, Open311, imports, the duty desk, the
// in-process demo feed) writes records through this service and nothing else:
//   validate (shared schemas) → place (grid index) → group commit → history (+ audit) → announce on the bus.
// The bus is the only road by which anything learns of a committed change (figures, live hub,
// alerts, desk feeds); nothing is announced before COMMIT has returned, and a failing listener
// never turns a committed write into an error.
import {
  ALARM_OUTCOMES, codeEnum, escalateInputSchema, evaluateInputSchema, FEED_KINDS, MOVE_ROLES, moveFieldFaults, noteInputSchema,
  pastTimeSchema, reclassifyInputSchema, roleAtLeast, SATISFACTION, storableString, textSchema, transitionInputSchema, TRANSITIONS,
  type AuditKind, type FeedKind, type FeedRecord, type Incident, type ProblemFieldError, type RecordKind,
} from '@grid141/shared';
import { z } from 'zod';
import { writeAudit, type NewAuditEntry } from '../audit/log.ts';
import type { Actor } from '../auth/actor.ts';
import type { ChangeMeta, RecordBus } from '../engine/bus.ts';
import { HttpProblem, zodFieldErrors } from '../http/problem.ts';
import type { Logger } from '../logger.ts';
import type { LoadedStreet } from '../street/load.ts';
import type { Locator } from '../street/locate.ts';
import type { NewFeedRecord, NewIncident, PurgeCounts, Store, Written } from '../store/types.ts';
import type { Checked } from './batch.ts';
import { feedChecker } from './feeds.ts';
import { groupCommit } from './group-commit.ts';
import { incidentChecker, type IncidentCheckOptions, type TargetsOf } from './incidents.ts';
import type { IncidentMove } from '../store/merge.ts';
import type { DeskChange } from '../store/desk-changes.ts';

/** Which entry point a write came through (logs, the bus, the audit log). */
export type WriteSource = 'api' | 'open311' | 'import' | 'desk' | 'simulator' | 'system';

export interface WriteOptions {
  actor: Actor;
  source?: WriteSource;
}

export interface IngestOptions extends WriteOptions {
  /** Where item i's fields are named in errors; default `items.<i>` (an HTTP batch). */
  path?: (index: number) => readonly PropertyKey[];
}

/** Per item, in input order: new, already there (same externalId: nothing changed), or invalid. */
export type IngestResult<T> =
  | { status: 'created'; record: T }
  | { status: 'replayed'; record: T }
  | { status: 'invalid'; errors: ProblemFieldError[] };

export interface MoveOptions extends WriteOptions {
  /** The version the caller last saw (If-Match); the move is refused as stale unless it is current. Absent: no check. */
  ifMatch?: number | null;
}

export type MoveOutcome =
  | { ok: true; before: Incident; after: Incident }
  /** The body's shape, or a field the move needs (a reason to reject or return, what was done, to whom it is dispatched). */
  | { ok: false; reason: 'invalid'; errors: ProblemFieldError[] }
  /** Not a person who may move incidents, or not one whose role may make this move (`errors` names `to`). */
  | { ok: false; reason: 'forbidden'; detail: string; errors?: ProblemFieldError[] }
  | { ok: false; reason: 'not-found' }
  /** The lifecycle forbids it; `allowed` are the moves it allows from `from`. */
  | { ok: false; reason: 'refused'; from: Incident['status']; to: Incident['status']; allowed: readonly Incident['status'][] }
  /** `at` is before the report or the previous move; `message` says which. */
  | { ok: false; reason: 'too-early'; field: 'at'; message: string }
  /** The incident is no longer at the version the caller saw: as it stands, and who changed it last when. */
  | { ok: false; reason: 'stale'; current: Incident; changedBy: string | null; changedAt: string };

/** A desk change that is not a move (escalate, evaluate, reclassify, addNote). */
export type ChangeOutcome =
  | { ok: true; before: Incident; after: Incident }
  | { ok: false; reason: 'invalid'; errors: ProblemFieldError[] }
  | { ok: false; reason: 'forbidden'; detail: string }
  | { ok: false; reason: 'not-found' }
  /** Not in this status (evaluations: closed only; escalations, reclassifications: open only); `path` names the field. */
  | { ok: false; reason: 'not-now'; detail: string; path: string }
  | { ok: false; reason: 'stale'; current: Incident; changedBy: string | null; changedAt: string };

/** A merge or its undo: the duplicate's move, and the original (its timeline grew). */
export type MergeResult =
  | { ok: true; duplicate: IncidentMove; original: IncidentMove | null }
  | { ok: false; reason: 'invalid'; errors: ProblemFieldError[] }
  | { ok: false; reason: 'forbidden'; detail: string }
  | { ok: false; reason: 'not-found'; id: string }
  | { ok: false; reason: 'refused'; detail: string; field?: 'into' }
  | { ok: false; reason: 'stale'; current: Incident };

export type ResolveOutcome =
  | { ok: true; changed: boolean; record: FeedRecord<'alarms'> }
  | { ok: false; reason: 'invalid'; errors: ProblemFieldError[] }
  /** `resolvedAt` is before the alarm occurred. */
  | { ok: false; reason: 'too-early'; occurredAt: string }
  | { ok: false; reason: 'not-found' };

export interface WriteService {
  /**
   * Validates, places and writes `items` of one kind (a batch is one statement, shared with
   * concurrent callers by group commit); resolves after COMMIT, one result per item.
   * Throws HttpProblem 403 when the actor is a key not allowed this kind.
   */
  ingest(kind: 'incidents', items: readonly unknown[], options: IngestOptions): Promise<IngestResult<Incident>[]>;
  ingest<K extends FeedKind>(kind: K, items: readonly unknown[], options: IngestOptions): Promise<IngestResult<FeedRecord<K>>[]>;
  ingest(kind: RecordKind, items: readonly unknown[], options: IngestOptions): Promise<IngestResult<Incident | FeedRecord>[]>;
  /**
   * One lifecycle move (`{to, note?, assignee?, at?}`, validated here): lifecycle check,
   * status time, version +1, history row and audit entry in one transaction, then announced.
   * The rules of every route (the plain API, the duty desk, the demo feed) are here and only here,
   * checked in this order: a signed-in operator or above, or the server's own parts (else
   * forbidden); the body's shape (invalid); the role the move needs, MOVE_ROLES: closing and
   * returning need a leader (forbidden, naming `to`); the fields it needs, moveFieldFaults: a
   * reason to reject or return, what was done to mark handled, an assignee to dispatch (invalid,
   * naming `note` or `assignee`); then, in the transaction, not-found, stale (If-Match),
   * refused (the lifecycle, with the allowed moves) and too-early (`at`).
   */
  transition(id: string, move: unknown, options: MoveOptions): Promise<MoveOutcome>;
  /**
   * Merges duplicate `id` into `{into, note?}` (operators and up): status merged, mergedInto,
   * history on both, version +1 on both, audit; announced as two changes (server/src/store/merge.ts).
   */
  merge(id: string, input: unknown, options: MoveOptions): Promise<MergeResult>;
  /**
   * The desk's changes that are not moves, each validated here (shared/src/desk.ts schemas), then
   * version +1, a timeline entry (desk_notes) and the audit entry in one transaction
   * (store/desk-changes.ts), then announced on the bus like a move. `ifMatch` as for moves.
   * escalate `{department, answeredBy?, answeredAt?, note?}` (吹哨; open incidents), evaluate
   * `{satisfied, comment?}` (closed incidents), addNote `{note}` (any): operators and up;
   * reclassify `{colour?, urgency?, note?}` (open incidents; the figures follow): leaders and up.
   * The server's own parts may make each.
   */
  escalate(id: string, input: unknown, options: MoveOptions): Promise<ChangeOutcome>;
  evaluate(id: string, input: unknown, options: MoveOptions): Promise<ChangeOutcome>;
  reclassify(id: string, input: unknown, options: MoveOptions): Promise<ChangeOutcome>;
  addNote(id: string, input: unknown, options: MoveOptions): Promise<ChangeOutcome>;
  /** Undoes a merge `{note?}` within a day (leaders and up, or the server itself). */
  unmerge(id: string, input: unknown, options: MoveOptions): Promise<MergeResult>;
  /** An alarm's resolution (`{outcome, resolvedAt?}`); resolving twice changes nothing. */
  resolveAlarm(id: string, input: unknown, options: WriteOptions): Promise<ResolveOutcome>;
  /** Removes every simulated record (admin or the server itself); the figures rebuild from the bus's `purged`. */
  purgeSimulated(options: WriteOptions): Promise<PurgeCounts>;
}

export interface WriteServiceDeps {
  store: Store;
  bus: RecordBus;
  /** The street and locator as they stand: read at every call, so a replaced map places the next record. */
  map: { readonly street: LoadedStreet; readonly locator: Locator };
  logger: Pick<Logger, 'error'>;
  /** The time targets of an SLA profile as they stand (the desk's, editable by a leader). */
  targetsOf?: TargetsOf;
  /** Marks a new incident as a possible duplicate of an open one (server/src/duplicates). */
  possibleDuplicateOf?: IncidentCheckOptions['possibleDuplicateOf'];
  clock?: () => number;
}

/** Who may move an incident through its lifecycle: people from operator up, and the server's own parts. */
export function mayMove(actor: Actor): boolean {
  if (actor.kind === 'system') return true;
  return actor.kind === 'user' && actor.role !== null && roleAtLeast(actor.role, 'operator');
}

/** Whether a key (or anyone else) may write records of `kind`. */
export function mayIngest(actor: Actor, kind: RecordKind): boolean {
  if (actor.kind === 'anonymous') return false;
  if (actor.kind === 'user') return actor.role !== null && roleAtLeast(actor.role, 'operator');
  return !actor.kinds || actor.kinds.includes(kind);
}

const resolveSchema = (clock: () => number) =>
  z.object({
    outcome: codeEnum(ALARM_OUTCOMES),
    resolvedAt: pastTimeSchema(clock, 'resolvedAt').optional(),
  });

const defaultPath = (i: number): readonly PropertyKey[] => ['items', i];

export function createWriteService(deps: WriteServiceDeps): WriteService {
  const { store, bus, map, logger } = deps;
  const clock = deps.clock ?? Date.now;

  const meta = (options: WriteOptions): ChangeMeta => ({ actor: options.actor.name, actorKind: options.actor.kind, source: options.source ?? 'api' });
  // The record is committed by now: a failing listener is logged, never turned into an error answer.
  const announce = (emit: () => void) => {
    try {
      emit();
    } catch (error) {
      logger.error({ err: error }, 'a record bus listener failed');
    }
  };
  const auditOf = (options: WriteOptions, entry: Omit<NewAuditEntry, 'actor' | 'actorKind' | 'address'>): NewAuditEntry => ({
    actor: options.actor.name,
    actorKind: options.actor.kind,
    address: options.actor.address ?? null,
    ...entry,
  });

  type Check = (item: unknown, prefix: readonly PropertyKey[]) => Checked<NewIncident | NewFeedRecord>;
  type Writer = {
    write: (rows: (NewIncident | NewFeedRecord)[]) => Promise<Written<Incident | FeedRecord>[]>;
    announce: (created: (Incident | FeedRecord)[], meta: ChangeMeta) => void;
  };
  const writers = new Map<RecordKind, Writer>();
  {
    const insert = groupCommit((rows: NewIncident[]) => store.insertIncidents(rows));
    writers.set('incidents', {
      write: (rows) => insert(rows as NewIncident[]),
      announce: (created, m) => bus.emit('incidents', (created as Incident[]).map((after) => ({ before: null, after })), m),
    });
  }
  for (const { code: kind } of FEED_KINDS) {
    const insert = groupCommit((rows: NewFeedRecord[]) => store.insertFeed(kind, rows));
    writers.set(kind, {
      write: (rows) => insert(rows as NewFeedRecord[]),
      announce: (created, m) => bus.emit('feed', kind, created as FeedRecord[], m),
    });
  }
  // Who wrote records (a reporting system's key, a person): one audit entry per request, written
  // after the records' commit and before the answer, group-committed like the records (concurrent
  // requests share a statement). Not in the records' own statement: that one is shared by
  // several callers. The server's own parts (the demo feed) are not audited record by record.
  const auditWrites = groupCommit(async (entries: NewAuditEntry[]) => {
    await writeAudit(store.sql, entries);
    return entries.map(() => true);
  });
  const AUDITED_IDS = 50;
  async function auditCreated(kind: RecordKind, created: (Incident | FeedRecord)[], options: IngestOptions): Promise<void> {
    if (created.length === 0 || options.actor.kind === 'system') return;
    const ids = created.map((r) => r.id);
    await auditWrites([auditOf(options, {
      kind: 'records.created',
      target: created.length === 1 ? (ids[0] as string) : null,
      detail: { recordKind: kind, count: created.length, ids: ids.slice(0, AUDITED_IDS), ...(ids.length > AUDITED_IDS ? { more: ids.length - AUDITED_IDS } : {}), source: options.source ?? 'api' },
    })]);
  }

  // The checkers place on one map (grids, canteens' POIs): made again when the map is replaced.
  let checksOf: { street: LoadedStreet; checks: Map<RecordKind, Check> } | null = null;
  const checkerOf = (kind: RecordKind): Check | undefined => {
    const { street, locator } = map;
    if (checksOf?.street !== street) {
      const checks = new Map<RecordKind, Check>();
      checks.set('incidents', incidentChecker(street.meta.id, locator, clock, deps.targetsOf, deps.possibleDuplicateOf ? { possibleDuplicateOf: deps.possibleDuplicateOf } : {}));
      for (const { code } of FEED_KINDS) checks.set(code, feedChecker(code, street, locator, clock));
      checksOf = { street, checks };
    }
    return checksOf.checks.get(kind);
  };

  async function ingest(kind: RecordKind, items: readonly unknown[], options: IngestOptions): Promise<IngestResult<Incident | FeedRecord>[]> {
    const writer = writers.get(kind);
    const check = checkerOf(kind);
    if (!writer || !check) throw new HttpProblem(404, 'Not found', `no record kind ${kind}`);
    if (!mayIngest(options.actor, kind)) {
      throw new HttpProblem(403, 'Forbidden', `${options.actor.name} may not write ${kind}`);
    }
    const path = options.path ?? defaultPath;
    const checked = items.map((item, i) => check(item, path(i)));
    const rows = checked.flatMap((c) => (c.ok ? [c.row] : []));
    const written = rows.length > 0 ? await writer.write(rows) : [];
    const created = written.flatMap((w) => (w.created ? [w.record] : []));
    if (created.length > 0) announce(() => writer.announce(created, meta(options)));
    try {
      await auditCreated(kind, created, options);
    } catch (error) {
      // The records are committed and announced: the answer stays theirs; the missing entry is logged.
      logger.error({ err: error, kind, count: created.length }, 'the audit entry of created records could not be written');
    }
    let next = 0;
    return checked.map((c): IngestResult<Incident | FeedRecord> => {
      if (!c.ok) return { status: 'invalid', errors: c.errors };
      const w = written[next++] as Written<Incident | FeedRecord>;
      return { status: w.created ? 'created' : 'replayed', record: w.record };
    });
  }

  async function transition(id: string, move: unknown, options: MoveOptions): Promise<MoveOutcome> {
    const { actor } = options;
    if (!mayMove(actor)) {
      return { ok: false, reason: 'forbidden', detail: 'moving an incident needs a signed-in operator, leader or admin' };
    }
    const parsed = transitionInputSchema.safeParse(move ?? {});
    if (!parsed.success) return { ok: false, reason: 'invalid', errors: zodFieldErrors(parsed.error) };
    const { to, note, assignee, dispatchKind, at } = parsed.data;
    const needed = MOVE_ROLES[to];
    if (actor.kind !== 'system' && !(actor.role !== null && roleAtLeast(actor.role, needed))) {
      return { ok: false, reason: 'forbidden', detail: `moving to ${to} needs the ${needed} role (${actor.name} is ${actor.role ?? 'no role'})`, errors: [{ path: 'to', message: `moving to ${to} needs ${needed}` }] };
    }
    const faults = moveFieldFaults({ to, note, assignee });
    if (faults.length > 0) return { ok: false, reason: 'invalid', errors: faults };
    const outcome = await store.transitionIncident(id, {
      to,
      note: note ?? null,
      assignee: assignee ?? null,
      dispatchKind: dispatchKind ?? null,
      by: actor.name,
      ...(at ? { at: new Date(at) } : {}),
      ...(options.ifMatch !== undefined && options.ifMatch !== null ? { ifVersion: options.ifMatch } : {}),
      audit: auditOf(options, {
        kind: 'incident.transition',
        target: id,
        detail: { to, ...(note ? { note } : {}), ...(assignee ? { assignee } : {}), ...(dispatchKind ? { dispatchKind } : {}), ...(at ? { at } : {}), source: options.source ?? 'api' },
      }),
    });
    if (!outcome.ok) {
      if (outcome.reason === 'refused') return { ...outcome, allowed: TRANSITIONS[outcome.from] };
      if (outcome.reason === 'stale') return stale(outcome.current);
      return outcome;
    }
    announce(() => bus.emit('incidents', [{ before: outcome.before, after: outcome.after }], meta(options)));
    return outcome;
  }

  /** A stale outcome with who changed the incident last and when (its last move or desk entry). */
  async function stale(current: Incident): Promise<Extract<MoveOutcome, { reason: 'stale' }>> {
    const last = await store.lastChange(current.id);
    return { ok: false, reason: 'stale', current, changedBy: last.by, changedAt: last.at ?? current.updatedAt };
  }

  // --- the desk's changes that are not moves ----------------------------------------------
  const CHANGE_AUDIT: Record<DeskChange['kind'], AuditKind> = {
    escalation: 'incident.escalated', evaluation: 'incident.evaluated', reclassification: 'incident.reclassified', note: 'incident.noted',
  };
  const mayLead = (actor: Actor) => actor.kind === 'system' || (actor.kind === 'user' && actor.role !== null && roleAtLeast(actor.role, 'leader'));

  /** Role, input, then the store's transaction and the announcement: the one shape of every desk change. */
  function deskChange<T>(
    kind: DeskChange['kind'],
    schema: z.ZodType<T>,
    build: (input: T, at: Date) => DeskChange,
  ): (id: string, input: unknown, options: MoveOptions) => Promise<ChangeOutcome> {
    const leaders = kind === 'reclassification';
    return async (id, input, options) => {
      const { actor } = options;
      if (leaders ? !mayLead(actor) : !mayMove(actor)) {
        return { ok: false, reason: 'forbidden', detail: `this needs the ${leaders ? 'leader' : 'operator'} role (${actor.name} is ${actor.role ?? 'no role'})` };
      }
      const parsed = schema.safeParse(input ?? {});
      if (!parsed.success) return { ok: false, reason: 'invalid', errors: zodFieldErrors(parsed.error) };
      const at = new Date(clock());
      const outcome = await store.changeIncident(id, build(parsed.data, at), {
        by: actor.name,
        at,
        ...(options.ifMatch !== undefined && options.ifMatch !== null ? { ifVersion: options.ifMatch } : {}),
        audit: (detail) => auditOf(options, { kind: CHANGE_AUDIT[kind], target: id, detail: { ...detail, source: options.source ?? 'api' } }),
      });
      if (!outcome.ok) return outcome.reason === 'stale' ? stale(outcome.current) : outcome;
      announce(() => bus.emit('incidents', [{ before: outcome.before, after: outcome.after }], meta(options)));
      return outcome;
    };
  }

  const escalate = deskChange('escalation', escalateInputSchema, (e, at) => ({
    kind: 'escalation',
    escalation: {
      at: at.toISOString(), to: [e.department], ...(e.note ? { note: e.note } : {}), ...(e.answeredBy ? { answeredBy: e.answeredBy } : {}),
      ...(e.answeredAt ? { answeredAt: new Date(e.answeredAt).toISOString() } : {}),
    },
  }));
  const evaluate = deskChange('evaluation', evaluateInputSchema, (e, at) => ({
    kind: 'evaluation',
    evaluation: { at: at.toISOString(), score: SATISFACTION.find((s) => s.code === e.satisfied)?.score ?? 3, satisfied: e.satisfied, ...(e.comment ? { comment: e.comment } : {}) },
  }));
  const reclassify = deskChange('reclassification', reclassifyInputSchema, (r) => ({ kind: 'reclassification', ...r }));
  const addNote = deskChange('note', noteInputSchema, (n) => ({ kind: 'note', note: n.note }));

  // `into` is looked up in the store: the text rule (docs/api.md, "Text") keeps a NUL from reaching SQL.
  const mergeInput = z.object({ into: storableString().min(1).max(64), note: textSchema(500).optional() });
  const unmergeInput = z.object({ note: textSchema(500).optional() });
  const mayUnmerge = (actor: Actor) => actor.kind === 'system' || (actor.kind === 'user' && actor.role !== null && roleAtLeast(actor.role, 'leader'));

  async function merge(id: string, input: unknown, options: MoveOptions): Promise<MergeResult> {
    if (!mayMove(options.actor)) return { ok: false, reason: 'forbidden', detail: 'merging needs a signed-in operator, leader or admin' };
    const parsed = mergeInput.safeParse(input ?? {});
    if (!parsed.success) return { ok: false, reason: 'invalid', errors: zodFieldErrors(parsed.error) };
    const { into, note } = parsed.data;
    const outcome = await store.mergeIncident(id, into, {
      by: options.actor.name,
      note: note ?? null,
      ...(options.ifMatch !== undefined && options.ifMatch !== null ? { ifVersion: options.ifMatch } : {}),
      audit: auditOf(options, { kind: 'incident.merged', target: id, detail: { into, ...(note ? { note } : {}), source: options.source ?? 'api' } }),
    });
    if (!outcome.ok) return outcome;
    announce(() => bus.emit('incidents', [outcome.duplicate, outcome.original], meta(options)));
    return outcome;
  }

  async function unmerge(id: string, input: unknown, options: MoveOptions): Promise<MergeResult> {
    if (!mayUnmerge(options.actor)) return { ok: false, reason: 'forbidden', detail: 'undoing a merge needs a signed-in leader' };
    const parsed = unmergeInput.safeParse(input ?? {});
    if (!parsed.success) return { ok: false, reason: 'invalid', errors: zodFieldErrors(parsed.error) };
    const { note } = parsed.data;
    const outcome = await store.unmergeIncident(id, {
      by: options.actor.name,
      note: note ?? null,
      ...(options.ifMatch !== undefined && options.ifMatch !== null ? { ifVersion: options.ifMatch } : {}),
      audit: auditOf(options, { kind: 'incident.unmerged', target: id, detail: { ...(note ? { note } : {}), source: options.source ?? 'api' } }),
    });
    if (!outcome.ok) return outcome;
    announce(() => bus.emit('incidents', [outcome.duplicate, ...(outcome.original ? [outcome.original] : [])], meta(options)));
    return outcome;
  }

  const resolveInput = resolveSchema(clock);
  async function resolveAlarm(id: string, input: unknown, options: WriteOptions): Promise<ResolveOutcome> {
    if (options.actor.kind !== 'system' && !mayIngest(options.actor, 'alarms')) {
      throw new HttpProblem(403, 'Forbidden', `${options.actor.name} may not write alarms`);
    }
    const parsed = resolveInput.safeParse(input ?? {});
    if (!parsed.success) return { ok: false, reason: 'invalid', errors: zodFieldErrors(parsed.error) };
    // An alarm's occurredAt never changes, so reading it before the resolving transaction is safe.
    const alarm = await store.getFeedRecord('alarms', id);
    if (!alarm) return { ok: false, reason: 'not-found' };
    const occurredAt = Date.parse(alarm.occurredAt);
    if (parsed.data.resolvedAt !== undefined && Date.parse(parsed.data.resolvedAt) < occurredAt) {
      return { ok: false, reason: 'too-early', occurredAt: alarm.occurredAt };
    }
    const resolvedAt = new Date(parsed.data.resolvedAt ?? Math.max(clock(), occurredAt)).toISOString();
    const outcome = await store.resolveAlarm(
      id,
      { outcome: parsed.data.outcome, resolvedAt },
      auditOf(options, { kind: 'alarm.resolved', target: id, detail: { outcome: parsed.data.outcome, resolvedAt } }),
    );
    if (!outcome.ok) return { ok: false, reason: 'not-found' };
    if (outcome.changed) announce(() => bus.emit('feedUpdated', 'alarms', outcome.before, outcome.after, meta(options)));
    return { ok: true, changed: outcome.changed, record: outcome.after };
  }

  async function purgeSimulated(options: WriteOptions): Promise<PurgeCounts> {
    if (options.actor.kind !== 'system' && options.actor.role !== 'admin') {
      throw new HttpProblem(403, 'Forbidden', 'removing the simulated records needs the admin role');
    }
    const counts = await store.purgeSimulated((c) => auditOf(options, { kind: 'records.purged', detail: { ...c } }));
    announce(() => bus.emit('purged', meta(options)));
    return counts;
  }

  return { ingest: ingest as WriteService['ingest'], transition, escalate, evaluate, reclassify, addNote, merge, unmerge, resolveAlarm, purgeSimulated };
}
