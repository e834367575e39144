// A time a query filters by, as the store's timestamptz parameter. A date-time query parameter
// may name any year from 0000 to 9999 with an offset, and a span may be added to it (Open311's
// 90 days), but PostgreSQL's timestamptz has no year 0 and reads no ISO year beyond 9999
// (`+010000-…`): such a parameter was a 500. Clamped into years 0001–9999, the filter selects
// exactly what it did (no record is dated outside them).

const FIRST = Date.parse('0001-01-02T00:00:00Z');
const LAST = Date.parse('9999-12-30T00:00:00Z');

/**
 * `time` (a Date, epoch ms or ISO text) as ISO 8601 UTC text for a timestamptz parameter,
 * clamped into 0001-01-02 … 9999-12-30 UTC. Throws RangeError for an invalid time (the edges
 * validate before they build a filter).
 */
export function filterTime(time: Date | number | string): string {
  const ms = typeof time === 'number' ? time : typeof time === 'string' ? Date.parse(time) : time.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${String(time)}`);
  return new Date(Math.min(LAST, Math.max(FIRST, ms))).toISOString();
}
