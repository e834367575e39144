// `npm run report -- --week 2026-W47 [--out DIR] [--lang en] [--scale 2] [--url URL]`: the weekly
// report as one PNG per slide and one PDF. Without --url it starts this server in-process on a
// free port over DATA_DIR or DATABASE_URL (no demo feed, no schedule), draws, and stops it; with
// --url it draws from a running server (viewer token from --token or VIEWER_TOKEN).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseIsoWeek } from '@grid141/shared';
import { buildClient, buildIsStale, root } from './client-build.mjs';
import { ChromiumMissingError, chromiumAvailable, chromiumPath, launchChromium } from '../server/src/render/chromium.ts';
import { renderDeck, type ReportLang } from '../server/src/reports/render.ts';
import { lastWeek } from '../server/src/reports/weekly.ts';

const USAGE = `用法 usage: npm run report -- [--week 2026-W47] [--out DIR] [--lang en] [--scale 2] [--url URL --token TOKEN]
  --week WEEK    ISO 周 ISO week, e.g. 2026-W47 (默认上周 default: last week)
  --out DIR      输出目录 output folder (默认 default: reports/WEEK)
  --lang LANG    zh-CN（默认 default）或 or en
  --scale N      1（1920×1080，默认 default）或 or 2（3840×2160）
  --url URL      从运行中的服务器绘制 draw from a running server (否则在进程内启动 else one is started in-process over DATA_DIR / DATABASE_URL)
  --token TOKEN  --url 的查看令牌 viewer token for --url (或 or VIEWER_TOKEN)
  -h, --help     显示本说明 show this help
  每个选项也可写成 --名称=值，值以 "-" 开头时必须这样写 / every option also takes --name=VALUE, which a value beginning with "-" needs
示例 examples:
  npm run report                                  上周，中文 last week, Chinese
  npm run report -- --week 2026-W47 --lang en --scale 2
  npm run report -- --url http://127.0.0.1:8080 --token="$VIEWER_TOKEN"
退出码 exit status: 0 已绘制 drawn, 1 失败或用法错误 failed or a usage error
文档 docs: docs/reports.md`;

function fail(line: string): never {
  process.stderr.write(`grid141 report: ${line}\n`);
  process.exit(1);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      week: { type: 'string' },
      out: { type: 'string' },
      lang: { type: 'string', default: 'zh-CN' },
      scale: { type: 'string', default: '1' },
      url: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
} catch (error) {
  // ERR_PARSE_ARGS_UNKNOWN_OPTION, a missing value, a stray argument: one line naming it, and the hint.
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '([^']+)'/.exec(message)?.[1];
  // `--token -abc`: node:util's parseArgs reads a value beginning with "-" as an option and wants --token=-abc.
  const ambiguous = /^Option '(--[^']+)' argument is ambiguous/.exec(message)?.[1];
  const line = unknown
    ? `未知选项 unknown option ${unknown}`
    : ambiguous
      ? `${ambiguous} 的值以 "-" 开头时请写成 ${ambiguous}=值 / a value beginning with "-" goes as ${ambiguous}=VALUE`
      : (message.split(/\n|\. /)[0] ?? message);
  fail(`${line} (npm run report -- --help 查看用法 for usage)`);
}
const values = parsed.values;
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

if (values.lang !== 'en' && values.lang !== 'zh-CN') fail(`--lang must be zh-CN or en, got ${values.lang}`);
const lang: ReportLang = values.lang;
const scale = Number(values.scale);
if (scale !== 1 && scale !== 2) fail('--scale must be 1 or 2');
if (!chromiumAvailable()) fail(new ChromiumMissingError(chromiumPath()).message);

interface Target {
  baseUrl: string;
  viewerToken: string;
  timeZone: string;
  stop: () => Promise<void>;
}

async function inProcessServer(): Promise<Target> {
  const stale = buildIsStale();
  if (stale) {
    process.stdout.write(`building the wall (client/dist is ${stale})…\n`);
    if (buildClient() !== 0) fail('the client build failed (see above)');
  }
  const { loadConfig, ConfigError } = await import('../server/src/config.ts');
  let config;
  try {
    config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', SIMULATE: '0', REPORTS: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
  const { createLogger } = await import('../server/src/logger.ts');
  const { startServer } = await import('../server/src/app.ts');
  const { plugins } = await import('../server/src/plugins.ts');
  try {
    const server = await startServer(config, createLogger(config.logLevel), { plugins, clientDir: path.join(root, 'client', 'dist') });
    return { baseUrl: server.url, viewerToken: server.ctx.credentials.viewerToken, timeZone: config.timeZone, stop: () => server.close() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    fail(`${message} (a server already running on this DATA_DIR? draw from it with --url)`);
  }
}

async function remoteServer(url: string): Promise<Target> {
  const viewerToken = values.token ?? process.env.VIEWER_TOKEN;
  if (!viewerToken) fail('--url needs the viewer token: --token TOKEN or VIEWER_TOKEN');
  const response = await fetch(new URL('/api/v1/street', url), { headers: { Authorization: `Bearer ${viewerToken}` } }).catch((error: unknown) => fail(`cannot reach ${url}: ${String(error)}`));
  if (!response.ok) fail(`${url} answered ${response.status} to the viewer token`);
  const street = (await response.json()) as { timeZone?: string };
  return { baseUrl: url.replace(/\/$/, ''), viewerToken, timeZone: street.timeZone ?? 'Asia/Shanghai', stop: async () => {} };
}

const target = values.url ? await remoteServer(values.url) : await inProcessServer();
try {
  const week = values.week ? parseIsoWeek(values.week) : lastWeek(Date.now(), target.timeZone);
  if (!week) fail(`--week ${values.week}: expected an ISO week such as 2026-W47`);
  const outDir = path.resolve(values.out ?? path.join(root, 'reports', week.key));
  const browser = await launchChromium();
  try {
    const started = Date.now();
    const deck = await renderDeck(browser, { baseUrl: target.baseUrl, viewerToken: target.viewerToken, week: week.key, lang, scale, outDir });
    process.stdout.write(`${week.key}: ${deck.slides} slides → ${outDir} (${deck.pngs.length} PNG, ${path.basename(deck.pdf)}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    await browser.close();
  }
} catch (error) {
  await target.stop().catch(() => {});
  fail(error instanceof Error ? error.message : String(error));
}
await target.stop();
