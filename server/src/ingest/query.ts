// GET /api/v1/incidents query parameters: each bad one is a 400 naming it.
import { z } from 'zod';
import { categorySchema, colourSchema, incidentStatusSchema, isoDateTimeSchema, sourceSchema } from '@grid141/shared';
import { HttpProblem } from '../http/problem.ts';
import { decodeCursor } from '../store/sql.ts';
import type { IncidentFilter } from '../store/types.ts';

export const LIST_LIMIT_MAX = 500;
export const LIST_LIMIT_DEFAULT = 100;

// A list parameter may repeat (?status=a&status=b) or be comma-separated (?status=a,b).
function listOf(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [String(v)]));
  return values.map((v) => v.trim()).filter((v) => v.length > 0);
}

const freeId = z.string().min(1).max(64);
const codeLists = {
  status: incidentStatusSchema,
  category: categorySchema,
  colour: colourSchema,
  source: sourceSchema,
  community: freeId,
  grid: freeId,
} as const;

export interface ListQuery {
  filter: IncidentFilter;
  limit: number;
  cursor: string | null;
}

export function parseListQuery(query: Record<string, unknown>): ListQuery {
  const errors: { path: string; message: string }[] = [];
  const filter: IncidentFilter = {};
  for (const [name, schema] of Object.entries(codeLists) as [keyof typeof codeLists, z.ZodType<string>][]) {
    const values = listOf(query[name]);
    if (!values) continue;
    const bad = values.filter((v) => !schema.safeParse(v).success);
    if (bad.length > 0) errors.push({ path: name, message: `unknown value ${bad.map((b) => JSON.stringify(b)).join(', ')}` });
    else (filter as Record<string, string[]>)[name] = values;
  }
  for (const name of ['from', 'to'] as const) {
    const raw = query[name];
    if (raw === undefined) continue;
    if (typeof raw !== 'string' || !isoDateTimeSchema.safeParse(raw).success) {
      errors.push({ path: name, message: 'expected an ISO 8601 date-time with offset' });
    } else filter[name] = new Date(raw);
  }
  if (filter.from && filter.to && filter.to < filter.from) errors.push({ path: 'to', message: 'to is before from' });
  let limit = LIST_LIMIT_DEFAULT;
  if (query.limit !== undefined) {
    const n = typeof query.limit === 'string' && /^\d+$/.test(query.limit) ? Number(query.limit) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > LIST_LIMIT_MAX) errors.push({ path: 'limit', message: `expected an integer from 1 to ${LIST_LIMIT_MAX}` });
    else limit = n;
  }
  let cursor: string | null = null;
  if (query.cursor !== undefined) {
    try {
      if (typeof query.cursor !== 'string') throw new Error('not a string');
      decodeCursor(query.cursor);
      cursor = query.cursor;
    } catch {
      errors.push({ path: 'cursor', message: 'not a cursor this server gave out (use nextCursor as it came)' });
    }
  }
  if (errors.length > 0) {
    throw new HttpProblem(400, 'Invalid query', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  }
  return { filter, limit, cursor };
}
