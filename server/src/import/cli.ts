// `npm run import -- --kind KIND FILE [--dry-run] [--mapping MAP.json] [--actor NAME]` and
// `npm run import -- --template KIND [--out FILE]`: imports with the store's own access (the
// embedded store only while no server holds DATA_DIR). Exit 0: every row taken; 2: some rows
// refused (listed, and written to FILE.rejected.csv); 1: the import failed and changed nothing.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { textFault, textFaultMessage } from '@grid141/shared';
import { ConfigError, loadConfig } from '../config.ts';
import { acquireLock, readLock, type HeldLock } from '../datadir/lock.ts';
import { CREDENTIALS_FILE } from '../auth/credentials.ts';
import { openStore } from '../store/index.ts';
import { loadStreet } from '../street/load.ts';
import { createLocator } from '../street/locate.ts';
import { mappingSchema, type Mapping } from './convert.ts';
import { IMPORT_KINDS, isImportKind, type ImportKind } from './kinds.ts';
import { runImport, type ImportProgress, type ImportSummary } from './run.ts';
import { readTargetsFile, storedTargetsOf } from '../desk/targets.ts';
import { writeTemplate } from './template.ts';
import { importGrids, listVersions, relocateAll, restoreVersion, type Crs } from './grids.ts';
import { notifyMapChanged } from '../street/plugin.ts';

const USAGE = `usage: npm run import -- --kind KIND FILE [--dry-run] [--mapping MAP.json] [--actor NAME]
       npm run import -- --template KIND [--out FILE]
       npm run import -- --kind grids FILE.geojson [--boundary FILE] [--communities FILE] [--microgrids FILE] [--crs gcj02] [--dry-run]
       npm run import -- --restore VERSION | --versions
  KIND: ${IMPORT_KINDS.join(', ')}
  --dry-run        check every row and report, change nothing
  --mapping FILE   JSON {columns, values, defaults, timeZone} for files with other headers (docs/import.md)
  --actor NAME     who imports (written in imported incidents' history; default cli:<user>)
  --template KIND  write an XLSX template (headers and an example row), default ./KIND-template.xlsx
  --kind grids     replace the street's grid map (versions kept; --restore puts one back; records placed again;
                   communities and micro-grids from features marked 社区/微网格 in FILE, or from --communities/--microgrids;
                   without a micro-grid layer the street's current micro-grids are kept, moved to the grid they lie in)
exit status: 0 every row taken, 2 some rows refused (listed), 1 failed (nothing changed)`;

function fail(message: string): never {
  process.stderr.write(`import: ${message}\n`);
  process.exit(1);
}

/** A table kind; `--kind` also takes `grids` (handled before this), `--template` does not. */
function kindOf(value: string | undefined, option: '--kind' | '--template' = '--kind'): ImportKind {
  if (!value) fail(`${option} is required\n${USAGE}`);
  const allowed = option === '--kind' ? [...IMPORT_KINDS, 'grids'] : IMPORT_KINDS;
  if (!isImportKind(value)) fail(`${option} must be one of ${allowed.join(', ')}, got ${value}`);
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

/** The ingest key a server under DATA_DIR takes: INGEST_API_KEY, else its generated credentials. */
function ingestKeyOf(dataDir: string): string | undefined {
  let key = process.env.INGEST_API_KEY;
  if (!key) {
    try {
      key = (JSON.parse(readFileSync(path.join(dataDir, CREDENTIALS_FILE), 'utf8')) as { ingestKey?: string }).ingestKey;
    } catch {
      // None: the caller says so.
    }
  }
  return key;
}

/** The URL of a live server holding DATA_DIR's lock, or null. */
function liveServer(dataDir: string): string | null {
  const lock = readLock(dataDir);
  return lock?.alive && lock.url ? lock.url : null;
}

/**
 * Asks the running server at `url` to take up the street's map from its files (it places every
 * record again and tells its walls; server/src/street/plugin.ts). Returns whether it did, and the
 * line to print.
 */
async function askReload(dataDir: string, url: string): Promise<{ ok: boolean; line: string }> {
  const key = ingestKeyOf(dataDir);
  if (!key) return { ok: false, line: `无法通知服务器（没有 INGEST_API_KEY）/ could not tell the server at ${url}: no ingest key` };
  try {
    const res = await fetch(`${url}/api/v1/admin/map/reload`, { method: 'POST', headers: { 'x-api-key': key }, signal: AbortSignal.timeout(300_000) });
    if (!res.ok) return { ok: false, line: `服务器未能载入新地图 / the server at ${url} answered ${res.status}: ${(await res.text()).slice(0, 500)}` };
    const done = (await res.json()) as { changed: boolean; version: string; relocated: { incidents: number; feedRecords: number } | null };
    return {
      ok: true,
      line: done.changed
        ? `运行中的服务器已载入新地图（版本 ${done.version}），重新归属 ${done.relocated?.incidents ?? 0} 条事件、${done.relocated?.feedRecords ?? 0} 条台账记录，并通知大屏 / the server at ${url} now serves map ${done.version}`
        : `运行中的服务器已在使用此地图（版本 ${done.version}）/ the server at ${url} serves this map already`,
    };
  } catch (error) {
    return { ok: false, line: `通知服务器失败 / could not reach ${url}: ${(error as Error).message}` };
  }
}

/**
 * Tells a server running on the same PostgreSQL (found through DATA_DIR's lock) that records
 * were imported, once; its figures are rebuilt. Returns the line to print.
 */
async function announce(dataDir: string, kind: ImportKind, created: number): Promise<string> {
  const lock = readLock(dataDir);
  if (!lock?.alive || !lock.url) return '没有运行中的服务器；它启动时会从库中重算数字 / no running server found: it recounts when it starts';
  const key = ingestKeyOf(dataDir);
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
        communities: { type: 'string' },
        microgrids: { type: 'string' },
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
  // --actor is written to history and the audit log: the API's text rule (docs/api.md, "Text").
  const actorFault = args.actor === undefined ? null : textFault(args.actor);
  if (actorFault) fail(`--actor ${textFaultMessage(actorFault)}`);
  if (args.actor !== undefined && (args.actor.trim() === '' || args.actor.length > 64)) fail('--actor must be 1 to 64 characters');
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.template !== undefined) {
    const kind = kindOf(args.template, '--template');
    const out = path.resolve(args.out ?? `${kind}-template.xlsx`);
    await writeTemplate(kind, out);
    process.stdout.write(`模板已写入 template written: ${out}\n`);
    return 0;
  }
  const mapWork = args.kind === 'grids' || args.restore !== undefined || args.versions;
  const kind = mapWork ? null : kindOf(args.kind);
  if (!args.restore && !args.versions && positionals.length !== 1) fail(`give exactly one FILE\n${USAGE}`);
  if (args.crs !== undefined && args.crs !== 'gcj02' && args.crs !== 'wgs84') fail(`--crs must be gcj02 or wgs84, got ${args.crs}`);
  const file = path.resolve((positionals[0] ?? '') as string);
  const mapping = args.mapping ? readMapping(args.mapping) : undefined;

  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  if (args.versions) {
    const versions = await listVersions(config.streetsDir, config.streetId);
    process.stdout.write(versions.length ? `${versions.join('\n')}\n` : '没有保存的版本 / no kept versions\n');
    return 0;
  }
  // A grid map is files under the street's folder plus the records placed on it. With a server
  // running on DATA_DIR, the CLI writes the files and asks the server to take the map up (it
  // places every record again, rebuilds its figures, tells its walls); that is the only way with
  // the embedded store, whose lock the server holds. With no server, the CLI places the records.
  if (mapWork) {
    const server = liveServer(config.dataDir);
    let lock: HeldLock | null = null;
    if (!server && !config.databaseUrl) {
      try {
        lock = await acquireLock(config.dataDir);
      } catch (error) {
        fail(`${(error as Error).message}\n  the embedded store is in use and its server gave no address`);
      }
    }
    // The embedded store is the server's: the CLI then writes no audit entry (the server writes map.reloaded).
    const store = server && !config.databaseUrl ? null : await openStore({ streetId: config.streetId, databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      const serviceAreaM = config.serviceAreaKm * 1000;
      const actor = args.actor ?? `cli:${os.userInfo().username}`;
      let code = 0;
      if (args.restore) {
        const done = await restoreVersion({ streetsDir: config.streetsDir, streetId: config.streetId, version: args.restore, ...(store ? { store } : {}), relocate: !server, serviceAreaM, actor });
        process.stdout.write(`已恢复版本 ${args.restore}（当前地图另存为 ${done.kept}）${done.relocated ? `；重新归属 ${done.relocated.incidents} 条事件、${done.relocated.feedRecords} 条台账记录` : ''}\n`);
      } else {
        const report = await importGrids({
          file, streetsDir: config.streetsDir, streetId: config.streetId,
          ...(args.boundary ? { boundaryFile: path.resolve(args.boundary) } : {}), crs: (args.crs ?? 'wgs84') as Crs,
          ...(args.communities ? { communitiesFile: path.resolve(args.communities) } : {}),
          ...(args.microgrids ? { microgridsFile: path.resolve(args.microgrids) } : {}),
          dryRun: args['dry-run'], ...(store ? { store } : {}), relocate: !server, serviceAreaM, actor,
        });
        process.stdout.write(`${args['dry-run'] ? '试导入（未写入）dry run\n' : ''}${report.lines.join('\n')}\n`);
        if (args['dry-run']) return report.refused > 0 ? 2 : 0;
        code = report.refused > 0 ? 2 : 0;
      }
      if (server) {
        const asked = await askReload(config.dataDir, server);
        process.stdout.write(`  ${asked.line}\n`);
        if (!asked.ok) {
          if (store) {
            const next = await loadStreet(config.streetsDir, config.streetId);
            const relocated = await relocateAll(store, next, createLocator(next, { serviceAreaM }));
            process.stdout.write(`  已按新网格重新归属 ${relocated.incidents} 条事件、${relocated.feedRecords} 条台账记录；服务器需重启才会使用新地图 / restart the server to serve the new map\n`);
          } else {
            process.stdout.write('  新地图文件已写入，但记录尚未重新归属：服务器下次启动时会重新归属；也可再次请求 POST /api/v1/admin/map/reload / the files are written; the records are placed again when the server next starts, or when asked again\n');
            code = 1;
          }
        }
      }
      // Every other server on this PostgreSQL takes the map up too (they LISTEN; one already current does nothing).
      if (config.databaseUrl) {
        await notifyMapChanged(config.databaseUrl, config.streetId).then(
          () => process.stdout.write('  已通知同一数据库上的其他服务器 / notified the servers on this database\n'),
          (error: unknown) => process.stdout.write(`  通知数据库上的服务器失败 / NOTIFY failed: ${(error as Error).message}\n`),
        );
      }
      return code;
    } finally {
      await store?.close();
      lock?.release();
    }
  }
  // The embedded store belongs to whoever holds DATA_DIR: a running server must be stopped first.
  let lock: HeldLock | null = null;
  if (!config.databaseUrl) {
    try {
      lock = await acquireLock(config.dataDir);
    } catch (error) {
      fail(`${(error as Error).message}\n  the embedded store is in use: stop the server, or import through its admin page`);
    }
  }
  try {
    const street = await loadStreet(config.streetsDir, config.streetId);
    const store = await openStore({ streetId: street.meta.id, databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    if (!kind) fail(USAGE);
    const bar = progressBar();
    try {
      const summary = await runImport({
        kind, file, store, street, locator: createLocator(street, { serviceAreaM: config.serviceAreaKm * 1000 }), dryRun: args['dry-run'], mapping,
        actor: args.actor ?? `cli:${os.userInfo().username}`, onProgress: bar.update,
        // The targets the server stamps with: the database's (a leader's edits), else the street's file, else the defaults.
        targetsOf: await storedTargetsOf(store.sql, street.meta.id, await readTargetsFile(path.join(config.streetsDir, config.streetId, 'targets.json'))),
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
