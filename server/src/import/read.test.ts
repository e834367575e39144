import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { writeXlsx, writeXlsxStream } from '../../../tests/helpers/import-files.ts';
import { detectEncoding, openTable } from './read.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'grid141-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = (i: number) => `石油路街道煤建新村社区第${i}号楼栋高层实战式疏散演练（含微型消防站拉练）`;

async function readAll(file: string): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for await (const row of (await openTable(file)).rows()) rows.push(row.cells);
  return rows;
}

describe('reading files as streams', () => {
  it.each(['inline strings (streamed writer)', 'shared strings (Excel\'s way)'])('XLSX with %s: Chinese text cut by chunk boundaries reads back whole', async (how) => {
    const file = path.join(dir, `${how.length}.xlsx`);
    const n = 5_000;
    if (how.startsWith('inline')) await writeXlsxStream(file, ['名称'], n, (i) => [text(i)]);
    else await writeXlsx(file, [['名称'], ...Array.from({ length: n }, (_, i) => [text(i)])]);
    const rows = await readAll(file);
    expect(rows).toHaveLength(n + 1);
    const wrong = rows.slice(1).filter((r, i) => r[0] !== text(i));
    expect(wrong.slice(0, 3)).toEqual([]);
  });

  it('CSV: detects GBK, UTF-8 and BOMs; a file UTF-8 at the start but not later fails instead of reading garbage', async () => {
    expect(detectEncoding(Buffer.from('\uFEFF演练', 'utf8')).encoding).toBe('utf-8-bom');
    expect(detectEncoding(Buffer.from('演练,日期', 'utf8')).encoding).toBe('utf-8');
    expect(detectEncoding(iconv.encode('演练,日期', 'gbk')).encoding).toBe('gb18030');
    const mixed = path.join(dir, 'mixed.csv');
    const head = Buffer.from(`名称\n${'a\n'.repeat(600_000)}`, 'utf8');
    writeFileSync(mixed, Buffer.concat([head, iconv.encode('演练\n', 'gbk')]));
    await expect(readAll(mixed)).rejects.toThrow(/不是有效的 UTF-8/);
  });
});
