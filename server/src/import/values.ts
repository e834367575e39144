// Cell values as people type them in Chinese spreadsheets: full-width digits, trailing
// spaces, dates as 2024/3/5, 2024年3月5日, Excel serial numbers or date cells, 是/否. Each
// reader returns the value or a reason in Chinese and English that names what was expected.
import { instantOfWall } from '@grid141/shared';

/** A cell as a reader gives it: text (CSV, XLSX strings), a number, a boolean or a Date (XLSX date cells). */
export type Cell = string | number | boolean | Date | null;

export type Read<T> = { ok: true; value: T } | { ok: false; reason: string };

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const bad = (reason: string): Read<never> => ({ ok: false, reason });

/** Full-width ASCII (U+FF01–FF5E) to half-width, the ideographic space and NBSP to a space. */
export function halfWidth(text: string): string {
  if (!/[\uFF01-\uFF5E\u3000\u00A0]/.test(text)) return text;
  return text.replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\u3000\u00A0]/g, ' ');
}

/** A cell as trimmed text; empty and whitespace-only cells are null. */
export function cellText(cell: Cell): string | null {
  if (cell === null) return null;
  if (typeof cell === 'number') return String(cell);
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? null : cell.toISOString();
  // String.prototype.trim takes every Unicode space (the ideographic space and NBSP too) and the BOM.
  const text = String(cell).trim();
  return text === '' ? null : text;
}

/** Text for codes, numbers and dates: trimmed and half-width. */
export function plainText(cell: Cell): string | null {
  const text = cellText(cell);
  return text === null ? null : halfWidth(text).trim();
}

/** A number: 1,234 and full-width digits read; 12人 / 3.5小时 / 120秒 keep the number before the unit. */
export function readNumber(cell: Cell): Read<number> {
  if (typeof cell === 'number') return Number.isFinite(cell) ? ok(cell) : bad('不是数字 / not a number');
  const text = plainText(cell);
  if (text === null) return bad('空 / empty');
  const m = /^([+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?|[+-]?\d+(?:\.\d+)?|[+-]?\.\d+)\s*(?:人|个|次|处|份|栋|小时|h|分|秒|s|元|¥)?$/i.exec(text);
  if (!m) return bad(`"${text}" 不是数字 / not a number`);
  return ok(Number((m[1] as string).replace(/,/g, '')));
}

const TRUE = new Set(['是', '已', 'y', 'yes', 'true', '1', '√', '✓', '合格', '通过']);
const FALSE = new Set(['否', '未', 'n', 'no', 'false', '0', '×', '✗']);

export function readBoolean(cell: Cell): Read<boolean> {
  if (typeof cell === 'boolean') return ok(cell);
  const text = plainText(cell)?.toLowerCase();
  if (text === undefined) return bad('空 / empty');
  if (TRUE.has(text)) return ok(true);
  if (FALSE.has(text)) return ok(false);
  return bad(`"${text}" 不是 是/否 / not yes or no`);
}

// Excel's day 0 is 1899-12-30 (its 1900 leap-year bug folded in for serials after February 1900).
const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
/** Serials from 1990-01-01 to 2100-01-01: a bare number outside this is not taken for a date. */
const SERIAL_MIN = 32_874;
const SERIAL_MAX = 73_051;

export interface DateOptions {
  /** The IANA zone of times written without an offset (the street's, or the file's own). */
  timeZone: string;
  /** Time of day for a value that has a date only (minutes after midnight), default 0. */
  dateOnlyMinutes?: number;
}

function wall(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, tz: string, extraMinutes = 0): Read<string> {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return bad('日期或时间超出范围 / date or time out of range');
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCMonth() !== mo - 1) return bad(`${y}年${mo}月没有${d}日 / no such day`);
  return ok(new Date(instantOfWall(y, mo - 1, d, tz, h, mi + extraMinutes) + s * 1000 + ms).toISOString());
}

/** The Date of an XLSX date cell or serial: its UTC fields are the wall clock written in the sheet. */
function fromSheetDate(date: Date, options: DateOptions, dateOnly: boolean): Read<string> {
  const extra = dateOnly ? options.dateOnlyMinutes ?? 0 : 0;
  return wall(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(),
    date.getUTCSeconds(), date.getUTCMilliseconds(), options.timeZone, extra);
}

const hour12 = (h: number, half: string | undefined): number => {
  if (!half) return h;
  const pm = /^(pm|下午|晚上|中午)$/i.test(half);
  if (h === 12) return pm ? 12 : 0;
  return pm && h < 12 ? h + 12 : h;
};

// The time after a date: `8:30`, `08:30:15.250`, `1:47:00 PM`, and the Chinese forms `14时`,
// `14时30分`, `14时30分15秒`, `14点`, `14点半`, `下午2时`. A space (or T) comes before it, or
// nothing after 日 (`2026年11月5日14时`).
const TIME = String.raw`(?:(?:[ T]+|(?<=日))(上午|下午|晚上|中午|凌晨|早上)?\s*(\d{1,2})(?:\s*(?:[:：]|时|点)\s*(?:(\d{1,2}|半)\s*(?:[:：]|分)?\s*(?:(\d{1,2})(?:\.(\d{1,3}))?\s*秒?)?)?)?\s*(AM|PM)?)?`;
const YMD = new RegExp(String.raw`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?` + TIME + '$', 'i');
const MDY = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})` + TIME + '$', 'i');
const COMPACT = /^(\d{4})(\d{2})(\d{2})$/;
const OFFSET = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A time as ISO 8601 (UTC, milliseconds). Reads ISO with an offset as it is; without an offset,
 * the wall clock in options.timeZone: 2024-03-05 08:30, 2024/3/5, 2024.3.5, 2024年3月5日 8时30分
 * (and 14时, 14点半, 下午2时, 2026年11月5日14时 without a space),
 * 20240305, US 3/5/2024 1:47:00 PM (month first, as US 311 exports write it), XLSX date cells and
 * Excel serial numbers (45356 or 45356.5).
 */
export function readDateTime(cell: Cell, options: DateOptions): Read<string> {
  if (cell instanceof Date) {
    if (Number.isNaN(cell.getTime())) return bad('无效日期 / invalid date');
    const dateOnly = cell.getUTCHours() === 0 && cell.getUTCMinutes() === 0 && cell.getUTCSeconds() === 0 && cell.getUTCMilliseconds() === 0;
    return fromSheetDate(cell, options, dateOnly);
  }
  const serial = typeof cell === 'number' ? cell : null;
  const text = plainText(cell);
  if (text === null) return bad('空 / empty');
  const asNumber = serial ?? (/^\d{5}(?:\.\d+)?$/.test(text) ? Number(text) : null);
  if (asNumber !== null) {
    if (asNumber < SERIAL_MIN || asNumber > SERIAL_MAX) return bad(`${text} 不是日期（Excel 日期序号应在 1990–2100 之间）/ not a date`);
    const ms = Math.round((asNumber * DAY_MS) / 1000) * 1000;
    return fromSheetDate(new Date(EXCEL_EPOCH_MS + ms), options, Number.isInteger(asNumber));
  }
  if (OFFSET.test(text) && /^\d{4}-\d{2}-\d{2}T/.test(text)) {
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? bad(`"${text}" 不是有效时间 / not a valid time`) : ok(new Date(ms).toISOString());
  }
  const compact = COMPACT.exec(text);
  let parts: (string | undefined)[] | null = null;
  if (compact) parts = [compact[1], compact[2], compact[3]];
  const ymd = YMD.exec(text);
  if (ymd) parts = [ymd[1], ymd[2], ymd[3], ymd[4], ymd[5], ymd[6], ymd[7], ymd[8], ymd[9]];
  const mdy = MDY.exec(text);
  if (mdy) parts = [mdy[3], mdy[1], mdy[2], mdy[4], mdy[5], mdy[6], mdy[7], mdy[8], mdy[9]];
  if (!parts) return bad(`"${text}" 不是可识别的日期（如 2024-03-05、2024/3/5、2024年3月5日）/ not a date this reader knows`);
  const [y, mo, d, half1, h, mi, s, frac, half2] = parts;
  const hasTime = h !== undefined;
  const hour = hasTime ? hour12(Number(h), half1 ?? half2) : 0;
  const minute = hasTime ? (mi === '半' ? 30 : Number(mi ?? 0)) : 0;
  return wall(Number(y), Number(mo), Number(d), hour, minute, Number(s ?? 0), Number((frac ?? '0').padEnd(3, '0')), options.timeZone,
    hasTime ? 0 : options.dateOnlyMinutes ?? 0);
}

/** A duration in seconds from 120, 120秒, 2分, 2:30 (min:s) or 1小时. */
export function readSeconds(cell: Cell): Read<number> {
  if (typeof cell === 'number') return ok(cell);
  const text = plainText(cell);
  if (text === null) return bad('空 / empty');
  const ms = /^(\d+):(\d{1,2})$/.exec(text);
  if (ms) return ok(Number(ms[1]) * 60 + Number(ms[2]));
  const m = /^(\d+(?:\.\d+)?)\s*(秒|s|sec|分钟|分|min|小时|h)?$/i.exec(text);
  if (!m) return bad(`"${text}" 不是时长 / not a duration`);
  const n = Number(m[1]);
  const unit = (m[2] ?? '秒').toLowerCase();
  if (unit === '分钟' || unit === '分' || unit === 'min') return ok(n * 60);
  if (unit === '小时' || unit === 'h') return ok(n * 3600);
  return ok(n);
}
