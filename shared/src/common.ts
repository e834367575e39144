// Small building blocks of every record: coordinates, times, external ids.
import { z } from 'zod';

export const lngLatSchema = z.object({
  lng: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
});
export type LngLat = z.infer<typeof lngLatSchema>;

/** A local ISO date-time: all of one but its offset (what a device that forgets its zone sends). */
const LOCAL_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;
/** The largest UTC offset any zone uses (Pacific/Kiritimati, +14:00); nothing is further west than −12:00, ±14:00 keeps it simple. */
export const MAX_UTC_OFFSET_MINUTES = 14 * 60;
export const MISSING_OFFSET_MESSAGE = '缺少时区偏移（如 +08:00 或 Z）/ no UTC offset: add Z or ±hh:mm (e.g. +08:00); without one the time is ambiguous';

/** The offset of an ISO date-time in minutes (Z → 0), or null when it has none. */
function utcOffsetMinutes(value: string): number | null {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(value);
  if (!m) return null;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/**
 * ISO 8601 with an offset (Z or ±hh:mm, at most ±14:00: no zone is further), as the contract
 * requires. A time without one, or with an offset no zone has (+14:30), stops here (`abort`): its
 * digits are no time at all, so no later rule (not ahead of the clock, not before 2000…) is
 * checked against them and the problem gives only this reason. Messages: 中文 / English, the
 * field named by the issue's path.
 */
export const isoDateTimeSchema = z.iso
  .datetime({
    offset: true,
    abort: true,
    error: (issue) => (typeof issue.input === 'string' && LOCAL_DATETIME.test(issue.input) ? MISSING_OFFSET_MESSAGE : undefined),
  })
  .refine((value) => Math.abs(utcOffsetMinutes(value) ?? 0) <= MAX_UTC_OFFSET_MINUTES, {
    abort: true,
    error: (issue) => {
      const offset = typeof issue.input === 'string' ? /[+-]\d{2}:?\d{2}$/.exec(issue.input)?.[0] : undefined;
      return `时区偏移 ${offset ?? ''} 超出 ±14:00 / the UTC offset ${offset ?? ''} is beyond ±14:00, which no time zone uses`;
    },
  });

/**
 * Where a string breaks the text rule, or null when it keeps it. The rule (docs/api.md, "Text"):
 * no C0 control character other than tab, line feed and carriage return (PostgreSQL cannot store
 * U+0000 at all, and the others are never typed by a person), and no unpaired UTF-16 surrogate
 * (half an emoji: a `text` column silently turns it into U+FFFD, a `jsonb` one refuses it), nor a
 * byte-order mark U+FEFF as the first character (the embedded store would drop it).
 * Returns the offending character as `U+XXXX` and its index (UTF-16 code units).
 */
export function textFault(value: string): { char: string; index: number } | null {
  // A leading byte-order mark: the embedded store's driver drops it (TextDecoder), so it would not come back as sent.
  if (value.charCodeAt(0) === 0xfeff) return { char: 'U+FEFF', index: 0 };
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    if (c < 0x20) {
      if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
    } else if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) { i += 1; continue; }
    } else if (!(c >= 0xdc00 && c <= 0xdfff)) continue;
    return { char: `U+${c.toString(16).toUpperCase().padStart(4, '0')}`, index: i };
  }
  return null;
}

/** The refusal message of the text rule, naming the character and where it stands. */
export function textFaultMessage(fault: { char: string; index: number }): string {
  const what = fault.char === 'U+FEFF' ? 'a byte-order mark' : fault.char >= 'U+D800' && fault.char <= 'U+DFFF' ? 'an unpaired surrogate (half an emoji)' : 'a control character';
  return `contains ${what} ${fault.char} at position ${fault.index}; only tab, line feed and carriage return are allowed among control characters`;
}

/** A string that keeps the text rule; every free-text field of every record is one of these. */
export function storableString() {
  return z.string().check((ctx) => {
    const fault = textFault(ctx.value);
    if (fault) ctx.issues.push({ code: 'custom', message: textFaultMessage(fault), input: ctx.value });
  });
}

export const externalIdSchema = storableString().trim().min(1).max(128);

/** Plain text: kept exactly as sent (HTML included), never interpreted; refused if it breaks the text rule. */
export function textSchema(max: number) {
  return storableString().max(max);
}

export const MAX_FUTURE_MS = 5 * 60_000;

/** A time at most five minutes ahead of the given clock (reporting devices drift). */
export function notFarFuture(clock: () => number) {
  return (value: string | undefined) => value === undefined || Date.parse(value) <= clock() + MAX_FUTURE_MS;
}

/**
 * The plausible window of times (docs/api.md, "Times"). Grid141 went into service long after
 * 2000: an event time before it is a device's reset clock (1970, 2000-01-01) or a typo, never
 * a real drill, meal or report. A market entity may be registered long before (a 老字号), so
 * registrations reach back to 1900. Nothing is later than 5 minutes ahead of the server clock,
 * except a due time, which may lie at most a year after the report.
 */
export const EARLIEST_EVENT_AT = '2000-01-01T00:00:00Z';
export const EARLIEST_REGISTRATION_AT = '1900-01-01T00:00:00Z';
export const MAX_DUE_AFTER_REPORT_MS = 366 * 86_400_000;

/**
 * A time of something that happened: ISO 8601 with an offset, not before `earliest`, at most five
 * minutes ahead of `clock`. `name` is the field, for the message.
 */
export function pastTimeSchema(clock: () => number, name: string, earliest: string = EARLIEST_EVENT_AT) {
  const floor = Date.parse(earliest);
  return isoDateTimeSchema
    .refine((v) => Date.parse(v) >= floor, { message: `${name} is before ${earliest.slice(0, 10)}, outside the plausible window` })
    .refine(notFarFuture(clock), { message: `${name} is more than 5 minutes ahead of the server clock` });
}

/**
 * A query's range: `to` (when both are set) not before `from` (docs/api.md, "Times"). With
 * QUERY_RANGE_ISSUE, a refinement of a query schema. Times far off (year 0000, past 9999) are no
 * error: the stores clamp them (server/src/store/time-bound.ts), and nothing lies there.
 */
export function queryRangeOk(q: { from?: string | undefined; to?: string | undefined }): boolean {
  return q.from === undefined || q.to === undefined || Date.parse(q.to) >= Date.parse(q.from);
}
export const QUERY_RANGE_ISSUE: { path: string[]; message: string } = { path: ['to'], message: 'to is before from' };

/** `later` (when set) must not be before `earlier`: a pair of times of one record, as epoch ms. */
export function orderedTimes(earlier: string, later: string | undefined): boolean {
  return later === undefined || Date.parse(later) >= Date.parse(earlier);
}

export const BATCH_MAX = 1000;
