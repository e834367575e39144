// Streaming readers of a CSV or XLSX file: rows of cells, one at a time, so memory does not
// grow with the file. CSV: the encoding is detected (a UTF-8 BOM, UTF-16 BOMs, else UTF-8 if
// the first megabyte is valid UTF-8, else GB18030, the superset of GBK that Excel on Chinese
// Windows writes), then papaparse splits it. XLSX: exceljs's streaming WorkbookReader, first
// worksheet only, date-formatted cells as dates.
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import type { Cell } from './values.ts';

export interface SheetRow {
  /** The row number a person sees: the XLSX row, the CSV record (1 = the first line). */
  number: number;
  cells: Cell[];
}

export type TableFormat = 'csv' | 'xlsx';

export interface Table {
  format: TableFormat;
  /** CSV: utf-8, utf-8-bom, utf-16le, utf-16be or gb18030; XLSX: null. */
  encoding: string | null;
  size: number;
  /** Bytes of the file read so far (for the progress bar). */
  bytesRead(): number;
  rows(): AsyncGenerator<SheetRow>;
}

export class UnreadableFileError extends Error {
  override name = 'UnreadableFileError';
}

const SAMPLE_BYTES = 1 << 20;

/** Which encoding a CSV is in, from its first bytes (up to 1 MB). */
export function detectEncoding(sample: Uint8Array): { encoding: string; bom: number } {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8-bom', bom: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  try {
    // stream: a character cut at the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return { encoding: 'utf-8', bom: 0 };
  } catch {
    return { encoding: 'gb18030', bom: 0 };
  }
}

/** Decodes a byte stream to text; UTF-8 strictly, so a file that turns out not to be UTF-8 past the sample fails instead of reading as mojibake. */
function decoder(encoding: string): Transform {
  if (encoding === 'utf-8' || encoding === 'utf-8-bom') {
    const text = new TextDecoder('utf-8', { fatal: true });
    return new Transform({
      decodeStrings: true,
      transform(chunk: Buffer, _enc, done) {
        try {
          done(null, text.decode(chunk, { stream: true }));
        } catch {
          done(new UnreadableFileError('文件不是有效的 UTF-8（前面部分是 UTF-8，后面不是）：请统一另存为 UTF-8 或 GBK / the file is not valid UTF-8 throughout'));
        }
      },
      flush(done) {
        try {
          done(null, text.decode());
        } catch {
          done(new UnreadableFileError('文件末尾不是有效的 UTF-8 / the file ends inside a character'));
        }
      },
    });
  }
  return iconv.decodeStream(encoding === 'utf-16be' ? 'utf-16be' : encoding) as unknown as Transform;
}

async function firstBytes(file: string, count: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(count);
    const { bytesRead } = await handle.read(buffer, 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function counted(file: string, start: number, onBytes: (n: number) => void): Readable {
  const stream = createReadStream(file, { start, highWaterMark: 256 * 1024 });
  stream.on('data', (chunk) => onBytes((chunk as Buffer).length));
  return stream;
}

/** Opens a CSV or XLSX file for reading row by row; throws UnreadableFileError for other formats. */
export async function openTable(file: string): Promise<Table> {
  const { size } = await stat(file);
  const head = await firstBytes(file, SAMPLE_BYTES);
  const ext = path.extname(file).toLowerCase();
  let read = 0;
  const onBytes = (n: number) => {
    read += n;
  };
  if (head[0] === 0x50 && head[1] === 0x4b) {
    return { format: 'xlsx', encoding: null, size, bytesRead: () => read, rows: () => xlsxRows(counted(file, 0, onBytes)) };
  }
  if (head[0] === 0xd0 && head[1] === 0xcf) {
    throw new UnreadableFileError('这是旧版 Excel (.xls) 文件：请在 Excel 中另存为 .xlsx 或 CSV / old .xls files are not read; save as .xlsx or CSV');
  }
  if (ext === '.xlsx') throw new UnreadableFileError('文件扩展名是 .xlsx，但内容不是 XLSX / not an XLSX file');
  if (head.includes(0) && !head.subarray(0, 2).every((b) => b === 0xff || b === 0xfe)) {
    throw new UnreadableFileError('文件含二进制内容，不是 CSV / the file is binary, not CSV');
  }
  const { encoding, bom } = detectEncoding(head);
  return {
    format: 'csv', encoding, size, bytesRead: () => read,
    rows: () => csvRows(counted(file, bom, onBytes).pipe(decoder(encoding))),
  };
}

/** Rows waiting to be taken before the file stream is paused (backpressure). */
const CSV_QUEUE_MAX = 4_000;

/**
 * Rows from papaparse's step callback, queued; the file stream pauses while the queue is full.
 * Iterating papaparse's own duplex stream row by row is ten times slower, and its pause/resume
 * with chunks loses its place.
 */
async function* csvRows(text: Readable): AsyncGenerator<SheetRow> {
  let rows: string[][] = [];
  let finished = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const signal = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const fail = (error: unknown) => {
    failure ??= error;
    signal();
  };
  text.on('error', fail);
  Papa.parse<string[]>(text as unknown as File, {
    skipEmptyLines: false,
    delimitersToGuess: [',', '\t', ';', '|'],
    step(result) {
      rows.push(result.data);
      if (rows.length >= CSV_QUEUE_MAX) text.pause();
      if (rows.length === 1) signal();
    },
    complete() {
      finished = true;
      signal();
    },
    error: fail,
  });
  let number = 0;
  // A reader that stops early (a preview) closes the file.
  try {
  for (;;) {
    if (rows.length > 0) {
      const batch = rows;
      rows = [];
      if (text.isPaused()) text.resume();
      for (const cells of batch) {
        number += 1;
        yield { number, cells };
      }
      continue;
    }
    if (failure) throw failure;
    if (finished) return;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  } finally {
    text.destroy();
  }
}

type ExcelValue = ExcelJS.CellValue | { richText?: { text: string }[]; result?: unknown; text?: string; error?: string } | undefined;

/** An XLSX cell as a Cell: rich text joined, a formula's cached result, an error cell as empty. */
function excelCell(value: ExcelValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((r) => r.text).join('');
    if ('result' in value) return excelCell(value.result as ExcelValue);
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('error' in value) return null;
  }
  return null;
}

async function* decodeUtf8(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) yield typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  const tail = decoder.decode();
  if (tail) yield tail;
}

type ReaderInternals = {
  _parseSharedStrings(entry: Readable): unknown;
  _parseStyles(entry: Readable): unknown;
  _parseWorksheet(iterator: AsyncIterable<Buffer | string>, sheetNo: string): unknown;
};

/**
 * exceljs 4.4's streaming reader decodes each zip chunk to text on its own, so a Chinese
 * character cut by a chunk boundary becomes U+FFFD (one cell in a few thousand, silently). Its
 * parser passes strings through untouched, so the entries are decoded here, across boundaries.
 */
function utf8WorkbookReader(input: Readable, options: Partial<ExcelJS.stream.xlsx.WorkbookStreamReaderOptions>): ExcelJS.stream.xlsx.WorkbookReader {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, options);
  const internals = reader as unknown as ReaderInternals;
  const base = Object.getPrototypeOf(reader) as ReaderInternals;
  internals._parseSharedStrings = (entry) => {
    entry.setEncoding('utf8');
    return base._parseSharedStrings.call(reader, entry);
  };
  internals._parseStyles = (entry) => {
    entry.setEncoding('utf8');
    return base._parseStyles.call(reader, entry);
  };
  internals._parseWorksheet = (iterator, sheetNo) => base._parseWorksheet.call(reader, decodeUtf8(iterator), sheetNo);
  return reader;
}

async function* xlsxRows(input: Readable): AsyncGenerator<SheetRow> {
  const workbook = utf8WorkbookReader(input, {
    sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', worksheets: 'emit', entries: 'emit',
  });
  try {
    for await (const sheet of workbook) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = row.values as ExcelValue[];
        const cells: Cell[] = [];
        for (let i = 1; i < values.length; i += 1) cells.push(excelCell(values[i]));
        yield { number: row.number, cells };
      }
      // The first worksheet only: a workbook's other sheets are notes, lookups, pivots.
      break;
    }
  } finally {
    input.destroy();
  }
}
