// Import: a 100,000-row XLSX of fire drills (date cells, locations to place) through
// `runImport` in one transaction on the embedded store, each size in its own process. Memory
// must not grow with the file: the live heap (after full collections) over the start is compared
// with a file a fifth the size; RSS is reported beside it. Time and live heap come from separate
// runs of each file: the live heap's forced full collections (every 250 ms) cost more CPU than
// the import, and timed with them the import read 2–3 times slower than it is.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../tests/helpers/server.ts';
import { writeXlsxStream } from '../tests/helpers/import-files.ts';
import type { Bench } from './context.ts';

const run = promisify(execFile);

interface ChildResult {
  seconds: number;
  cpuSeconds: number;
  rows: number;
  created: number;
  rejected: number;
  rssStartMb: number;
  rssPeakMb: number;
  heapPeakMb: number;
  liveHeapStartMb?: number;
  liveHeapPeakMb?: number;
}

interface Measured extends ChildResult {
  fileMb: number;
  liveHeapStartMb: number;
  liveHeapPeakMb: number;
  /** The heap run's own seconds (with its forced collections), for comparison. */
  heapRunSeconds: number;
}

async function child(file: string, dataDir: string, mode: 'time' | 'heap'): Promise<ChildResult> {
  const script = path.join(REPO_ROOT, 'bench', 'lib', 'import-child.ts');
  const flags = mode === 'heap' ? ['--expose-gc'] : [];
  const { stdout } = await run(process.execPath, [...flags, '--import', 'tsx', script, file, dataDir, mode], { cwd: REPO_ROOT, maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as ChildResult;
}

async function importOnce(dir: string, rows: number): Promise<Measured> {
  const file = path.join(dir, `drills-${rows}.xlsx`);
  const start = Date.UTC(2024, 0, 1);
  await writeXlsxStream(file, ['演练编号', '演练日期', '演练级别', '演练类型', '参与人数', '经度', '纬度'], rows, (i) => [
    `B-${i}`, new Date(start + i * 60_000), i % 3 === 0 ? '社区' : '楼栋', '疏散演练', 20 + (i % 180),
    106.507 + (i % 97) * 0.00027, 29.543 + (i % 89) * 0.00017,
  ]);
  // Each run into an empty store of its own: both take every row as new.
  const timed = await child(file, path.join(dir, `store-${rows}-time`), 'time');
  const heap = await child(file, path.join(dir, `store-${rows}-heap`), 'heap');
  return {
    ...timed, fileMb: statSync(file).size / 2 ** 20,
    liveHeapStartMb: heap.liveHeapStartMb ?? 0, liveHeapPeakMb: heap.liveHeapPeakMb ?? 0, heapRunSeconds: heap.seconds,
  };
}

export const importBench: Bench = async (ctx) => {
  const big = ctx.quick ? 20_000 : 100_000;
  const small = big / 5;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'grid141-bench-import-'));
  try {
    const s = await importOnce(dir, small);
    ctx.log(`  ${small.toLocaleString('en')} rows: ${s.seconds.toFixed(1)} s, RSS ${s.rssStartMb} → ${s.rssPeakMb} MB`);
    const b = await importOnce(dir, big);
    ctx.log(`  ${big.toLocaleString('en')} rows (${b.fileMb.toFixed(1)} MB): ${b.seconds.toFixed(1)} s (${b.cpuSeconds.toFixed(1)} CPU s), RSS ${b.rssStartMb} → ${b.rssPeakMb} MB, heap peak ${b.heapPeakMb} MB; live heap ${b.liveHeapStartMb} → ${b.liveHeapPeakMb} MB (its own run: ${b.heapRunSeconds.toFixed(1)} s)`);
    if (b.created !== big || b.rejected !== 0) throw new Error(`expected ${big} new drills, got ${b.created} (${b.rejected} refused)`);
    const liveSmall = s.liveHeapPeakMb - s.liveHeapStartMb;
    const liveBig = b.liveHeapPeakMb - b.liveHeapStartMb;
    const growthSmall = s.rssPeakMb - s.rssStartMb;
    const growthBig = b.rssPeakMb - b.rssStartMb;
    return {
      rows: [
        { bench: 'import', figure: `${big.toLocaleString('en')}-row XLSX, one transaction, wall clock`, unit: 's', measured: b.seconds, target: '≤ 60 s', met: b.seconds <= 60, baseline: s.seconds, baselineLabel: `${small.toLocaleString('en')} rows`, ratio: b.seconds / s.seconds, ratioLabel: '×' },
        { bench: 'import', figure: 'rows/s', unit: '/s', measured: big / b.seconds, target: null, met: null, baseline: null, baselineLabel: null, ratio: null },
        { bench: 'import', figure: `CPU seconds, ${big.toLocaleString('en')} rows (load-independent)`, unit: 's', measured: b.cpuSeconds, target: '≤ 60 s', met: b.cpuSeconds <= 60, baseline: s.cpuSeconds, baselineLabel: `${small.toLocaleString('en')} rows`, ratio: b.cpuSeconds / s.cpuSeconds, ratioLabel: '×', note: 'user + system time of the importing process (reader, checks and the embedded store)' },
        { bench: 'import', figure: `live JS heap growth, ${big.toLocaleString('en')} rows`, unit: 'MB', measured: liveBig, target: '≤ 32 MB', met: liveBig <= 32, baseline: liveSmall, baselineLabel: `${small.toLocaleString('en')} rows`, ratio: liveBig / Math.max(liveSmall, 1), ratioLabel: '×', note: 'heapUsed after a full GC, sampled every 250 ms, peak minus start, in a run of its own (not the timed one); what grows is the map of ids seen in the file (in-file duplicates), about 70 bytes a row' },
        { bench: 'import', figure: `peak RSS growth, ${big.toLocaleString('en')} rows`, unit: 'MB', measured: growthBig, target: null, met: null, baseline: growthSmall, baselineLabel: `${small.toLocaleString('en')} rows`, ratio: growthBig / Math.max(growthSmall, 1), ratioLabel: '×', note: 'includes the embedded store\'s WebAssembly heap and garbage not yet collected' },
      ],
      details: { small: s, big: b },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
