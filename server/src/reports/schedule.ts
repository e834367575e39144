// The weekly report on a schedule: at REPORTS_SCHEDULE (cron, TZ_STREET; Monday 08:00 by
// default) the server renders last week's deck into DATA_DIR/reports/<week>/. A failed render
// is logged and tried again (3 times, 10 minutes apart); nothing here can stop the server.
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { IsoWeek } from '@grid141/shared';
import { weekDir } from './folder.ts';

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
}

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
  /** Runs the job now (the same as a tick of the schedule); resolves when done or given up. */
  runNow(): Promise<void>;
  stop(): void;
}

export function scheduleWeeklyReport(options: ScheduleOptions): Schedule {
  const delay = options.retryDelayMs ?? RETRY_DELAY_MS;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;

  async function attempt(week: IsoWeek, left: number): Promise<void> {
    if (stopped) return;
    try {
      const done = await renderWeekInto(options, week);
      options.logger.info({ week: week.key, slides: done.slides, ms: done.ms }, 'weekly report rendered');
    } catch (error) {
      const again = left > 1 && !stopped;
      options.logger.error({ err: error, week: week.key, retry: again ? `in ${Math.round(delay / 1000)} s` : 'no' }, 'weekly report render failed');
      if (!again) return;
      await new Promise<void>((resolve) => {
        retry = setTimeout(resolve, delay);
        retry.unref();
      });
      await attempt(week, left - 1);
    }
  }

  async function run(): Promise<void> {
    const week = options.weekAt(Date.now());
    if (existsSync(path.join(weekDir(options.dataDir, week.key)))) {
      options.logger.info({ week: week.key }, 'weekly report already rendered');
      return;
    }
    await attempt(week, RETRIES);
  }

  const job = new Cron(options.pattern, { timezone: options.timeZone, protect: true }, () => {
    run().catch((error: unknown) => options.logger.error({ err: error }, 'weekly report job failed'));
  });
  options.logger.info({ next: job.nextRun()?.toISOString() ?? null, pattern: options.pattern }, 'weekly report scheduled');
  return {
    runNow: run,
    stop() {
      stopped = true;
      job.stop();
      if (retry) clearTimeout(retry);
    },
  };
}
