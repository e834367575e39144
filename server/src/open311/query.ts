// GET requests.{format}: the spec's parameters, defaults and limits, as an incident filter.
import { isoDateTimeSchema, isOpenStatus, MAX_FUTURE_MS, STATUSES, type IncidentStatus } from '@grid141/shared';
import type { IncidentFilter } from '../store/types.ts';
import { Open311Failure, type Open311Error } from './format.ts';
import { CLOSED_STATUSES } from './requests.ts';
import { findCategory } from './services.ts';

/** The spec: "a span of 90 days or first 1000 requests returned, whichever is smallest". */
export const SPAN_MAX_MS = 90 * 24 * 3_600_000;
export const LIST_MAX = 1000;

export interface RequestsQuery {
  filter: IncidentFilter;
  limit: number;
}

// A parameter may repeat (?status=open&status=closed) or be comma-separated (?status=open,closed).
function listOf(raw: unknown): string[] | undefined {
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (typeof v === 'string' ? v.split(',') : []));
  const list = values.map((v) => v.trim()).filter((v) => v.length > 0);
  return list.length > 0 ? list : undefined;
}

function dateOf(name: string, raw: unknown, errors: Open311Error[]): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !isoDateTimeSchema.safeParse(raw).success) {
    errors.push({ code: 400, description: `${name} must be a date-time with an offset, e.g. 2026-11-30T08:00:00+08:00` });
    return undefined;
  }
  return Date.parse(raw);
}

const OPEN_STATUSES: IncidentStatus[] = STATUSES.map((s) => s.code).filter((s) => isOpenStatus(s));

/**
 * service_request_id (comma list, overrides every other parameter), service_code, status
 * (open, closed), start_date and end_date on requested_datetime. Without dates: the last
 * 90 days; with one: 90 days from or to it; a wider span is a 400. At most 1,000 requests,
 * newest first. Throws Open311Failure: 400 for malformed values, 404 for an unknown service_code.
 */
export function readRequestsQuery(query: Record<string, unknown>, now: number): RequestsQuery {
  const ids = listOf(query.service_request_id);
  if (ids) {
    if (ids.length > LIST_MAX) throw Open311Failure.of(400, `service_request_id lists more than ${LIST_MAX} ids`);
    return { filter: { ids }, limit: LIST_MAX };
  }
  const errors: Open311Error[] = [];
  const filter: IncidentFilter = {};
  const codes = listOf(query.service_code);
  if (codes) {
    const unknown = codes.find((c) => !findCategory(c));
    if (unknown !== undefined) throw Open311Failure.of(404, `service_code ${unknown.slice(0, 64)} was not found`);
    filter.category = codes;
  }
  const statuses = listOf(query.status);
  if (statuses) {
    const bad = statuses.find((s) => s !== 'open' && s !== 'closed');
    if (bad !== undefined) errors.push({ code: 400, description: `status must be open or closed (got "${bad.slice(0, 32)}")` });
    else if (!(statuses.includes('open') && statuses.includes('closed'))) {
      filter.status = statuses.includes('open') ? OPEN_STATUSES : [...CLOSED_STATUSES];
    }
  }
  const start = dateOf('start_date', query.start_date, errors);
  const end = dateOf('end_date', query.end_date, errors);
  if (errors.length > 0) throw new Open311Failure(400, errors);

  let from: number;
  let to: number;
  if (start !== undefined && end !== undefined) {
    if (end < start) throw Open311Failure.of(400, 'end_date is before start_date');
    if (end - start > SPAN_MAX_MS) throw Open311Failure.of(400, 'start_date and end_date may not span more than 90 days');
    [from, to] = [start, end];
  } else if (start !== undefined) {
    [from, to] = [start, start + SPAN_MAX_MS];
  } else if (end !== undefined) {
    [from, to] = [end - SPAN_MAX_MS, end];
  } else {
    // Reports may be stamped up to five minutes ahead of the server clock (devices drift).
    [from, to] = [now - SPAN_MAX_MS, now + MAX_FUTURE_MS];
  }
  filter.from = new Date(from);
  // end_date is inclusive; the store's `to` is exclusive.
  filter.to = new Date(to + 1);
  return { filter, limit: LIST_MAX };
}
