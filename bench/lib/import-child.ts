// One import in its own process, so its time and memory are measured alone: writes nothing but a
// JSON line {seconds, cpuSeconds, rows, created, rssStartMb, rssPeakMb, heapPeakMb, liveHeapPeakMb}
// to stdout. Mode `time` (the default) only watches RSS and the heap; mode `heap` (run with
// --expose-gc) also samples the live heap, heapUsed right after a full collection every 250 ms:
// what the import holds, not the garbage V8 has not collected yet. Those forced collections cost
// more CPU than the import itself (a 100,000-row file: 13 CPU s without them, 23–37 s with), so a
// heap run's seconds are not the import's: the bench takes time from a `time` run.
import path from 'node:path';
import { loadStreet } from '../../server/src/street/load.ts';
import { createLocator } from '../../server/src/street/locate.ts';
import { openStore } from '../../server/src/store/index.ts';
import { runImport } from '../../server/src/import/run.ts';
import { REPO_ROOT } from '../../tests/helpers/server.ts';

const [file, dataDir, mode = 'time'] = process.argv.slice(2) as [string, string, string?];
const street = await loadStreet(path.join(REPO_ROOT, 'data', 'streets'), 'shiyoulu');
const store = await openStore({ streetId: street.meta.id, databaseUrl: null, dataDir });
const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;
const rssStart = process.memoryUsage().rss;
let rssPeak = rssStart;
let heapPeak = process.memoryUsage().heapUsed;
const gc = mode === 'heap' ? (globalThis as { gc?: () => void }).gc : undefined;
if (mode === 'heap' && !gc) throw new Error('mode heap needs node --expose-gc');
gc?.();
const liveStart = process.memoryUsage().heapUsed;
let livePeak = liveStart;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  rssPeak = Math.max(rssPeak, m.rss);
  heapPeak = Math.max(heapPeak, m.heapUsed);
}, 50);
const liveSampler = gc ? setInterval(() => {
  gc();
  livePeak = Math.max(livePeak, process.memoryUsage().heapUsed);
}, 250) : null;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const summary = await runImport({ kind: 'fire-drills', file, store, street, locator: createLocator(street), rejectedFile: null });
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
if (liveSampler) clearInterval(liveSampler);
await store.close();
process.stdout.write(`${JSON.stringify({
  seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rows: summary.rows, created: summary.created, rejected: summary.rejected,
  rssStartMb: mb(rssStart), rssPeakMb: mb(rssPeak), heapPeakMb: mb(heapPeak),
  ...(gc ? { liveHeapStartMb: mb(liveStart), liveHeapPeakMb: mb(livePeak) } : {}),
})}\n`);
process.exit(0);
