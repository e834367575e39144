// Who is on duty: reads the roster at start (a bad one stops the start), answers the street
// metadata, and pushes `duty` on /live to each wall as it connects and to all at every shift change.
// It tells the walls through the live channel (ctx.live), like every other feature.
import type { DutyPayload } from '@grid141/shared';
import type { Plugin } from '../app.ts';
import { findRoster, readRoster, type DutyRoster } from './roster.ts';
import { dutyAt, onShiftAt, shiftAt, type DutyNow } from './shift.ts';

export interface ShiftSpan {
  /** ms since the epoch */
  start: number;
  end: number;
  leader: string | null;
}

export interface DutyService {
  /** Who is on duty now; the same object until the shift changes. */
  current(): DutyPayload;
  /** The roster's shift running at `at` (ms), with its leader; null without a roster. */
  shiftAt(at: number): ShiftSpan | null;
}

declare module '../app.ts' {
  interface Services {
    duty: DutyService;
  }
}

export const dutyPlugin: Plugin = async (ctx) => {
  const { config, logger } = ctx;
  const file = findRoster(config);
  const roster: DutyRoster | null = file ? await readRoster(file) : null;
  const compute = (at: number): DutyNow => dutyAt(roster, config.duty, at, config.timeZone);

  let now = compute(Date.now());
  // Read on demand too, so a late timer never serves the shift that just ended.
  const current = (): DutyPayload => {
    if (now.untilMs !== null && Date.now() >= now.untilMs) now = compute(Date.now());
    return now.payload;
  };

  ctx.live.onConnect((wall) => wall.emit('duty', current()));

  let timer: NodeJS.Timeout | null = null;
  const schedule = () => {
    if (now.untilMs === null) return;
    const boundary = now.untilMs;
    timer = setTimeout(() => {
      // At the boundary itself, even if the timer fires a millisecond early.
      if (now.untilMs === boundary) now = compute(Math.max(Date.now(), boundary));
      // Each instance tells its own walls (with Redis every instance runs this timer).
      ctx.live.publishLocal('duty', now.payload);
      schedule();
    }, Math.max(0, boundary - Date.now()));
    timer.unref();
  };
  schedule();
  ctx.onClose(() => {
    if (timer) clearTimeout(timer);
  });

  const span = (at: number): ShiftSpan | null => {
    if (!roster) return null;
    const w = shiftAt(roster.shifts, at, config.timeZone);
    return { start: w.start, end: w.end, leader: config.duty.leader ?? onShiftAt(roster, at, config.timeZone)?.leader ?? null };
  };
  ctx.provide('duty', { current, shiftAt: span });
  logger.info({ roster: file, shift: now.payload.shift, until: now.payload.until }, file ? 'duty roster loaded' : 'no duty roster');
};
