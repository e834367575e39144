// `npm run simulate -- [--speed N] [--url URL] [--key=KEY] [--purge] [--backfill] [--backfill-days N]
//  [--start HH:MM|ISO] [--seed S] [--duration SECONDS]`: the demo feed as its own process.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../config.ts';
import { createLogger } from '../logger.ts';
import { readLock } from '../datadir/lock.ts';
import { CREDENTIALS_FILE } from '../auth/credentials.ts';
import { dateOf, dayStart } from './clock.ts';
import { Poster } from './poster.ts';
import { Simulator } from './runner.ts';
import { loadSimStreet } from './street.ts';

const USAGE = `usage: npm run simulate -- [options]
  --speed N           simulated seconds per real second (default 1: follows the real clock)
  --url URL           the server (default: the one holding DATA_DIR's lock, else http://127.0.0.1:8080)
  --key=KEY           ingest key (default: INGEST_API_KEY, else DATA_DIR/credentials.json);
                      every option also takes --name=VALUE, which a value beginning with "-" needs
  --user=NAME         who moves incidents and purges (default admin)
  --password=PASS     their password (default: ADMIN_PASSWORD, else DATA_DIR/credentials.json)
  --purge             remove every simulated record from the server, then exit
  --backfill          post today's events so far, everything of this week and the two before it
                      (the weekly report's week and the one it is compared with) and a year of
                      slow feeds, before going live
  --backfill-days N   also post the incidents of the N previous days (implies --backfill)
  --start T           simulated start: HH:MM today, or an ISO time (default now)
  --seed S            the model's seed (default "demo")
  --duration S        stop after S real seconds`;

function fail(message: string): never {
  process.stderr.write(`simulate: ${message}\n`);
  process.exit(1);
}

function parseStart(value: string | undefined, timeZone: string): number | undefined {
  if (!value) return undefined;
  const hm = /^(\d{1,2}):(\d{2})$/.exec(value);
  if (hm) return dayStart(dateOf(Date.now(), timeZone), timeZone) + (Number(hm[1]) * 60 + Number(hm[2])) * 60_000;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) fail(`--start must be HH:MM or an ISO time, got ${value}`);
  return ms;
}

function findUrl(dataDir: string): string {
  const lock = readLock(dataDir);
  if (lock?.alive && lock.url) return lock.url;
  return `http://127.0.0.1:${process.env.PORT || 8080}`;
}

function findKey(dataDir: string): string {
  if (process.env.INGEST_API_KEY) return process.env.INGEST_API_KEY;
  try {
    const stored = JSON.parse(fs.readFileSync(path.join(dataDir, CREDENTIALS_FILE), 'utf8')) as { ingestKey?: unknown };
    if (typeof stored.ingestKey === 'string') return stored.ingestKey;
  } catch {
    // Fall through to the message below.
  }
  fail(`no ingest key: pass --key, set INGEST_API_KEY, or run where ${path.join(dataDir, CREDENTIALS_FILE)} is readable`);
}

/** The admin password the server generated, when this runs beside it; null when unknown. */
function findPassword(dataDir: string): string | null {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  try {
    const stored = JSON.parse(fs.readFileSync(path.join(dataDir, CREDENTIALS_FILE), 'utf8')) as { adminPassword?: unknown };
    return typeof stored.adminPassword === 'string' ? stored.adminPassword : null;
  } catch {
    return null;
  }
}

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) fail(`${name} must be a non-negative number, got ${value}`);
  return n;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        speed: { type: 'string' },
        url: { type: 'string' },
        key: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        purge: { type: 'boolean', default: false },
        backfill: { type: 'boolean', default: false },
        'backfill-days': { type: 'string' },
        start: { type: 'string' },
        seed: { type: 'string' },
        duration: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const dataDir = path.resolve(process.env.DATA_DIR || './var');
  const url = args.url ?? findUrl(dataDir);
  const key = args.key ?? findKey(dataDir);
  const password = args.password ?? findPassword(dataDir);
  // Moves and the purge need a signed-in person (an ingest key gets 403). Without a password this is
  // known before anything is posted: --purge stops, the feed posts records only and says so once.
  const username = args.user ?? 'admin';
  const account = password !== null ? { account: { username, password } } : {};
  const noPassword = `no password for ${username}: pass --password=PASS (and --user=NAME), set ADMIN_PASSWORD, or run where ${path.join(dataDir, CREDENTIALS_FILE)} is readable (DATA_DIR)`;
  if (password === null && args.purge) fail(`--purge needs a signed-in user; ${noPassword}`);
  if (password === null) process.stderr.write(`simulate: posting records only, incidents will not move (accepted, closed, …); ${noPassword}\n`);
  const logger = createLogger((process.env.LOG_LEVEL as 'info' | undefined) ?? 'info');
  const controller = new AbortController();
  const stopOn = (signal: NodeJS.Signals) => process.once(signal, () => controller.abort(new Error(signal)));
  stopOn('SIGINT');
  stopOn('SIGTERM');

  if (args.purge) {
    const poster = new Poster({ url, key, logger, signal: controller.signal, ...account });
    const result = await poster.purge();
    process.stdout.write(`purged simulated records: ${JSON.stringify(result)}\n`);
    return;
  }

  const streetsDir = process.env.STREETS_DIR ? path.resolve(process.env.STREETS_DIR) : path.join(REPO_ROOT, 'data', 'streets');
  const street = loadSimStreet(streetsDir, process.env.STREET || 'shiyoulu');
  if (process.env.TZ_STREET) street.timeZone = process.env.TZ_STREET;
  const speed = number(args.speed, '--speed', 1);
  if (speed <= 0) fail('--speed must be positive');
  const backfillDays = number(args['backfill-days'], '--backfill-days', 0);
  const backfill = args.backfill || args['backfill-days'] !== undefined;
  const simulator = new Simulator({
    url,
    key,
    ...account,
    moves: password !== null,
    logger,
    street,
    seed: args.seed ?? 'demo',
    speed,
    startAt: parseStart(args.start, street.timeZone),
    backfillToday: backfill,
    backfillDays: Math.floor(backfillDays),
    backfillHistory: backfill,
  });
  controller.signal.addEventListener('abort', () => void simulator.stop());
  const duration = number(args.duration, '--duration', 0);
  if (duration > 0) setTimeout(() => controller.abort(new Error('duration reached')), duration * 1000).unref();
  await simulator.start();
  if (simulator.failure) fail(simulator.failure.message);
  process.stdout.write(`simulate: stopped; posted ${JSON.stringify(simulator.counts)}; ${JSON.stringify(simulator.poster.stats)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => fail(error instanceof Error ? error.message : String(error)),
);
