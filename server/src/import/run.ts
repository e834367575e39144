// One file in, all or nothing: read it row by row, check every row the way the API does,
// write the good ones in chunks inside one store transaction (a crash before COMMIT leaves
// nothing), list the refused ones with row, column and reason, and write them to a CSV beside
// the file. A dry run does all of it and rolls back, so its counts are exact and nothing changes.
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import type { ActorKind } from '@grid141/shared';
import type { LoadedStreet } from '../street/load.ts';
import type { Locator } from '../street/locate.ts';
import type { Store } from '../store/types.ts';
import { rowReasoner } from './reasons.ts';
import { kindWriter, type ImportRow } from './checkers.ts';
import { storedTargetsOf } from '../desk/targets.ts';
import { inert } from '../reports/exports.ts';
import type { TargetsOf } from '../ingest/incidents.ts';
import {
  checkMapping, columnForPath, HEADER_SEARCH_ROWS, HeaderError, isBlank, isTotalsRow, missingColumns, planHeader, rowConverter,
  type HeaderPlan, type Mapping, type RowProblem,
} from './convert.ts';
import { headerKey, KINDS, type ImportKind } from './kinds.ts';
import { openTable, type SheetRow, type TableFormat } from './read.ts';
import { cellText, type Cell } from './values.ts';

export interface ImportProgress {
  rows: number;
  bytes: number;
  size: number;
}

export interface ImportOptions {
  kind: ImportKind;
  file: string;
  store: Store;
  street: LoadedStreet;
  locator: Locator;
  dryRun?: boolean;
  mapping?: Mapping;
  /** Who runs it: the `by` of imported incidents' history and the audit entry's actor (e.g. "cli:alice"). */
  actor?: string;
  /** The audit entry's actor kind (default system: the CLI runs with the store's own access). */
  actorKind?: ActorKind;
  address?: string | null;
  /** The file's own name when `file` is a temporary copy (an upload): for the audit entry. */
  displayName?: string;
  /** Where refused rows go; default FILE.rejected.csv beside the input; null writes none. */
  rejectedFile?: string | null;
  onProgress?: (progress: ImportProgress) => void;
  /** Rows per insert statement inside the one transaction (default 2,000). */
  chunkSize?: number;
  clock?: () => number;
  /**
   * The time targets new incidents are stamped with (acceptBy, arriveBy, handleBy, dueAt), as the
   * API stamps them: the server passes its own (ctx.use('targets')); without it they are read
   * from the database's time_targets (the taxonomy's defaults for a profile it lacks).
   */
  targetsOf?: TargetsOf;
  /** Tests only: throw after this many rows have been written (a crash in the middle). */
  crashAfterRows?: number;
}

export interface ImportSummary {
  kind: ImportKind;
  file: string;
  format: TableFormat;
  encoding: string | null;
  dryRun: boolean;
  headerRow: number;
  columns: { header: string; field: string }[];
  ignoredColumns: string[];
  /** Data rows read (blank and totals rows not counted). */
  rows: number;
  /** Rows every check accepted. */
  accepted: number;
  /** Records written new (a dry run: would be new). */
  created: number;
  /** Records already in the store (a re-run of the same file: all of them). */
  existing: number;
  rejected: number;
  skipped: { blank: number; totals: number };
  /** Every refused row's problems (the CSV has them too). */
  problems: RowProblem[];
  rejectedFile: string | null;
  ms: number;
}

export class ImportFailedError extends Error {
  override name = 'ImportFailedError';
}

class DryRunRollback extends Error {}

export function defaultRejectedFile(file: string): string {
  const ext = path.extname(file);
  return path.join(path.dirname(file), `${path.basename(file, ext)}.rejected.csv`);
}

/** One CSV line; a text cell a spreadsheet would run as a formula is made inert as in the exports. */
function csvLine(values: readonly unknown[]): string {
  return values.map((v) => {
    const text = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : typeof v === 'string' ? String(inert(v)) : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }).join(',') + '\r\n';
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

/** The canteens and meal points of the street, by id and by name. */
function canteenLookup(street: LoadedStreet): Map<string, string> {
  const map = new Map<string, string>();
  for (const f of street.pois.features) {
    if (f.properties.kind !== 'canteen' && f.properties.kind !== 'meal_point') continue;
    map.set(headerKey(f.properties.id), f.properties.id);
    if (f.properties.name) map.set(headerKey(f.properties.name), f.properties.id);
  }
  return map;
}

/**
 * Imports one CSV or XLSX file. Resolves with the summary (some rows may be refused);
 * throws ImportFailedError (or UnreadableFileError, HeaderError) when the file cannot be
 * imported at all, and rethrows a store failure: either way nothing was written.
 */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const started = Date.now();
  const { kind, file, store, street } = options;
  const spec = KINDS[kind];
  const mapping: Mapping = options.mapping ?? { columns: {}, values: {}, defaults: {} };
  checkMapping(spec, mapping);
  const table = await openTable(file);
  const chunkSize = options.chunkSize ?? 2_000;
  const actorName = options.actor ?? `import:${path.basename(file)}`;
  const targetsOf = kind === 'incidents' ? (options.targetsOf ?? (await storedTargetsOf(store.sql, street.meta.id))) : undefined;
  const writerOf = kindWriter(kind, street, options.locator, actorName, options.clock, targetsOf);
  const reasonsOf = rowReasoner(kind, options.clock);
  const rejectedPath = options.dryRun ? null : options.rejectedFile === undefined ? defaultRejectedFile(file) : options.rejectedFile;
  const partPath = rejectedPath ? `${rejectedPath}.part` : null;
  let rejectedStream: WriteStream | null = null;

  const summary: ImportSummary = {
    kind, file, format: table.format, encoding: table.encoding, dryRun: options.dryRun ?? false, headerRow: 0, columns: [],
    ignoredColumns: [], rows: 0, accepted: 0, created: 0, existing: 0, rejected: 0, skipped: { blank: 0, totals: 0 },
    problems: [], rejectedFile: null, ms: 0,
  };
  let plan: HeaderPlan | null = null;
  let headerCells: Cell[] = [];
  let convert: ReturnType<typeof rowConverter> | null = null;
  const seenIds = new Map<string, number>();
  let lastRow = 0;
  const progressEvery = 500;

  const refuse = async (row: SheetRow, problems: RowProblem[]) => {
    summary.rejected += 1;
    summary.problems.push(...problems);
    if (!partPath) return;
    if (!rejectedStream) {
      rejectedStream = createWriteStream(partPath);
      // A BOM, so Excel opens the Chinese reasons as UTF-8.
      await write(rejectedStream, '\uFEFF' + csvLine(['行号 row', '列 column', '原因 reason', ...headerCells.map(cellText)]));
    }
    await write(rejectedStream, csvLine([row.number, problems.map((p) => p.column).join('; '), problems.map((p) => p.reason).join('; '), ...row.cells]));
  };

  try {
    await store.writeMany(async (writer) => {
      let pending: ImportRow[] = [];
      let written = 0;
      const flush = async () => {
        if (pending.length === 0) return;
        const rows = pending;
        pending = [];
        const created = await writerOf.write(writer, rows);
        summary.created += created;
        summary.existing += rows.length - created;
        written += rows.length;
        if (options.crashAfterRows !== undefined && written >= options.crashAfterRows) {
          throw new Error(`injected crash after ${written} rows were written`);
        }
      };
      for await (const row of table.rows()) {
        if (!plan) {
          if (row.number > HEADER_SEARCH_ROWS) break;
          plan = planHeader(row, spec, mapping);
          if (plan) {
            const missing = missingColumns(plan, spec, mapping);
            if (missing.length > 0) {
              throw new HeaderError(`缺少必填列：${missing.map((f) => `${f.headers[0] ?? f.key}（${f.key}）`).join('、')} / required columns missing`);
            }
            headerCells = row.cells;
            lastRow = row.number;
            summary.headerRow = plan.headerRow;
            summary.columns = plan.columns.map((c) => ({ header: c.header, field: c.field.key }));
            summary.ignoredColumns = plan.ignored;
            convert = rowConverter(plan, { kind, timeZone: mapping.timeZone ?? street.meta.timeZone, mapping, canteens: canteenLookup(street) });
          }
          continue;
        }
        // XLSX leaves empty rows out: the gap is the blank rows.
        if (row.number > lastRow + 1) summary.skipped.blank += row.number - lastRow - 1;
        lastRow = row.number;
        if (isBlank(row.cells)) {
          summary.skipped.blank += 1;
          continue;
        }
        if (isTotalsRow(row.cells)) {
          summary.skipped.totals += 1;
          continue;
        }
        summary.rows += 1;
        const converted = (convert as NonNullable<typeof convert>)(row);
        const problems = [...converted.problems];
        const checked: ImportRow[] = [];
        for (const input of converted.inputs) {
          const id = String(input.externalId);
          const earlier = seenIds.get(id);
          if (earlier !== undefined) {
            problems.push({ row: row.number, column: plan.columns.find((c) => c.field.key === 'externalId')?.header ?? 'externalId', reason: `编号与第 ${earlier} 行重复 / same id as row ${earlier}` });
            continue;
          }
          seenIds.set(id, row.number);
          const result = writerOf.check(input);
          if (result.ok) checked.push(result.row);
          else for (const e of reasonsOf(input, result.errors)) problems.push({ row: row.number, column: columnForPath(plan, e.path), reason: e.message });
        }
        if (problems.length > 0) {
          await refuse(row, problems);
        } else {
          summary.accepted += 1;
          pending.push(...checked);
          if (pending.length >= chunkSize) await flush();
        }
        if (summary.rows % progressEvery === 0) options.onProgress?.({ rows: summary.rows, bytes: table.bytesRead(), size: table.size });
      }
      if (!plan) {
        throw new HeaderError(`前 ${HEADER_SEARCH_ROWS} 行里没有找到表头（至少两列是 ${spec.zh} 的列名，见 docs/import.md 或 --template ${kind}）/ no header row found`);
      }
      await flush();
      options.onProgress?.({ rows: summary.rows, bytes: table.size, size: table.size });
      if (options.dryRun) throw new DryRunRollback();
      // The import's audit entry commits with its records (docs/import.md).
      await writer.audit([{
        actor: actorName, actorKind: options.actorKind ?? 'system', address: options.address ?? null, kind: 'records.imported',
        target: options.displayName ?? path.basename(file),
        detail: { kind, rows: summary.rows, created: summary.created, existing: summary.existing, rejected: summary.rejected, format: table.format },
      }]);
    });
  } catch (error) {
    if (!(error instanceof DryRunRollback)) {
      await closeAndRemove(rejectedStream, partPath);
      throw error;
    }
  }
  if (rejectedStream && partPath && rejectedPath) {
    const stream: WriteStream = rejectedStream;
    stream.end();
    await once(stream, 'close');
    await rename(partPath, rejectedPath);
    summary.rejectedFile = rejectedPath;
  } else if (rejectedPath) {
    // A clean run leaves no refused-rows file of an earlier run behind.
    await rm(rejectedPath, { force: true });
  }
  summary.ms = Date.now() - started;
  return summary;
}

async function closeAndRemove(stream: WriteStream | null, file: string | null): Promise<void> {
  if (stream) {
    stream.end();
    await once(stream, 'close').catch(() => {});
  }
  if (file) await rm(file, { force: true });
}

export interface TablePreview {
  headerRow: number;
  columns: { header: string; field: string }[];
  ignoredColumns: string[];
  /** The first data rows as text, in the file's column order. */
  rows: { row: number; cells: (string | null)[] }[];
}

/** The header and the first `count` data rows, as the import will read them (the upload's preview). */
export async function previewTable(kind: ImportKind, file: string, street: LoadedStreet, mapping: Mapping | undefined, count: number): Promise<TablePreview | null> {
  void street;
  const spec = KINDS[kind];
  const table = await openTable(file);
  let plan: HeaderPlan | null = null;
  const rows: TablePreview['rows'] = [];
  for await (const row of table.rows()) {
    if (!plan) {
      if (row.number > HEADER_SEARCH_ROWS) break;
      plan = planHeader(row, spec, mapping ?? { columns: {}, values: {}, defaults: {} });
      continue;
    }
    if (isBlank(row.cells) || isTotalsRow(row.cells)) continue;
    rows.push({ row: row.number, cells: row.cells.map(cellText) });
    if (rows.length >= count) break;
  }
  if (!plan) return null;
  return { headerRow: plan.headerRow, columns: plan.columns.map((c) => ({ header: c.header, field: c.field.key })), ignoredColumns: plan.ignored, rows };
}
