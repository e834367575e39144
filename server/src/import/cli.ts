// `npm run import -- --kind KIND FILE [--dry-run] [--mapping MAP.json] [--actor NAME]` and
// `npm run import -- --template KIND [--out FILE]`: imports with the store's own access (the
// embedded store only while no server holds DATA_DIR). Exit 0: every row taken; 2: some rows
// refused (listed, and written to FILE.rejected.csv); 1: the import failed and changed nothing.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.ts';
import { acquireLock, readLock, type HeldLock } from '../datadir/lock.ts';
import { CREDENTIALS_FILE } from '../auth/credentials.ts';
import { openStore } from '../store/index.ts';
import { loadStreet } from '../street/load.ts';
import { createLocator } from '../street/locate.ts';
import { mappingSchema, type Mapping } from './convert.ts';
import { IMPORT_KINDS, isImportKind, type ImportKind } from './kinds.ts';
import { runImport, type ImportProgress, type ImportSummary } from './run.ts';
import { writeTemplate } from './template.ts';
import { importGrids, listVersions, restoreVersion, type Crs } from './grids.ts';

const USAGE = `usage: npm run import -- --kind KIND FILE [--dry-run] [--mapping MAP.json] [--actor NAME]
       npm run import -- --template KIND [--out FILE]
       npm run import -- --kind grids FILE.geojson [--boundary FILE.geojson] [--crs gcj02] [--dry-run]
       npm run import -- --restore VERSION | --versions
  KIND: ${IMPORT_KINDS.join(', ')}
  --dry-run        check every row and report, change nothing
  --mapping FILE   JSON {columns, values, defaults, timeZone} for files with other headers (docs/import.md)
  --actor NAME     who imports (written in imported incidents' history; default cli:<user>)
  --template KIND  write an XLSX template (headers and an example row), default ./KIND-template.xlsx
  --kind grids     replace the street's grid map (versions kept; --restore puts one back; records placed again)
exit status: 0 every row taken, 2 some rows refused (listed), 1 failed (nothing changed)`;

function fail(message: string): never {
  process.stderr.write(`import: ${message}\n`);
  process.exit(1);
}

function kindOf(value: string | undefined): ImportKind {
  if (!value) fail(`--kind is required\n${USAGE}`);
  if (!isImportKind(value)) fail(`--kind must be one of ${IMPORT_KINDS.join(', ')}, got ${value}`);
  return value;
}

function readMapping(file: string): Mapping {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`--mapping ${file}: ${(error as Error).message}`);
  }
  const parsed = mappingSchema.safeParse(json);
  if (!parsed.success) fail(`--mapping ${file}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** A one-line bar on a terminal; nothing when stderr is a file or a pipe. */
function progressBar(): { update: (p: ImportProgress) => void; done: () => void } {
  if (!process.stderr.isTTY) return { update: () => {}, done: () => {} };
  let last = 0;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const share = p.size > 0 ? Math.min(1, p.bytes / p.size) : 0;
      const width = 30;
      const full = Math.round(share * width);
      process.stderr.write(`\r[${'█'.repeat(full)}${'░'.repeat(width - full)}] ${(share * 100).toFixed(0).padStart(3)}%  ${p.rows.toLocaleString('en')} 行 rows`);
    },
    done() {
      process.stderr.write('\r\x1b[K');
    },
  };
}

export function formatSummary(s: ImportSummary, maxProblems = 200): string {
  const lines = [
    `${s.dryRun ? '试导入（未写入）dry run' : '导入 import'} ${s.kind}: ${path.basename(s.file)} (${s.format.toUpperCase()}${s.encoding ? `, ${s.encoding}` : ''}, 表头在第 ${s.headerRow} 行 header on row ${s.headerRow})`,
    `  列 columns: ${s.columns.map((c) => `${c.header}→${c.field}`).join(', ')}`,
  ];
  if (s.ignoredColumns.length > 0) lines.push(`  未用的列 ignored: ${s.ignoredColumns.join(', ')}`);
  lines.push(
    `  数据行 rows ${s.rows}: 接受 accepted ${s.accepted} (${s.dryRun ? '将新增 would add' : '新增 added'} ${s.created}, 已存在 already there ${s.existing}), ` +
      `拒绝 refused ${s.rejected}; 跳过 skipped: 空行 blank ${s.skipped.blank}, 合计行 totals ${s.skipped.totals}`,
  );
  if (s.problems.length > 0) {
    lines.push('  被拒绝的行 refused rows:');
    for (const p of s.problems.slice(0, maxProblems)) lines.push(`    第 ${p.row} 行 row ${p.row} [${p.column}] ${p.reason}`);
    if (s.problems.length > maxProblems) lines.push(`    …另有 ${s.problems.length - maxProblems} 条 more${s.rejectedFile ? '（见拒绝文件 see the file below）' : ''}`);
  }
  if (s.rejectedFile) lines.push(`  被拒绝的行已写入 refused rows written to: ${s.rejectedFile}`);
  lines.push(`  用时 took ${(s.ms / 1000).toFixed(1)} s`);
  return lines.join('\n');
}

/**
 * Tells a server running on the same PostgreSQL (found through DATA_DIR's lock) that records
 * were imported, once; its figures are rebuilt. Returns the line to print.
 */
async function announce(dataDir: string, kind: ImportKind, created: number): Promise<string> {
  const lock = readLock(dataDir);
  if (!lock?.alive || !lock.url) return '没有运行中的服务器；它启动时会从库中重算数字 / no running server found: it recounts when it starts';
  let key = process.env.INGEST_API_KEY;
  if (!key) {
    try {
      key = (JSON.parse(readFileSync(path.join(dataDir, CREDENTIALS_FILE), 'utf8')) as { ingestKey?: string }).ingestKey;
    } catch {
      // Falls through to the message below.
    }
  }
  if (!key) return `无法通知服务器（没有 INGEST_API_KEY）/ could not tell the server at ${lock.url}: no ingest key`;
  try {
    const res = await fetch(`${lock.url}/api/v1/admin/imported`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: JSON.stringify({ kind, created }),
      signal: AbortSignal.timeout(10_000),
    });
    if (res.ok) return `已通知服务器重算数字 / the server at ${lock.url} is recounting its figures`;
    return `通知服务器失败 / the server at ${lock.url} answered ${res.status}`;
  } catch (error) {
    return `通知服务器失败 / could not reach ${lock.url}: ${(error as Error).message}`;
  }
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        kind: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        mapping: { type: 'string' },
        actor: { type: 'string' },
        template: { type: 'string' },
        out: { type: 'string' },
        boundary: { type: 'string' },
        crs: { type: 'string' },
        restore: { type: 'string' },
        versions: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    });
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  const { values: args, positionals } = parsed;
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.template !== undefined) {
    const kind = kindOf(args.template);
    const out = path.resolve(args.out ?? `${kind}-template.xlsx`);
    await writeTemplate(kind, out);
    process.stdout.write(`模板已写入 template written: ${out}\n`);
    return 0;
  }
  const mapWork = args.kind === 'grids' || args.restore !== undefined || args.versions;
  const kind = mapWork ? null : kindOf(args.kind);
  if (!args.restore && !args.versions && positionals.length !== 1) fail(`give exactly one FILE\n${USAGE}`);
  if (args.crs !== undefined && args.crs !== 'gcj02' && args.crs !== 'wgs84') fail(`--crs must be gcj02 or wgs84, got ${args.crs}`);
  const file = path.resolve(positionals[0] as string);
  const mapping = args.mapping ? readMapping(args.mapping) : undefined;

  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  // The embedded store belongs to whoever holds DATA_DIR: a running server must be stopped first.
  let lock: HeldLock | null = null;
  if (!config.databaseUrl) {
    try {
      lock = acquireLock(config.dataDir);
    } catch (error) {
      fail(`${(error as Error).message}\n  the embedded store is in use: stop the server, or import through its admin page`);
    }
  }
  try {
    if (args.versions) {
      const versions = await listVersions(config.streetsDir, config.streetId);
      process.stdout.write(versions.length ? `${versions.join('\n')}\n` : '没有保存的版本 / no kept versions\n');
      return 0;
    }
    const street = await loadStreet(config.streetsDir, config.streetId);
    const store = await openStore({ streetId: street.meta.id, databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    if (mapWork) {
      try {
        const serviceAreaM = config.serviceAreaKm * 1000;
        if (args.restore) {
          const done = await restoreVersion({ streetsDir: config.streetsDir, streetId: config.streetId, version: args.restore, store, serviceAreaM, actor: args.actor ?? `cli:${os.userInfo().username}` });
          process.stdout.write(`已恢复版本 ${args.restore}（当前地图另存为 ${done.kept}）；重新归属 ${done.relocated?.incidents ?? 0} 条事件、${done.relocated?.feedRecords ?? 0} 条台账记录\n`);
        } else {
          const report = await importGrids({
            file: path.resolve(positionals[0] as string), streetsDir: config.streetsDir, streetId: config.streetId,
            ...(args.boundary ? { boundaryFile: path.resolve(args.boundary) } : {}), crs: (args.crs ?? 'wgs84') as Crs,
            dryRun: args['dry-run'], store, serviceAreaM, actor: args.actor ?? `cli:${os.userInfo().username}`,
          });
          process.stdout.write(`${args['dry-run'] ? '试导入（未写入）dry run\n' : ''}${report.lines.join('\n')}\n`);
          if (!args['dry-run'] && config.databaseUrl) process.stdout.write(`  ${await announce(config.dataDir, 'incidents', report.relocated?.incidents ?? 0)}\n  服务器需重启才会读取新地图 / restart the server to load the new map\n`);
          return report.refused > 0 ? 2 : 0;
        }
        return 0;
      } finally {
        await store.close();
      }
    }
    if (!kind) fail(USAGE);
    const bar = progressBar();
    try {
      const summary = await runImport({
        kind, file, store, street, locator: createLocator(street, { serviceAreaM: config.serviceAreaKm * 1000 }), dryRun: args['dry-run'], mapping,
        actor: args.actor ?? `cli:${os.userInfo().username}`, onProgress: bar.update,
      });
      bar.done();
      process.stdout.write(`${formatSummary(summary)}\n`);
      if (config.databaseUrl && !summary.dryRun && summary.created > 0) {
        process.stdout.write(`  ${await announce(config.dataDir, kind, summary.created)}\n`);
      }
      return summary.rejected > 0 ? 2 : 0;
    } catch (error) {
      bar.done();
      throw error;
    } finally {
      await store.close();
    }
  } finally {
    lock?.release();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => fail(`${error instanceof Error ? error.message : String(error)}\n  nothing was imported`),
);
