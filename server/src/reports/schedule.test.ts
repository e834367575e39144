import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseIsoWeek, type IsoWeek } from '@grid141/shared';
import { listRendered } from './folder.ts';
import { SINCE_FILE, scheduleWeeklyReport } from './schedule.ts';
import { lastWeek } from './weekly.ts';

const week = parseIsoWeek('2026-W47') as IsoWeek;
const logger = pino({ level: 'silent' });

function deck(outDir: string): void {
  writeFileSync(path.join(outDir, 'slide-01-cover.png'), 'png');
  writeFileSync(path.join(outDir, 'grid141-2026-W47.pdf'), 'pdf');
}

describe('the weekly report schedule', () => {
  it('renders last week into DATA_DIR/reports/<week>/ and the listing links it; a week already rendered is left alone', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'grid141-schedule-'));
    let renders = 0;
    const schedule = scheduleWeeklyReport({
      pattern: '0 8 * * 1', timeZone: 'Asia/Shanghai', dataDir, logger, weekAt: () => week,
      render: async (_week, outDir) => {
        renders += 1;
        const { mkdir } = await import('node:fs/promises');
        await mkdir(outDir, { recursive: true });
        deck(outDir);
        return { slides: 1, ms: 1 };
      },
    });
    try {
      await schedule.runNow();
      expect(readFileSync(path.join(dataDir, 'reports', '2026-W47', 'grid141-2026-W47.pdf'), 'utf8')).toBe('pdf');
      expect((await listRendered(dataDir)).map((r) => [r.week, r.pdf, r.png])).toEqual([['2026-W47', ['grid141-2026-W47.pdf'], ['slide-01-cover.png']]]);
      await schedule.runNow();
      expect(renders).toBe(1);
    } finally {
      schedule.stop();
    }
  });

  it('a failing render is logged and tried again, leaves no half deck, and never throws', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'grid141-schedule-'));
    const errors: string[] = [];
    const logged = pino({ level: 'error' }, { write: (line: string) => void errors.push(line) });
    let attempts = 0;
    const schedule = scheduleWeeklyReport({
      pattern: '0 8 * * 1', timeZone: 'Asia/Shanghai', dataDir, logger: logged, weekAt: () => week, retryDelayMs: 10,
      render: async (_week, outDir) => {
        attempts += 1;
        const { mkdir } = await import('node:fs/promises');
        await mkdir(outDir, { recursive: true });
        writeFileSync(path.join(outDir, 'slide-01-cover.png'), 'half');
        throw new Error('no Chromium');
      },
    });
    try {
      await expect(schedule.runNow()).resolves.toBeUndefined();
      expect(attempts).toBe(3);
      expect(errors).toHaveLength(3);
      expect(errors[0]).toContain('weekly report render failed');
      expect(existsSync(path.join(dataDir, 'reports', '2026-W47'))).toBe(false);
      expect(await listRendered(dataDir)).toEqual([]);
    } finally {
      schedule.stop();
    }
  });
});

describe('catching up a run missed while the server was down (fake clock)', () => {
  const tz = 'Asia/Shanghai';
  /** Monday 30 November 2026, 09:30 in Beijing: an hour and a half after the run was due. */
  const monday = Date.parse('2026-11-30T09:30:00+08:00');
  const DAY = 86_400_000;

  function counted(dataDir: string, now: () => number) {
    const weeks: string[] = [];
    const schedule = scheduleWeeklyReport({
      pattern: '0 8 * * 1', timeZone: tz, dataDir, logger, now, weekAt: (t) => lastWeek(t, tz),
      render: async (w, outDir) => {
        weeks.push(w.key);
        await new Promise((resolve) => setTimeout(resolve, 20));
        mkdirSync(outDir, { recursive: true });
        deck(outDir);
        return { slides: 1, ms: 20 };
      },
    });
    return { schedule, weeks };
  }

  function dataDirSince(iso: string): string {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'grid141-schedule-'));
    mkdirSync(path.join(dataDir, 'reports'));
    writeFileSync(path.join(dataDir, 'reports', SINCE_FILE), JSON.stringify({ since: iso }));
    return dataDir;
  }

  it('renders the week of the missed Monday 08:00 once, even when a tick of the same week runs beside it, and not again after a restart', async () => {
    const dataDir = dataDirSince('2026-11-20T10:00:00+08:00');
    const first = counted(dataDir, () => monday);
    try {
      const [caught] = await Promise.all([first.schedule.catchUp(), first.schedule.runNow()]);
      expect(caught).toEqual({ outcome: 'rendered', at: '2026-11-30T00:00:00.000Z', week: '2026-W48' });
      expect(first.weeks).toEqual(['2026-W48']);
      expect((await listRendered(dataDir)).map((r) => r.week)).toEqual(['2026-W48']);
    } finally {
      first.schedule.stop();
    }
    const again = counted(dataDir, () => monday + 2 * 3_600_000);
    try {
      await expect(again.schedule.catchUp()).resolves.toEqual({ outcome: 'already rendered', at: '2026-11-30T00:00:00.000Z', week: '2026-W48' });
      expect(again.weeks).toEqual([]);
    } finally {
      again.schedule.stop();
    }
  });

  it('a DATA_DIR first scheduled after the run missed nothing; down over the next Monday, it draws that week', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'grid141-schedule-'));
    const fresh = counted(dataDir, () => monday);
    try {
      await expect(fresh.schedule.catchUp()).resolves.toEqual({ outcome: 'not missed', at: '2026-11-30T00:00:00.000Z', week: null });
      expect(fresh.weeks).toEqual([]);
      expect(JSON.parse(readFileSync(path.join(dataDir, 'reports', SINCE_FILE), 'utf8'))).toEqual({ since: new Date(monday).toISOString() });
    } finally {
      fresh.schedule.stop();
    }
    // Stopped that Monday, started again on Tuesday of the week after: Monday 7 December was missed.
    const later = counted(dataDir, () => monday + 8 * DAY);
    try {
      await expect(later.schedule.catchUp()).resolves.toEqual({ outcome: 'rendered', at: '2026-12-07T00:00:00.000Z', week: '2026-W49' });
      expect(later.weeks).toEqual(['2026-W49']);
    } finally {
      later.schedule.stop();
    }
  });

  it('before 08:00 on a Monday the last run is the Monday before: its week is the one caught up', async () => {
    const dataDir = dataDirSince('2026-11-01T00:00:00+08:00');
    const early = counted(dataDir, () => Date.parse('2026-11-30T07:59:00+08:00'));
    try {
      await expect(early.schedule.catchUp()).resolves.toMatchObject({ outcome: 'rendered', at: '2026-11-23T00:00:00.000Z', week: '2026-W47' });
    } finally {
      early.schedule.stop();
    }
  });
});
