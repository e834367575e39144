import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parseIsoWeek, type IsoWeek } from '@grid141/shared';
import { listRendered } from './folder.ts';
import { scheduleWeeklyReport } from './schedule.ts';

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
