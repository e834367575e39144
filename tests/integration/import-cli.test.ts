// `npm run import` as a person runs it: the template round trip, exit 0/2/1 with the refused
// rows listed, a DATA_DIR held by a server, a process killed in the middle of a file (nothing of
// it stays), and (with PostgreSQL) a server told once that records were imported.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { throwawayDatabase } from '../helpers/pg.ts';
import { openStore } from '../../server/src/store/index.ts';
import { testDatabaseUrl, SERVER_VARIABLES } from '../helpers/env.ts';
import { makeTempDir, REPO_ROOT, startTestServer, stopAllServers } from '../helpers/server.ts';
import { writeCsv } from '../helpers/import-files.ts';

const CLI = path.join(REPO_ROOT, 'server', 'src', 'import', 'cli.ts');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !(SERVER_VARIABLES as readonly string[]).includes(key)) env[key] = value;
  }
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

function startCli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO_ROOT, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const cli = (args: string[], env: Record<string, string>) => startCli(args, env).done;

afterAll(async () => {
  await stopAllServers();
});

describe('npm run import', () => {
  const dir = makeTempDir('grid141-import-cli-');
  const env = { DATA_DIR: path.join(dir, 'var') };

  it('writes a template that imports as it is, answers 2 with the refused rows listed, and 1 when nothing can be read', async () => {
    const template = path.join(dir, 'drills-template.xlsx');
    const made = await cli(['--template', 'fire-drills', '--out', template], env);
    expect(made.code, made.stderr).toBe(0);
    const first = await cli(['--kind', 'fire-drills', template], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('新增 added 1');

    const bad = path.join(dir, 'drills.csv');
    await writeCsv(bad, [
      ['演练日期', '演练级别', '演练类型', '参与人数'],
      ['2024/3/5', '社区', '疏散演练', '30'],
      ['2024/3/5', '省级', '疏散演练', '30'],
      ['2024/3/5', '=HYPERLINK("http://evil","click")', '疏散演练', '30'],
    ], 'gbk');
    const some = await cli(['--kind', 'fire-drills', bad], env);
    expect(some.code, some.stderr).toBe(2);
    expect(some.stdout).toContain('第 3 行 row 3 [演练级别] "省级" 不是可识别的值');
    const refused = readFileSync(path.join(dir, 'drills.rejected.csv'), 'utf8');
    expect(refused).toContain('省级');
    // A formula copied from the file is made inert (as the incident exports do), not left for Excel to run.
    expect(refused).toContain('"\'=HYPERLINK(""http://evil"",""click"")"');
    expect(refused).not.toMatch(/(^|,)"?[=+@]/m);
    const bogus = await cli(['--kind', 'bogus', bad], env);
    expect(bogus.code).toBe(1);
    expect(bogus.stderr).toMatch(/--kind must be one of [^\n]*\bgrids\b[^\n]*, got bogus/);
    // --actor is written to history and the audit log: the API's text rule, before anything is opened.
    const escape = await cli(['--kind', 'fire-drills', bad, '--actor', 'cli:\u001b[31m王五'], env);
    expect(escape.code).toBe(1);
    expect(escape.stderr).toMatch(/--actor contains a control character U\+001B/);
    const again = await cli(['--kind', 'fire-drills', bad, '--dry-run'], env);
    expect(again.stdout).toContain('已存在 already there 1');

    const unreadable = path.join(dir, 'notes.csv');
    writeFileSync(unreadable, '随便写的笔记\n没有表头\n');
    const failed = await cli(['--kind', 'fire-drills', unreadable], env);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('nothing was imported');
  });

  it('refuses to open an embedded store that a running server holds', async () => {
    const held = { DATA_DIR: makeTempDir('grid141-import-held-') };
    // A lock naming this test process as it runs (pid, command line, boot): a live holder to the CLI.
    const cmdline = readFileSync('/proc/self/cmdline', 'utf8').replace(/\0+$/, '').split('\0').join(' ');
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    writeFileSync(path.join(held.DATA_DIR, 'grid141.lock'), JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), url: null, cmdline, bootId }));
    const run = await cli(['--kind', 'fire-drills', path.join(dir, 'drills.csv')], held);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('stop the server');
  });

  it('a process killed in the middle of a file leaves nothing of it', async () => {
    const killed = { DATA_DIR: makeTempDir('grid141-import-killed-') };
    const file = path.join(killed.DATA_DIR, 'big.csv');
    // The first data row is refused, so the refused-rows file appears as soon as the transaction has begun.
    const lines = ['演练编号,演练日期,演练级别,演练类型,参与人数', 'K-0,三月,社区,疏散演练,5'];
    for (let i = 1; i <= 60_000; i += 1) lines.push(`K-${i},2024/3/${(i % 28) + 1} 10:00,社区,疏散演练,${i % 200}`);
    writeFileSync(file, lines.join('\n'));
    const run = startCli(['--kind', 'fire-drills', file], killed);
    const part = path.join(killed.DATA_DIR, 'big.rejected.csv.part');
    const deadline = Date.now() + 60_000;
    while (!existsSync(part) && Date.now() < deadline && run.child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(run.child.exitCode, 'the import finished before it could be killed').toBeNull();
    run.child.kill('SIGKILL');
    await run.done;
    const store = await openStore({ streetId: 'shiyoulu', databaseUrl: null, dataDir: killed.DATA_DIR });
    try {
      expect(await store.countFeed('fire-drills')).toBe(0);
    } finally {
      await store.close();
    }
  });

  it.skipIf(!testDatabaseUrl())('on PostgreSQL, tells the running server once, and its figures follow', async () => {
    // A database of its own: integration files run two at a time, and live.test.ts starts servers on PostgreSQL too.
    const db = await throwawayDatabase('import_cli');
    onTestFinished(() => db.drop());
    const url = db.url;
    const server = await startTestServer({ env: { DATABASE_URL: url } });
    const before = (await (await server.get('/api/v1/summary')).json()) as { safety: { drills: { yearToDate: number } } };
    const file = path.join(dir, 'recent.csv');
    const at = new Date(Date.now() - 3_600_000);
    const stamp = `${at.getFullYear()}-${at.getMonth() + 1}-${at.getDate()}`;
    await writeCsv(file, [
      ['演练编号', '演练日期', '演练级别', '演练类型', '参与人数'],
      [`PG-${Date.now()}-1`, stamp, '社区', '疏散演练', '30'],
      [`PG-${Date.now()}-2`, stamp, '社区', '疏散演练', '40'],
    ], 'utf-8');
    const run = await cli(['--kind', 'fire-drills', file], { DATA_DIR: server.dataDir, DATABASE_URL: url, INGEST_API_KEY: server.credentials.ingestKey });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('is recounting its figures');
    const deadline = Date.now() + 30_000;
    let after = before.safety.drills.yearToDate;
    while (after !== before.safety.drills.yearToDate + 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      after = ((await (await server.get('/api/v1/summary')).json()) as typeof before).safety.drills.yearToDate;
    }
    expect(after).toBe(before.safety.drills.yearToDate + 2);
    // The import's audit entry committed with its records.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT actor, actor_kind, detail FROM audit_log WHERE kind = 'records.imported' AND target = 'recent.csv' ORDER BY seq DESC LIMIT 1`);
      expect(rows[0]).toMatchObject({ actor_kind: 'system', detail: { kind: 'fire-drills', created: 2, rejected: 0 } });
      expect(String(rows[0]?.actor)).toMatch(/^cli:/);
    } finally {
      await client.end();
    }
    const bad = await fetch(`${server.url}/api/v1/admin/imported`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': server.credentials.ingestKey }, body: JSON.stringify({ kind: 'nope' }),
    });
    expect(bad.status).toBe(400);
    await server.stop();
  });
});
