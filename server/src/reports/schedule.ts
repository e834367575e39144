// The weekly report on a schedule: at REPORTS_SCHEDULE (cron, TZ_STREET; Monday 08:00 by
// default) the server renders last week's deck into DATA_DIR/reports/<week>/. A server that was
// down at that time renders the missed week once it is up again (catchUp). A failed render is
// logged and tried again (3 times, 10 minutes apart); nothing here can stop the server.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { IsoWeek } from '@grid141/shared';
import { reportsDir, weekDir } from './folder.ts';

export const RETRIES = 3;
export const RETRY_DELAY_MS = 10 * 60_000;

export interface ScheduleOptions {
  pattern: string;
  timeZone: string;
  dataDir: string;
  logger: Logger;
  /** Which week a run at `now` renders (last week). */
  weekAt: (now: number) => IsoWeek;
  /** Renders the week into the folder given. */
  render: (week: IsoWeek, outDir: string) => Promise<{ slides: number; ms: number }>;
  retryDelayMs?: number;
  /** The clock, ms since the epoch (Date.now by default; tests give a fake one). Croner's own ticks follow the real clock. */
  now?: () => number;
}

/** DATA_DIR/reports/schedule.json: since when this DATA_DIR has had a schedule (a week due before that was never missed). */
export const SINCE_FILE = 'schedule.json';

function readSince(dataDir: string): number | null {
  try {
    const since = Date.parse((JSON.parse(readFileSync(path.join(reportsDir(dataDir), SINCE_FILE), 'utf8')) as { since?: unknown }).since as string);
    return Number.isFinite(since) ? since : null;
  } catch {
    return null;
  }
}

async function writeSince(dataDir: string, since: number): Promise<void> {
  await mkdir(reportsDir(dataDir), { recursive: true });
  const file = path.join(reportsDir(dataDir), SINCE_FILE);
  await writeFile(`${file}.tmp`, `${JSON.stringify({ since: new Date(since).toISOString() })}\n`);
  await rename(`${file}.tmp`, file);
}

/** What catchUp found: the scheduled time it looked at (ISO) and the week that time renders. */
export type CatchUp =
  | { outcome: 'rendered' | 'already rendered' | 'failed'; at: string; week: string }
  | { outcome: 'not missed'; at: string | null; week: string | null };

/** Renders one week into a temporary folder and moves it in place, so a listing never shows half a deck. */
export async function renderWeekInto(options: Pick<ScheduleOptions, 'dataDir' | 'render'>, week: IsoWeek): Promise<{ slides: number; ms: number }> {
  const target = weekDir(options.dataDir, week.key);
  const temp = `${target}.tmp-${process.pid}`;
  await rm(temp, { recursive: true, force: true });
  try {
    const result = await options.render(week, temp);
    await rm(target, { recursive: true, force: true });
    await rename(temp, target);
    return result;
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => {});
    throw error;
  }
}

export interface Schedule {
  /** Runs the job now for the week due now (the same as a tick of the schedule); resolves when done or given up. */
  runNow(): Promise<void>;
  /**
   * The catch-up after a start: when the schedule's last time before now fell after this
   * DATA_DIR's schedule began (reports/schedule.json; written at the first start) and its week
   * has no deck yet, renders that week now. Once only: a rendered week is never rendered again,
   * and a render of the same week already running is joined, not repeated.
   */
  catchUp(): Promise<CatchUp>;
  stop(): void;
}

export function scheduleWeeklyReport(options: ScheduleOptions): Schedule {
  const delay = options.retryDelayMs ?? RETRY_DELAY_MS;
  const now = options.now ?? Date.now;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;
  /** Renders under way, by week: a tick and a catch-up of the same week share one. */
  const running = new Map<string, Promise<boolean>>();
  // Since when this DATA_DIR has a schedule: read now, written (once) if it has none yet.
  const sinceRead = readSince(options.dataDir);
  const since = sinceRead ?? now();
  const sinceWritten = sinceRead === null
    ? writeSince(options.dataDir, since).catch((error: unknown) => options.logger.warn({ err: error }, 'weekly report: cannot write reports/schedule.json'))
    : Promise.resolve();

  /** True when the deck was written. */
  async function attempt(week: IsoWeek, left: number): Promise<boolean> {
    if (stopped) return false;
    try {
      const done = await renderWeekInto(options, week);
      options.logger.info({ week: week.key, slides: done.slides, ms: done.ms }, 'weekly report rendered');
      return true;
    } catch (error) {
      const again = left > 1 && !stopped;
      options.logger.error({ err: error, week: week.key, retry: again ? `in ${Math.round(delay / 1000)} s` : 'no' }, 'weekly report render failed');
      if (!again) return false;
      await new Promise<void>((resolve) => {
        retry = setTimeout(resolve, delay);
        retry.unref();
      });
      return attempt(week, left - 1);
    }
  }

  /** Renders the week unless it has a deck; resolves to what happened. */
  function renderOnce(week: IsoWeek): Promise<'rendered' | 'already rendered' | 'failed'> {
    const under = running.get(week.key);
    if (under) return under.then((ok) => (ok ? 'rendered' : 'failed'));
    if (existsSync(weekDir(options.dataDir, week.key))) {
      options.logger.info({ week: week.key }, 'weekly report already rendered');
      return Promise.resolve('already rendered');
    }
    const job = attempt(week, RETRIES).finally(() => running.delete(week.key));
    running.set(week.key, job);
    return job.then((ok) => (ok ? 'rendered' : 'failed'));
  }

  const job = new Cron(options.pattern, { timezone: options.timeZone, protect: true }, () => {
    renderOnce(options.weekAt(now())).catch((error: unknown) => options.logger.error({ err: error }, 'weekly report job failed'));
  });
  options.logger.info({ next: job.nextRun()?.toISOString() ?? null, pattern: options.pattern }, 'weekly report scheduled');

  return {
    runNow: async () => {
      await renderOnce(options.weekAt(now()));
    },
    async catchUp() {
      await sinceWritten;
      const t = now();
      const last = job.previousRuns(1, new Date(t))[0] ?? null;
      if (!last || last.getTime() <= since || stopped) return { outcome: 'not missed', at: last?.toISOString() ?? null, week: null };
      const week = options.weekAt(last.getTime());
      options.logger.info({ at: last.toISOString(), week: week.key }, 'weekly report: catching up the last scheduled run');
      return { outcome: await renderOnce(week), at: last.toISOString(), week: week.key };
    },
    stop() {
      stopped = true;
      job.stop();
      if (retry) clearTimeout(retry);
    },
  };
}
