// The weekly schedule's catch-up on the real server: a DATA_DIR whose schedule began a month ago
// and that has no deck for the last Monday 08:00 (the server was down then) gets that week drawn
// by Chromium shortly after the start, once; started again, the server leaves the deck alone.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Cron } from 'croner';
import { afterAll, describe, expect, it } from 'vitest';
import { SINCE_FILE } from '../../server/src/reports/schedule.ts';
import { lastWeek } from '../../server/src/reports/weekly.ts';
import { browserAvailable } from '../helpers/browser.ts';
import { ensureClientBuilt } from '../helpers/client-build.ts';
import { seededDataDir, startTestServer, stopAllServers, type TestServer } from '../helpers/server.ts';

const TZ = 'Asia/Shanghai';
type Listing = { items: { week: string; pdf: string[]; png: string[] }[] };

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe.skipIf(!browserAvailable())('the weekly report schedule after downtime', () => {
  afterAll(async () => {
    await stopAllServers();
  });

  it('a server started after Monday 08:00 draws the missed week once; started again, it does not draw it twice', async () => {
    ensureClientBuilt();
    const dataDir = await seededDataDir();
    mkdirSync(path.join(dataDir, 'reports'));
    writeFileSync(path.join(dataDir, 'reports', SINCE_FILE), JSON.stringify({ since: new Date(Date.now() - 30 * 86_400_000).toISOString() }));
    // The week the last Monday 08:00 before now draws (before 08:00 on a Monday, the Monday before's).
    const lastRun = new Cron('0 8 * * 1', { timezone: TZ, paused: true }).previousRuns(1)[0] as Date;
    const week = lastWeek(lastRun.getTime(), TZ).key;
    const env = { REPORTS: '1', REPORTS_SCHEDULE: '0 8 * * 1', TZ_STREET: TZ, LOG_LEVEL: 'info' };

    const first: TestServer = await startTestServer({ dataDir, env });
    const listed = await until('the caught-up deck in GET /api/v1/reports', 180_000, async () => {
      const listing = (await (await first.get('/api/v1/reports')).json()) as Listing;
      return listing.items.length > 0 ? listing : null;
    });
    expect(listed.items.map((i) => i.week)).toEqual([week]);
    expect(listed.items[0]?.png).toHaveLength(10);
    expect(listed.items[0]?.pdf).toEqual([`/api/v1/reports/${week}/grid141-${week}.pdf`]);
    expect(first.stdout()).toContain('catching up the last scheduled run');
    const pdf = path.join(dataDir, 'reports', week, `grid141-${week}.pdf`);
    const written = statSync(pdf).mtimeMs;
    await first.stop();

    const second = await startTestServer({ dataDir, env, credentials: first.credentials });
    await until('the second start\'s catch-up', 60_000, async () => (second.stdout().includes('weekly report already rendered') ? true : null));
    expect(statSync(pdf).mtimeMs).toBe(written);
    const listing = (await (await second.get('/api/v1/reports')).json()) as Listing;
    expect(listing.items.map((i) => i.week)).toEqual([week]);
    expect(second.stdout()).not.toContain('weekly report rendered');
    await second.stop();
  }, 360_000);
});
