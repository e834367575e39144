// The embedded store analyses its tables itself (PGlite has no autovacuum): not on a fresh
// store, once a table holds enough rows, again after a tenth of it changed; and the server's
// close leaves no timer of it behind.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dueAtFor, slaProfileFor } from '@grid141/shared';
import { startServer } from '../../server/src/app.ts';
import { loadConfig } from '../../server/src/config.ts';
import { createLogger } from '../../server/src/logger.ts';
import { startAnalyser } from '../../server/src/store/analyse.ts';
import { migrate, openDriver, openStore, SqlStore, type NewIncident, type SqlDriver } from '../../server/src/store/index.ts';
import { storePlugin } from '../../server/src/store/plugin.ts';
import { makeTempDir, REPO_ROOT, stopAllServers } from '../helpers/server.ts';

afterAll(stopAllServers);

const STREET = 'shiyoulu';

async function stats(driver: SqlDriver, table: string): Promise<{ reltuples: number; analysed: boolean }> {
  const [row] = await driver.query<{ reltuples: number; analysed: boolean }>(
    `SELECT c.reltuples::float8 AS reltuples, s.last_analyze IS NOT NULL AS analysed
     FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname = $1`,
    [table],
  );
  return row as { reltuples: number; analysed: boolean };
}

function newIncident(): NewIncident {
  const at = new Date().toISOString();
  return {
    id: randomUUID(), streetId: STREET, externalId: `analyse-${randomUUID()}`, source: 'grid_patrol', category: 'city_mgmt',
    subcategory: null, urgency: 'normal', colour: 'red', status: 'reported', title: null, description: '占道经营',
    location: { lng: 106.55, lat: 29.56 }, address: null, reporter: null, photos: [], gridId: 'g1', microGridId: 'm1',
    communityId: 'c1', outsideArea: false, reportedAt: at, receivedAt: at, updatedAt: at, acceptedAt: null,
    dispatchedAt: null, onSiteAt: null, handledAt: null, closedAt: null, dueAt: dueAtFor('city_mgmt', 'normal', at),
    slaProfile: slaProfileFor('city_mgmt', 'normal'), assignee: null, escalations: [], evaluation: null, simulated: false, version: 1,
  };
}

const incidents = (n: number) => Array.from({ length: n }, newIncident);

describe('embedded store statistics', () => {
  it('analyses nothing on a fresh store, the tables once they hold rows, again after a tenth changed', async () => {
    const driver = await openDriver({ streetId: STREET, databaseUrl: null, dataDir: makeTempDir() });
    try {
      await migrate(driver);
      const store = new SqlStore(driver, { streetId: STREET });
      const analyser = startAnalyser(driver, { firstCheckMs: 3_600_000 });
      expect(await analyser.check()).toEqual([]);
      await store.insertIncidents(incidents(300));
      expect(await analyser.check()).toEqual([]);

      await store.insertIncidents(incidents(1_200));
      const first = await analyser.check();
      expect(first.map((a) => [a.table, a.reason])).toEqual([['incidents', 'never analysed'], ['incident_history', 'never analysed']]);
      expect(await stats(driver, 'incidents')).toEqual({ reltuples: 1_500, analysed: true });
      expect(await analyser.check()).toEqual([]);

      // 1,000 changes (or a tenth of the table, when more) make it stale again; fewer do not.
      const more = incidents(600);
      await store.insertIncidents(more);
      expect(await analyser.check()).toEqual([]);
      for (const incident of more.slice(0, 400)) await store.transitionIncident(incident.id, { to: 'accepted' });
      const second = await analyser.check();
      expect(second.map((a) => [a.table, a.reason])).toEqual([['incidents', 'changed'], ['incident_history', 'changed']]);
      expect((await stats(driver, 'incidents')).reltuples).toBe(2_100);
      await analyser.stop();
    } finally {
      await driver.close();
    }
  });

  it('a server analyses a store that holds rows after its start, and its close leaves no timer behind', async () => {
    const dataDir = makeTempDir();
    const filled = await openStore({ streetId: STREET, databaseUrl: null, dataDir });
    for (let i = 0; i < 4; i++) await filled.insertIncidents(incidents(1_000));
    await filled.close();

    const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', STREET, SIMULATE: '0' }, REPO_ROOT);
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const server = await startServer(config, createLogger('silent'), { plugins: [storePlugin], clientDir: path.join(dataDir, 'no-client') });
    // The analyser's timer is visible while the server runs, so the check below can fail.
    expect(timers()).toBeGreaterThan(before);
    // Its first check comes 10 s after the open.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    await server.close();
    expect(timers()).toBe(before);

    // reltuples is kept in the catalogue (the write counters do not survive the filling store's
    // close, so the history, 4,000 short rows under 1 MB, is left alone: it is read whole cheaply).
    const driver = await openDriver({ streetId: STREET, databaseUrl: null, dataDir });
    try {
      expect((await stats(driver, 'incidents')).reltuples).toBe(4_000);
      expect((await stats(driver, 'incident_history')).reltuples).toBe(-1);
    } finally {
      await driver.close();
    }
  }, 60_000);
});
