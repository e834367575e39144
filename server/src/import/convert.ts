// From sheet rows to API inputs: find the header row under any title rows, recognise its
// columns (API field names, Chinese headers, or a mapping file), skip blank and totals rows,
// read each cell by its field's type, and give every problem with its row and column.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { textFault } from '@grid141/shared';
import { codeIndex, headerIndex, headerKey, KINDS, type FieldSpec, type ImportKind, type KindSpec } from './kinds.ts';
import type { SheetRow } from './read.ts';
import { cellText, plainText, readBoolean, readDateTime, readNumber, readSeconds, type Cell, type Read } from './values.ts';

/** A mapping file (JSON) for files whose headers are not the ones this reader knows (docs/import.md). */
export const mappingSchema = z.object({
  /** Field → the file's header for it. */
  columns: z.record(z.string(), z.string().min(1)).default({}),
  /** Field → {value in the file → the value to use} (e.g. status: {"Closed": "closed"}). */
  values: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** Field → value for rows where the file has none (or has no such column). */
  defaults: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
  /** The zone of times written without an offset (default: the street's). */
  timeZone: z.string().optional(),
}).strict();
export type Mapping = z.output<typeof mappingSchema>;

export interface RowProblem {
  /** The row number a person sees in the file. */
  row: number;
  /** The file's header of the column, or the field when the problem is not one column's. */
  column: string;
  reason: string;
}

export interface PlannedColumn {
  index: number;
  header: string;
  field: FieldSpec;
}

export interface HeaderPlan {
  headerRow: number;
  columns: PlannedColumn[];
  /** Headers that match no field (left out of the import, listed in the summary). */
  ignored: string[];
}

export class HeaderError extends Error {
  override name = 'HeaderError';
}

/** How many rows from the top may hold titles, notes or a merged caption before the header. */
const HEADER_SEARCH_ROWS = 30;

export function isBlank(cells: readonly Cell[]): boolean {
  for (const c of cells) if (c !== null && cellText(c) !== null) return false;
  return true;
}

const TOTALS = /^(合\s*计|总\s*计|小\s*计|共\s*计|累\s*计|汇\s*总|total|sum|grand total)(?![a-z])/i;

/** A totals row at the bottom of a sheet: its first non-empty cell reads 合计, 总计, Total… */
export function isTotalsRow(cells: readonly Cell[]): boolean {
  // Only the first non-empty cell counts, and only text can say 合计 (a number or a date never does).
  for (const c of cells) {
    if (c === null) continue;
    if (typeof c !== 'string') return false;
    const text = plainText(c);
    if (text !== null) return TOTALS.test(text);
  }
  return false;
}

/** The columns of a header row, or null when fewer than two cells are headers this kind knows. */
export function planHeader(row: SheetRow, spec: KindSpec, mapping: Mapping): HeaderPlan | null {
  const known = headerIndex(spec);
  const columns: PlannedColumn[] = [];
  const taken = new Set<string>();
  const used = new Set<number>();
  const headers = row.cells.map((cell) => cellText(cell));
  // Columns named in the mapping first (one column may feed several fields), so a recognised
  // header never takes their field.
  for (const [key, header] of Object.entries(mapping.columns)) {
    const field = spec.fields.find((f) => f.key === key);
    const index = headers.findIndex((h) => h !== null && headerKey(h) === headerKey(header));
    if (!field || index < 0) continue;
    taken.add(field.key);
    used.add(index);
    columns.push({ index, header: headers[index] as string, field });
  }
  headers.forEach((header, index) => {
    if (header === null || used.has(index)) return;
    const field = known.get(headerKey(header));
    if (!field || taken.has(field.key)) return;
    taken.add(field.key);
    used.add(index);
    columns.push({ index, header, field });
  });
  columns.sort((a, b) => a.index - b.index);
  const ignored = headers.flatMap((header, index) => (header !== null && !used.has(index) ? [header] : []));
  if (columns.length < Math.min(2, spec.fields.length)) return null;
  return { headerRow: row.number, columns, ignored };
}

/** Unknown-kind or mapping errors found before any row is read. */
export function checkMapping(spec: KindSpec, mapping: Mapping): void {
  const keys = new Set(spec.fields.map((f) => f.key));
  for (const part of ['columns', 'values', 'defaults'] as const) {
    for (const key of Object.keys(mapping[part])) {
      if (!keys.has(key)) throw new HeaderError(`映射文件的 ${part}.${key} 不是 ${spec.kind} 的字段 / ${key} is not a field of ${spec.kind}; fields: ${[...keys].join(', ')}`);
    }
  }
  if (mapping.timeZone) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: mapping.timeZone });
    } catch {
      throw new HeaderError(`映射文件的 timeZone ${mapping.timeZone} 不是时区 / not an IANA time zone`);
    }
  }
}

/** Required fields with neither a column nor a default: the file cannot be imported. */
export function missingColumns(plan: HeaderPlan, spec: KindSpec, mapping: Mapping): FieldSpec[] {
  const present = new Set(plan.columns.map((c) => c.field.key));
  return spec.fields.filter((f) => f.required && !present.has(f.key) && !(f.key in mapping.defaults));
}

export interface ConvertContext {
  kind: ImportKind;
  timeZone: string;
  mapping: Mapping;
  /** Canteen-meals: canteen or meal point id, by its id or its name (as headerKey). */
  canteens?: Map<string, string>;
}

export interface ConvertedRow {
  row: number;
  cells: Cell[];
  /** API inputs (a canteen day count of more than 500 meals becomes several records). */
  inputs: Record<string, unknown>[];
  problems: RowProblem[];
}

// Meals given as a day's count carry the time of their meal; 12:00 when the slot is not given.
const SLOT_MINUTES: Record<string, number> = { breakfast: 7 * 60 + 30, lunch: 12 * 60, dinner: 17 * 60 + 30 };
const MEAL_QUANTITY_MAX = 500;

function describeCodes(field: FieldSpec): string {
  return (field.codes ?? []).map((c) => c.zh).join('、');
}

function readCode(field: FieldSpec, cell: Cell, mapping: Mapping, index: Map<string, string>): Read<string> {
  const text = cellText(cell);
  if (text === null) return { ok: false, reason: '空 / empty' };
  const own = mapping.values[field.key];
  if (own && text in own) return { ok: true, value: own[text] as string };
  const code = index.get(headerKey(text));
  if (code) return { ok: true, value: code };
  // "*" in a mapping's values: what every other value of the column becomes.
  if (own && '*' in own) return { ok: true, value: own['*'] as string };
  return { ok: false, reason: `"${text}" 不是可识别的值，可填：${describeCodes(field)} / not a known value` };
}

function readField(field: FieldSpec, cell: Cell, ctx: ConvertContext, minutes: number, codes: Map<string, string>): Read<unknown> {
  switch (field.type) {
    case 'id': {
      const text = typeof cell === 'number' ? String(cell) : plainText(cell);
      return text === null ? { ok: false, reason: '空 / empty' } : { ok: true, value: text };
    }
    case 'text': {
      const text = typeof cell === 'number' ? String(cell) : cellText(cell);
      return text === null ? { ok: false, reason: '空 / empty' } : { ok: true, value: text };
    }
    case 'datetime':
      return readDateTime(cell, { timeZone: ctx.timeZone, dateOnlyMinutes: minutes });
    case 'number':
    case 'lng':
    case 'lat':
      return readNumber(cell);
    case 'seconds':
      return readSeconds(cell);
    case 'boolean':
      return readBoolean(cell);
    case 'code':
      return readCode(field, cell, ctx.mapping, codes);
  }
}

/**
 * The API's text rule (docs/api.md, "Text"; `textFault` in shared/src/common.ts) on a cell as the
 * file holds it, before it is trimmed: a C0 control character other than tab, line feed and carriage
 * return, or half an emoji (an unpaired surrogate), anywhere in the cell refuses the row with this
 * reason on its column, as the API refuses such a field; nothing is removed. Leading byte-order
 * marks are the only exception: trimming takes them as it takes spaces. Null when the cell keeps
 * the rule (and for numbers, booleans and dates).
 */
export function cellFault(cell: Cell | undefined): string | null {
  if (typeof cell !== 'string') return null;
  const bom = /^\uFEFF*/.exec(cell)?.[0].length ?? 0;
  const fault = textFault(cell.slice(bom));
  if (!fault) return null;
  const at = fault.index + bom + 1;
  if (fault.char >= 'U+D800' && fault.char <= 'U+DFFF') return `含有半个表情符号（不成对的代理项 ${fault.char}，第 ${at} 个字符）/ contains half an emoji (an unpaired surrogate ${fault.char}, character ${at})`;
  return `含有控制字符 ${fault.char}（第 ${at} 个字符），只允许制表符和换行 / contains the control character ${fault.char} (character ${at}); only tab and line breaks are allowed`;
}

/** A stable id for a row that has none: the same row content gives the same id in every run. */
export function rowHash(kind: ImportKind, values: Record<string, unknown>): string {
  const sorted = Object.keys(values).sort().map((k) => [k, values[k]]);
  return `row-${createHash('sha256').update(kind).update(JSON.stringify(sorted)).digest('hex').slice(0, 24)}`;
}

/** Makes the row converter of one file, once its header is known. */
export function rowConverter(plan: HeaderPlan, ctx: ConvertContext) {
  const spec = KINDS[ctx.kind];
  const codeIndexes = new Map(spec.fields.filter((f) => f.type === 'code').map((f) => [f.key, codeIndex(f)]));
  const slotColumn = plan.columns.find((c) => c.field.key === 'slot');
  const headerOf = new Map(plan.columns.map((c) => [c.field.key, c.header]));
  const columnOf = (key: string) => headerOf.get(key) ?? key;

  return (row: SheetRow): ConvertedRow => {
    const problems: RowProblem[] = [];
    const values: Record<string, unknown> = {};
    let minutes = 0;
    if (ctx.kind === 'canteen-meals') {
      const slot = slotColumn ? readCode(slotColumn.field, row.cells[slotColumn.index] ?? null, ctx.mapping, codeIndexes.get('slot') as Map<string, string>) : null;
      const defaultSlot = ctx.mapping.defaults.slot;
      minutes = SLOT_MINUTES[slot?.ok ? slot.value : String(defaultSlot ?? 'lunch')] ?? 12 * 60;
    }
    for (const column of plan.columns) {
      const cell = row.cells[column.index] ?? null;
      if (cellText(cell) === null) continue;
      const fault = cellFault(cell);
      if (fault) {
        problems.push({ row: row.number, column: column.header, reason: fault });
        continue;
      }
      const read = readField(column.field, cell, ctx, minutes, codeIndexes.get(column.field.key) ?? new Map());
      if (read.ok) values[column.field.key] = read.value;
      else problems.push({ row: row.number, column: column.header, reason: read.reason });
    }
    for (const [key, value] of Object.entries(ctx.mapping.defaults)) {
      if (values[key] !== undefined || problems.some((p) => p.column === columnOf(key))) continue;
      const field = spec.fields.find((f) => f.key === key) as FieldSpec;
      const fault = cellFault(value);
      if (fault) {
        problems.push({ row: row.number, column: `默认值 ${key} / default`, reason: fault });
        continue;
      }
      const read = readField(field, value, ctx, minutes, codeIndexes.get(key) ?? new Map());
      if (read.ok) values[key] = read.value;
      else problems.push({ row: row.number, column: `默认值 ${key} / default`, reason: read.reason });
    }
    for (const field of spec.fields) {
      if (field.required && values[field.key] === undefined && !problems.some((p) => p.column === columnOf(field.key))) {
        problems.push({ row: row.number, column: columnOf(field.key), reason: '必填项为空 / required, empty' });
      }
    }
    // lng and lat make the location; one without the other is a problem of the missing one.
    const { lng, lat, ...rest } = values;
    const input: Record<string, unknown> = rest;
    if (lng !== undefined && lat !== undefined) input.location = { lng, lat };
    else if (lng !== undefined || lat !== undefined) {
      const missing = lng === undefined ? 'lng' : 'lat';
      problems.push({ row: row.number, column: columnOf(missing), reason: '经纬度要成对填写 / longitude and latitude go together' });
    }
    if (ctx.kind === 'canteen-meals' && typeof input.canteenId === 'string' && ctx.canteens) {
      const id = ctx.canteens.get(headerKey(input.canteenId));
      if (id) input.canteenId = id;
      else problems.push({ row: row.number, column: columnOf('canteenId'), reason: `本街道没有食堂或助餐点"${input.canteenId}" / no such canteen in this street` });
    }
    if (problems.length > 0) return { row: row.number, cells: row.cells, inputs: [], problems };
    if (input.externalId === undefined) input.externalId = rowHash(ctx.kind, input);
    return { row: row.number, cells: row.cells, inputs: splitMeals(ctx.kind, input), problems };
  };
}

/** A day's count of more than 500 meals (the API's most per record) becomes records of at most 500. */
function splitMeals(kind: ImportKind, input: Record<string, unknown>): Record<string, unknown>[] {
  const quantity = input.quantity;
  if (kind !== 'canteen-meals' || typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity <= MEAL_QUANTITY_MAX) return [input];
  const parts: Record<string, unknown>[] = [];
  for (let left = quantity, part = 1; left > 0; left -= MEAL_QUANTITY_MAX, part += 1) {
    parts.push({ ...input, externalId: part === 1 ? input.externalId : `${String(input.externalId)}#${part}`, quantity: Math.min(left, MEAL_QUANTITY_MAX) });
  }
  return parts;
}

/** The column a validation error's path points at (location.lat → the latitude column). */
export function columnForPath(plan: HeaderPlan, path: string): string {
  const first = path.split('.')[0] ?? path;
  const key = first === 'location' ? (path.endsWith('lat') ? 'lat' : 'lng') : first;
  return plan.columns.find((c) => c.field.key === key)?.header ?? (path || '(行)');
}

export { HEADER_SEARCH_ROWS };
