// Spreadsheets made by the tests (and the bench) the way real ones come: XLSX with a merged
// title row and date cells, CSV in GBK or UTF-8 with or without a BOM. Nothing committed.
import { writeFile } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';

export type FixtureCell = string | number | Date | null;

export interface XlsxOptions {
  /** A title merged across the columns above the header (and a blank row under it). */
  title?: string;
  /** Number format for Date cells (default yyyy/m/d h:mm). */
  dateFormat?: string;
}

/** A small workbook in memory (for fixtures); rows[0] is the header. */
export async function writeXlsx(file: string, rows: FixtureCell[][], options: XlsxOptions = {}): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('数据');
  const width = Math.max(...rows.map((r) => r.length));
  if (options.title) {
    sheet.addRow([options.title]);
    sheet.mergeCells(1, 1, 1, width);
    sheet.addRow([]);
  }
  for (const row of rows) {
    const added = sheet.addRow(row.map((c) => (c === null ? undefined : c)));
    added.eachCell((cell) => {
      if (cell.value instanceof Date) cell.numFmt = options.dateFormat ?? 'yyyy/m/d h:mm';
    });
  }
  await workbook.xlsx.writeFile(file);
}

/** A large workbook written row by row (the bench's 100,000 rows) without holding it in memory. */
export async function writeXlsxStream(file: string, header: string[], count: number, row: (i: number) => FixtureCell[]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: file, useSharedStrings: false, useStyles: true });
  const sheet = workbook.addWorksheet('数据');
  sheet.addRow(header).commit();
  for (let i = 0; i < count; i += 1) {
    const added = sheet.addRow(row(i));
    added.eachCell((cell) => {
      if (cell.value instanceof Date) cell.numFmt = 'yyyy-mm-dd hh:mm';
    });
    added.commit();
  }
  sheet.commit();
  await workbook.commit();
}

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'gbk';

function csvText(rows: FixtureCell[][]): string {
  return rows.map((row) => row.map((c) => {
    const text = c === null ? '' : c instanceof Date ? c.toISOString() : String(c);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }).join(',')).join('\r\n') + '\r\n';
}

/** A CSV as Excel saves it: GBK on Chinese Windows ("CSV (逗号分隔)"), or UTF-8 with a BOM ("CSV UTF-8"). */
export async function writeCsv(file: string, rows: FixtureCell[][], encoding: CsvEncoding): Promise<void> {
  const text = csvText(rows);
  const bytes = encoding === 'gbk' ? iconv.encode(text, 'gbk') : Buffer.from((encoding === 'utf-8-bom' ? '\uFEFF' : '') + text, 'utf8');
  await writeFile(file, bytes);
}
