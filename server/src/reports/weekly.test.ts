import { describe, expect, it } from 'vitest';
import { buildWeeklyReport, emptyWeekRecords, parseIsoWeek, type FeedRecord, type Incident, type IsoWeek, type WeeklyReport } from '@grid141/shared';
import { RecordBus } from '../engine/bus.ts';
import { WeeklyReports } from './weekly.ts';

const TZ = 'Asia/Shanghai';
const W47 = parseIsoWeek('2026-W47') as IsoWeek;
const W48 = parseIsoWeek('2026-W48') as IsoWeek;
/** Tuesday 1 December 2026, 10:00 in Beijing: W47 and W48 have ended, W49 has not. */
const NOW = Date.parse('2026-12-01T10:00:00+08:00');

function kept() {
  const bus = new RecordBus();
  const reads: string[] = [];
  let fail = false;
  const weeks = new WeeklyReports(async (week, now): Promise<WeeklyReport> => {
    reads.push(week.key);
    if (fail) throw new Error('store down');
    return buildWeeklyReport({ streetId: 's', timeZone: TZ, week, current: emptyWeekRecords(), previous: emptyWeekRecords(), grids: [], now });
  }, TZ, bus);
  return { bus, reads, weeks, failNext: (on: boolean) => (fail = on) };
}

const incident = (reportedAt: string) => ({ reportedAt }) as Incident;
const meal = (servedAt: string) => ({ servedAt }) as unknown as FeedRecord;

describe('ended weeks kept in memory', () => {
  it('reads an ended week once; each answer carries its own generatedAt; a week under way is read every time', async () => {
    const { reads, weeks } = kept();
    const first = await weeks.get(W48, NOW);
    const again = await weeks.get(W48, NOW + 60_000);
    expect(reads).toEqual(['2026-W48']);
    expect(first.generatedAt).toBe('2026-12-01T10:00:00+08:00');
    expect(again.generatedAt).toBe('2026-12-01T10:01:00+08:00');
    const w49 = parseIsoWeek('2026-W49') as IsoWeek;
    await weeks.get(w49, NOW);
    await weeks.get(w49, NOW);
    expect(reads).toEqual(['2026-W48', '2026-W49', '2026-W49']);
    weeks.close();
  });

  it('a change dated before a kept week\'s end forgets that week; one dated after it keeps it', async () => {
    const { bus, reads, weeks } = kept();
    await weeks.get(W47, NOW);
    await weeks.get(W48, NOW);
    // A live incident of today, a meal of today: both weeks stay.
    bus.emit('incidents', [{ before: null, after: incident('2026-12-01T09:59:00+08:00') }]);
    bus.emit('feed', 'canteen-meals', [meal('2026-12-01T09:59:00+08:00')]);
    expect(weeks.size).toBe(2);
    // An incident reported in W48 moves (closed late, rejected, merged): W48 goes, W47 stays.
    bus.emit('incidents', [{ before: incident('2026-11-25T10:00:00+08:00'), after: incident('2026-11-25T10:00:00+08:00') }]);
    expect(weeks.size).toBe(1);
    await weeks.get(W47, NOW);
    await weeks.get(W48, NOW);
    expect(reads).toEqual(['2026-W47', '2026-W48', '2026-W48']);
    // A meal of W47 taken late forgets both weeks (W48 is compared with W47).
    bus.emit('feed', 'canteen-meals', [meal('2026-12-01T09:00:00+08:00'), meal('2026-11-20T12:00:00+08:00')]);
    expect(weeks.size).toBe(0);
    weeks.close();
  });

  it('an alarm of the week resolved later, a purge, an import and a new grid map forget; a failed read is not kept', async () => {
    const { bus, reads, weeks, failNext } = kept();
    await weeks.get(W48, NOW);
    const alarm = { occurredAt: '2026-11-28T03:00:00+08:00' } as unknown as FeedRecord;
    bus.emit('feedUpdated', 'alarms', alarm, alarm);
    expect(weeks.size).toBe(0);
    await weeks.get(W48, NOW);
    bus.emit('purged');
    expect(weeks.size).toBe(0);
    await weeks.get(W48, NOW);
    bus.emit('imported', 'incidents', 10);
    expect(weeks.size).toBe(0);
    await weeks.get(W48, NOW);
    bus.emit('mapReplaced', 'v2');
    expect(weeks.size).toBe(0);
    failNext(true);
    await expect(weeks.get(W48, NOW)).rejects.toThrow('store down');
    failNext(false);
    await weeks.get(W48, NOW);
    expect(reads).toHaveLength(6);
    weeks.close();
    // Closed: changes no longer reach it.
    expect(bus.listenerCount('incidents')).toBe(0);
  });
});
