// Who is on duty at an instant: pure functions over a validated roster, in the street's time zone.
// A shift belongs to the date it begins on: at 03:00 on the 2nd the night shift of the 1st runs.
import { instantOfWall, isoWithOffset, wallClock, type DutyPayload, type DutyShift } from '@grid141/shared';
import type { DutyRoster, ShiftTimes } from './roster.ts';

export interface ShiftWindow {
  shift: DutyShift;
  /** 'YYYY-MM-DD' the shift began on. */
  date: string;
  /** ISO weekday of that date, Monday 1 … Sunday 7. */
  weekday: number;
  start: number;
  end: number;
}

export interface OnShift {
  window: ShiftWindow;
  leader: string;
  officers: string[];
}

function hm(time: string): [number, number] {
  const [hour, minute] = time.split(':').map(Number);
  return [hour ?? 0, minute ?? 0];
}

/** The shift running at `at`; the day and night shifts tile the clock, so there always is one. */
export function shiftAt(times: ShiftTimes, at: number, tz: string): ShiftWindow {
  const wall = wallClock(at, tz);
  const y = wall.getUTCFullYear();
  const m = wall.getUTCMonth();
  const d = wall.getUTCDate();
  const dayStart = instantOfWall(y, m, d, tz, ...hm(times.day.start));
  const dayEnd = instantOfWall(y, m, d, tz, ...hm(times.day.end));
  if (at < dayStart) return shiftWindow('night', y, m, d - 1, instantOfWall(y, m, d - 1, tz, ...hm(times.night.start)), dayStart);
  if (at < dayEnd) return shiftWindow('day', y, m, d, dayStart, dayEnd);
  return shiftWindow('night', y, m, d, dayEnd, instantOfWall(y, m, d + 1, tz, ...hm(times.day.start)));
}

function shiftWindow(shift: DutyShift, y: number, m: number, d: number, start: number, end: number): ShiftWindow {
  const date = new Date(Date.UTC(y, m, d));
  return { shift, date: date.toISOString().slice(0, 10), weekday: date.getUTCDay() || 7, start, end };
}

/** Who the roster puts on the shift running at `at`: a dated entry first, else the weekly pattern; null when neither. */
export function onShiftAt(roster: DutyRoster, at: number, tz: string): OnShift | null {
  const w = shiftAt(roster.shifts, at, tz);
  const entry =
    roster.dates.find((e) => e.date === w.date && e.shift === w.shift) ??
    roster.weekly.find((e) => e.weekday === w.weekday && e.shift === w.shift);
  return entry ? { window: w, leader: entry.leader, officers: entry.officers } : null;
}

export interface DutyOverrides {
  officer: string | null;
  leader: string | null;
}

export interface DutyNow {
  payload: DutyPayload;
  /** When the payload next changes (ms); null when it never does (no roster). */
  untilMs: number | null;
}

/** What the wall shows at `at`: the roster's names, each replaced by DUTY_OFFICER / DUTY_LEADER when set. */
export function dutyAt(roster: DutyRoster | null, overrides: DutyOverrides, at: number, tz: string): DutyNow {
  const w = roster ? shiftAt(roster.shifts, at, tz) : null;
  const rostered = roster ? onShiftAt(roster, at, tz) : null;
  const officers = overrides.officer !== null ? [overrides.officer] : (rostered?.officers ?? []);
  const leader = overrides.leader ?? rostered?.leader ?? null;
  const namesFromRoster = rostered !== null && (overrides.officer === null || overrides.leader === null);
  return {
    payload: {
      officer: officers.length > 0 ? officers.join('、') : null,
      officers,
      leader,
      shift: w?.shift ?? null,
      until: w ? isoWithOffset(w.end, tz) : null,
      synthetic: namesFromRoster && roster?.synthetic === true,
    },
    untilMs: w?.end ?? null,
  };
}
