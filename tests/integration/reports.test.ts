// The weekly figures, their XLSX and the incident exports through the REAL server, over a known
// week and the week before posted through the API (tests/helpers/report-week.ts).
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { weeklyReportSchema, type WeeklyReport } from '@grid141/shared';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { EMPTY_WEEK, EXPECTED, PREVIOUS_WEEK, WEEK, seedReportWeeks } from '../helpers/report-week.ts';

let server: TestServer;
let report: WeeklyReport;

async function json<T>(path: string): Promise<T> {
  const response = await server.get(path);
  expect(response.status, `GET ${path}`).toBe(200);
  return (await response.json()) as T;
}

beforeAll(async () => {
  server = await startTestServer();
  await seedReportWeeks(server.url, server.credentials);
  report = weeklyReportSchema.parse(await json(`/api/v1/reports/weekly?week=${WEEK}`));
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('GET /api/v1/reports/weekly', () => {
  it('counts the week and the week before from the store, with the change between them', () => {
    expect(report.week).toBe(WEEK);
    expect(report.previous.week).toBe(PREVIOUS_WEEK);
    expect(report.current.days[0]).toBe('2026-11-23');
    expect(report.current.incidents.reported).toBe(EXPECTED.current.reported);
    expect(report.previous.incidents.reported).toBe(EXPECTED.previous.reported);
    expect(report.current.incidents.byCategory.city_mgmt).toBe(EXPECTED.current.cityMgmt);
    expect(report.current.incidents.critical).toBe(EXPECTED.current.critical);
    expect(report.changes.find((c) => c.key === 'incidents.reported')).toMatchObject({ delta: 2, pct: 66.7, direction: 'up' });
    expect(report.current.safety).toMatchObject({ drills: EXPECTED.current.drills, drillParticipants: EXPECTED.current.drillParticipants });
    expect(report.previous.safety.drills).toBe(EXPECTED.previous.drills);
    expect(report.current.livelihood).toMatchObject({ meals: EXPECTED.current.meals, delivered: 12 });
    expect(report.previous.livelihood.meals).toBe(EXPECTED.previous.meals);
    expect(report.current.party.volunteerHours).toBe(EXPECTED.current.volunteerHours);
    expect(report.changes.find((c) => c.key === 'party.volunteerHours')).toMatchObject({ delta: 2.5, pct: 50 });
    expect(report.current.economy.newEntities).toBe(EXPECTED.current.newEntities);
    expect(report.notable.some((e) => e.kind === 'incident' && e.urgency === 'critical' && e.text === '周报测试内涝')).toBe(true);
    expect(report.hasData).toBe(true);
    expect(report.simulated).toBe(false);
  });

  it('says what was open at each week end from the history: an incident closed this week was open then', () => {
    expect(report.current.incidents.openAtEnd).toBe(EXPECTED.openAtEnd.current);
    expect(report.previous.incidents.openAtEnd).toBe(EXPECTED.openAtEnd.previous);
    // Closed after the week ended: not a closure of the week.
    expect(report.current.incidents.closed).toBe(0);
  });

  it('ranks every grid of the street; the grids with the week\'s incidents are scored below full marks', () => {
    expect(report.ranking.length).toBe(122);
    expect(report.ranking.map((g) => g.rank)).toEqual([...report.ranking.map((g) => g.rank)].sort((a, b) => a - b));
    const busy = report.ranking.filter((g) => g.reported > 0);
    expect(busy.reduce((n, g) => n + g.reported, 0)).toBe(EXPECTED.current.reported);
    expect(busy.every((g) => g.score < 100)).toBe(true);
    // Each row carries the values its score was computed from (the street's where borrowed).
    const quiet = report.ranking.find((g) => g.reported === 0 && g.closed === 0);
    expect(quiet?.borrowed).toEqual({ onTime: true, closure: true, load: true });
    for (const g of report.ranking) {
      const L = g.highestPerThousand > 0 ? Math.max(0, 1 - g.perThousand / g.highestPerThousand) : 1;
      expect(Math.abs(100 * (0.5 * g.onTimeRate + 0.3 * g.closureRate + 0.2 * L) - g.score), g.gridId).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(g.streetRates).toBe(g.borrowed.onTime || g.borrowed.closure || g.borrowed.load);
    }
  });

  it('an empty week is zeros and "no data", never NaN or an error', async () => {
    const empty = weeklyReportSchema.parse(await json(`/api/v1/reports/weekly?week=${EMPTY_WEEK}`));
    expect(empty.hasData).toBe(false);
    expect(empty.current.incidents.reported).toBe(0);
    expect(empty.current.incidents.resolveOnTimeRate).toBeNull();
    expect(JSON.stringify(empty)).not.toMatch(/NaN|Infinity/);
  });

  it('refuses a bad week naming the field, a week not begun, and a caller without the viewer token', async () => {
    for (const week of ['2026-47', '2025-W53', '2099-W01']) {
      const response = await server.get(`/api/v1/reports/weekly?week=${week}`);
      expect(response.status, week).toBe(400);
      expect(((await response.json()) as { errors: { path: string }[] }).errors[0]?.path).toBe('week');
    }
    expect((await fetch(`${server.url}/api/v1/reports/weekly?week=${WEEK}`)).status).toBe(401);
  });
});

describe('exports', () => {
  it('the weekly XLSX opens with exceljs and its key-figure rows equal the API\'s', async () => {
    const response = await server.get(`/api/v1/reports/weekly.xlsx?week=${WEEK}`);
    expect(response.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.name).toBe('关键指标');
    expect(sheet.getRow(1).getCell(2).value).toBe(WEEK);
    const rows = report.changes.map((c, i) => {
      const row = sheet.getRow(i + 2);
      return [row.getCell(2).value ?? null, row.getCell(3).value ?? null, row.getCell(4).value ?? null, row.getCell(5).value ?? null];
    });
    expect(rows).toEqual(report.changes.map((c) => [c.current, c.previous, c.delta, c.pct]));
    expect(sheet.rowCount).toBe(report.changes.length + 1);
    const ranking = book.getWorksheet('网格排名') as ExcelJS.Worksheet;
    expect(ranking.rowCount).toBe(report.ranking.length + 1);
    // The last column names the terms taken from the street: all three for a quiet grid.
    const quietRow = report.ranking.findIndex((g) => g.reported === 0 && g.closed === 0) + 2;
    expect(ranking.getRow(quietRow).getCell(13).value).toBe('按时办结率、办结率、每千人');
  });

  it('incidents.csv is UTF-8 with a BOM and Chinese headers (English with lang=en), one row per incident of the range', async () => {
    const range = 'from=2026-11-16T00:00:00%2B08:00&to=2026-11-30T00:00:00%2B08:00';
    const csv = await server.get(`/api/v1/exports/incidents.csv?${range}`);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0]?.startsWith('事件编号,来源编号,来源,类别')).toBe(true);
    expect(lines.length - 1).toBe(EXPECTED.current.reported + EXPECTED.previous.reported);
    expect(lines.some((l) => l.includes('城市管理'))).toBe(true);
    const en = await (await server.get(`/api/v1/exports/incidents.csv?${range}&lang=en`)).text();
    expect(en.replace(/^\uFEFF/, '').startsWith('Id,External id,Source,Category')).toBe(true);
  });

  it('incidents.xlsx has the same rows as the incidents API for the range', async () => {
    const range = 'from=2026-11-23T00:00:00%2B08:00&to=2026-11-30T00:00:00%2B08:00';
    const listed = await json<{ items: { id: string }[] }>(`/api/v1/incidents?${range}&limit=500`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.from(await (await server.get(`/api/v1/exports/incidents.xlsx?${range}`)).arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = book.worksheets[0] as ExcelJS.Worksheet;
    const ids = [];
    for (let r = 2; r <= sheet.rowCount; r += 1) ids.push(String(sheet.getRow(r).getCell(1).value));
    expect(ids.sort()).toEqual(listed.items.map((i) => i.id).sort());
    expect(await (await server.get('/api/v1/exports/incidents.csv?from=yesterday')).status).toBe(400);
  });

  it('lists no rendered report before any was rendered', async () => {
    expect(await json('/api/v1/reports')).toEqual({ items: [] });
  });
});
