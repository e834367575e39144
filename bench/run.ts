// `npm run bench [-- --only ingest,placing] [--quick] [--out FILE]`: runs the benchmarks one after
// another, prints the table (target / measured / baseline / ratio / met?) and writes the JSON.
// A full run of every benchmark writes bench/results/latest.json; other runs write partial.json.
// `--soak` adds the 12-minute wall soak (bench/soak.ts; also `--only soak [--minutes N] [--speed N]`).
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeContext, type Bench } from './context.ts';
import { desk } from './desk.ts';
import { duplicates } from './duplicates.ts';
import { endToEnd } from './end-to-end.ts';
import { fanOut } from './fan-out.ts';
import { importBench } from './import.ts';
import { ingest } from './ingest.ts';
import { placing } from './placing.ts';
import { report } from './report.ts';
import { size } from './size.ts';
import { soak } from './soak.ts';
import { start } from './start.ts';
import { wallIdle } from './wall-idle.ts';
import { tableLines, type BenchResult } from './lib/report.ts';
import { dropBenchDatabase } from './lib/server.ts';
import { clock } from './lib/stats.ts';
import { buildClient, buildIsStale } from '../scripts/client-build.mjs';

const BENCHES: Record<string, Bench> = { placing, duplicates, ingest, import: importBench, size, 'end-to-end': endToEnd, 'fan-out': fanOut, start, report, 'wall-idle': wallIdle, desk };
// Opt-in: the soak takes 12+ minutes, so it runs only with --soak or --only soak (bench/soak.ts).
const OPT_IN: Record<string, Bench> = { soak };
const ALL: Record<string, Bench> = { ...BENCHES, ...OPT_IN };
const HERE = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv: string[]) {
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    const inline = argv.find((a) => a.startsWith(`${flag}=`));
    return inline ? inline.slice(flag.length + 1) : i >= 0 ? argv[i + 1] : undefined;
  };
  const only = value('--only')?.split(',').map((s) => s.trim()).filter(Boolean) ?? [...Object.keys(BENCHES), ...(argv.includes('--soak') ? Object.keys(OPT_IN) : [])];
  for (const name of only) if (!ALL[name]) throw new Error(`unknown benchmark "${name}"; choose from ${Object.keys(ALL).join(', ')}`);
  return { only, quick: argv.includes('--quick'), out: value('--out') };
}

function machine() {
  const cpus = os.cpus();
  let commit: string | null = null;
  try { commit = execSync('git rev-parse --short HEAD', { cwd: HERE, encoding: 'utf8' }).trim(); } catch { /* not a checkout */ }
  return {
    date: new Date().toISOString(), node: process.version, platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length, cpuModel: cpus[0]?.model ?? null, totalMemMb: Math.round(os.totalmem() / 2 ** 20),
    loadAverageAtStart: os.loadavg(), commit,
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const info = machine();
  const ctx = await makeContext(args.quick);
  ctx.log(`${args.quick ? 'quick' : 'full'} run of ${args.only.join(', ')}; ${info.cpus} CPUs, load average ${info.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}`);
  // Benches that open the wall in Chromium (report, wall-idle …) need the built client: build it
  // first when it is missing or older than its sources (the rule of npm start), outside the timings.
  const stale = buildIsStale();
  if (stale) {
    ctx.log(`building the wall (client/dist is ${stale})…`);
    if (buildClient() !== 0) throw new Error(`the client build failed (client/dist was ${stale}); its output is above`);
  }
  const results: BenchResult[] = [];
  const failures: { bench: string; error: string }[] = [];
  const started = clock();
  for (const name of args.only) {
    const bench = ALL[name] as Bench;
    const loadBefore = os.loadavg();
    const t0 = clock();
    ctx.log(`${name} …`);
    try {
      const out = await bench(ctx);
      results.push({ bench: name, rows: out.rows, details: out.details, seconds: (clock() - t0) / 1000, loadBefore, loadAfter: os.loadavg() });
    } catch (error) {
      const text = error instanceof Error ? error.stack ?? error.message : String(error);
      ctx.log(`${name} FAILED: ${text}`);
      failures.push({ bench: name, error: text.slice(0, 4_000) });
    }
    ctx.log(`${name} done in ${((clock() - t0) / 1000).toFixed(0)} s`);
  }
  if (args.only.includes('ingest')) await dropBenchDatabase().catch(() => {});
  const rows = results.flatMap((r) => r.rows);
  process.stdout.write(`\n${tableLines(rows).join('\n')}\n\n`);
  const notes = rows.filter((r) => r.note).map((r) => `  ${r.bench} / ${r.figure}: ${r.note}`);
  if (notes.length) process.stdout.write(`notes:\n${notes.join('\n')}\n`);
  if (failures.length) process.stdout.write(`failed: ${failures.map((f) => f.bench).join(', ')}\n`);
  const complete = !args.quick && Object.keys(BENCHES).every((name) => args.only.includes(name));
  const out = args.out ?? path.join(HERE, 'results', complete ? 'latest.json' : 'partial.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const json = { machine: { ...info, loadAverageAtEnd: os.loadavg() }, mode: args.quick ? 'quick' : 'full', benches: args.only, seconds: (clock() - started) / 1000, rows, results, failures, table: tableLines(rows, true) };
  fs.writeFileSync(out, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`results: ${path.relative(process.cwd(), out)} (${json.seconds.toFixed(0)} s)\n`);
  // Children (servers, walls) are gone by now; leave nothing behind if a handle lingers.
  process.exit(failures.length ? 1 : 0);
}

await main();
