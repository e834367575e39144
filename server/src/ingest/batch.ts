// One record or {items: [...]}: how every ingest route reads its body, and how it answers
// (201 all new, 200 no errors but some replays, 207 some failed, 400 all failed).
import type { Response } from 'express';
import { BATCH_MAX, PROBLEM_CONTENT_TYPE, type ProblemFieldError } from '@grid141/shared';
import type { z } from 'zod';
import { HttpProblem, problemBody, zodFieldErrors } from '../http/problem.ts';

export interface IngestBody {
  single: boolean;
  items: unknown[];
}

export function readIngestBody(body: unknown): IngestBody {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpProblem(400, 'Invalid request', 'send one record as a JSON object, or {"items": [...]}', [
      { path: '(body)', message: 'expected a JSON object' },
    ]);
  }
  if (!('items' in body)) return { single: true, items: [body] };
  const items = (body as { items: unknown }).items;
  if (!Array.isArray(items)) throw new HttpProblem(400, 'Invalid request', 'items must be an array', [{ path: 'items', message: 'expected an array' }]);
  if (items.length === 0) throw new HttpProblem(400, 'Invalid request', 'items is empty', [{ path: 'items', message: 'send at least one item' }]);
  if (items.length > BATCH_MAX) {
    throw new HttpProblem(413, 'Batch too large', `items has ${items.length} entries; the limit is ${BATCH_MAX}`, [
      { path: 'items', message: `at most ${BATCH_MAX} items per request` },
    ]);
  }
  return { single: false, items };
}

export type Checked<R> = { ok: true; row: R } | { ok: false; errors: ProblemFieldError[] };

/** Validates one item; zod errors and our own checks both name the field from the top of the body. */
export function checkItem<S extends z.ZodType, R>(
  schema: S,
  item: unknown,
  prefix: readonly PropertyKey[],
  build: (parsed: z.output<S>) => R | ProblemFieldError[],
): Checked<R> {
  const parsed = schema.safeParse(item);
  if (!parsed.success) return { ok: false, errors: zodFieldErrors(parsed.error, prefix) };
  const built = build(parsed.data);
  if (Array.isArray(built)) {
    return { ok: false, errors: built.map((e) => ({ path: [...prefix.map(String), e.path].join('.'), message: e.message })) };
  }
  return { ok: true, row: built };
}

export interface ItemResult {
  status: 201 | 200 | 400;
  body?: Record<string, unknown>;
  errors?: ProblemFieldError[];
}

export function sendIngestResults(res: Response, single: boolean, results: ItemResult[]): void {
  if (single) {
    const only = results[0] as ItemResult;
    if (only.status === 400) {
      const errors = only.errors ?? [];
      const detail = errors.length === 1 ? `${errors[0]?.path}: ${errors[0]?.message}` : `${errors.length} fields are invalid`;
      throw new HttpProblem(400, 'Invalid request', detail, errors);
    }
    res.status(only.status).json(only.body);
    return;
  }
  const flat = results.map((r) => (r.status === 400 ? { status: 400, errors: r.errors } : batchEntry(r.status, r.body ?? {})));
  const failed = results.filter((r) => r.status === 400).length;
  if (failed === results.length) {
    const errors = results.flatMap((r) => r.errors ?? []);
    const body = { ...problemBody(400, 'Invalid request', `all ${failed} items are invalid`, errors), results: flat };
    res.status(400).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
    return;
  }
  const status = failed > 0 ? 207 : results.every((r) => r.status === 201) ? 201 : 200;
  res.status(status).json({ results: flat });
}

// In a batch, `status` is the item's HTTP status; an incident's own status moves to `incidentStatus`.
function batchEntry(status: number, body: Record<string, unknown>): Record<string, unknown> {
  const { status: recordStatus, ...rest } = body;
  return recordStatus === undefined ? { status, ...rest } : { status, ...rest, incidentStatus: recordStatus };
}
