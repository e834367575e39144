// Imports of spreadsheets and CSV into a real store (embedded, in a temp dir): files made here
// the way streets' files come (GBK, BOM, merged titles, totals rows, every date form, bad rows),
// dry run vs real run, re-runs that change nothing, and a crash in the middle that leaves nothing.
import { mkdtempSync, readFileSync, rmSync, existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadStreet, type LoadedStreet } from '../../server/src/street/load.ts';
import { createLocator, type Locator } from '../../server/src/street/locate.ts';
import { openStore, type Store } from '../../server/src/store/index.ts';
import { runImport, type ImportOptions } from '../../server/src/import/run.ts';
import Papa from 'papaparse';
import { createFiguresState, foldIncident, slaProfileFor, toSummary } from '@grid141/shared';
import { openTargets } from '../../server/src/desk/targets.ts';
import { cellFault, HeaderError, mappingSchema, planHeader, rowConverter, type HeaderPlan } from '../../server/src/import/convert.ts';
import { KINDS } from '../../server/src/import/kinds.ts';
import { UnreadableFileError } from '../../server/src/import/read.ts';
import { REPO_ROOT } from '../helpers/server.ts';
import { writeCsv, writeXlsx, type FixtureCell } from '../helpers/import-files.ts';

let dir: string;
let store: Store;
let street: LoadedStreet;
let locator: Locator;

// A point inside the street (a fire station's POI).
const LNG = 106.521294;
const LAT = 29.555332;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'grid141-import-'));
  street = await loadStreet(path.join(REPO_ROOT, 'data', 'streets'), 'shiyoulu');
  locator = createLocator(street);
  store = await openStore({ streetId: street.meta.id, databaseUrl: null, dataDir: path.join(dir, 'data') });
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = (kind: ImportOptions['kind'], file: string, more: Partial<ImportOptions> = {}) =>
  runImport({ kind, file, store, street, locator, ...more });

const DRILL_HEADER = ['演练编号', '演练日期', '演练级别', '演练类型', '演练地点', '参与人数', '疏散用时(秒)', '演练结果', '经度', '纬度', '备注'];

function drillRows(prefix: string): FixtureCell[][] {
  return [
    DRILL_HEADER,
    [`${prefix}-1`, new Date(Date.UTC(2024, 2, 5, 9, 30)), '社区', '疏散演练', '石油路1号3栋 ', 80, 420, '合格', LNG, LAT, '第一季度'],
    [`${prefix}-2`, '2024/3/6', '楼栋', '高层实战式演练', '二普小区', '１２０', '7分', '需改进', null, null, null],
    [`${prefix}-3`, '2024年3月7日', '街道', '桌面推演', null, 35, null, null, null, null, null],
    [],
    [`${prefix}-4`, 45359, '社区', '疏散演练', null, 50, null, null, null, null, null],
    // Bad rows: a date nobody can read, a level that is not one, a negative count, half a location.
    [`${prefix}-5`, '三月八日', '社区', '疏散演练', null, 50, null, null, null, null, null],
    [`${prefix}-6`, '2024/3/9', '省级', '疏散演练', null, 50, null, null, null, null, null],
    [`${prefix}-7`, '2024/3/9', '社区', '疏散演练', null, -3, null, null, null, null, null],
    [`${prefix}-8`, '2024/3/9', '社区', '疏散演练', null, 20, null, null, LNG, null, null],
    ['合计', null, null, null, null, 335, null, null, null, null, null],
  ];
}

describe('import of a board feed from XLSX', () => {
  const file = () => path.join(dir, 'drills.xlsx');

  it('a dry run lists every refused row with its column and reason, and changes nothing', async () => {
    await writeXlsx(file(), drillRows('D'), { title: '石油路街道2024年第一季度消防演练台账' });
    const before = await store.countFeed('fire-drills');
    const summary = await run('fire-drills', file(), { dryRun: true });
    expect(await store.countFeed('fire-drills')).toBe(before);
    expect(summary).toMatchObject({
      format: 'xlsx', headerRow: 3, rows: 8, accepted: 4, created: 4, existing: 0, rejected: 4, dryRun: true,
      skipped: { blank: 1, totals: 1 }, ignoredColumns: ['备注'], rejectedFile: null,
    });
    expect(summary.problems.map((p) => [p.row, p.column])).toEqual([
      [9, '演练日期'], [10, '演练级别'], [11, '参与人数'], [12, '纬度'],
    ]);
    expect(summary.problems[0]?.reason).toContain('不是可识别的日期');
    // A negative count is a sentence, Chinese first, not zod's English.
    expect(summary.problems[2]?.reason).toBe('不能为负数，应为 0 或更大 / must not be negative (0 or more)');
    expect(existsSync(path.join(dir, 'drills.rejected.csv'))).toBe(false);
  });

  it('takes 2026年11月5日 14时 and 14时30分, and gives 1e308 and a huge latitude one reason each', async () => {
    const odd = path.join(dir, 'drills-odd.xlsx');
    await writeXlsx(odd, [
      DRILL_HEADER,
      ['O-1', '2026年11月5日 14时', '社区', '疏散演练', null, 30, null, null, null, null, null],
      ['O-2', '2026年11月5日14时30分', '社区', '疏散演练', null, 30, null, null, null, null, null],
      ['O-3', '2026/11/5', '社区', '疏散演练', null, 1e308, null, null, null, null, null],
      ['O-4', '2026/11/5', '社区', '疏散演练', null, 30, null, null, LNG, 1e308, null],
    ]);
    const summary = await run('fire-drills', odd, { dryRun: true });
    expect(summary).toMatchObject({ rows: 4, accepted: 2, rejected: 2 });
    expect(summary.problems.map((p) => [p.row, p.column])).toEqual([[4, '参与人数'], [5, '纬度']]);
    for (const p of summary.problems) expect(p.reason, p.reason).toMatch(/^[\u4e00-\u9fff].* \/ [a-z]/);
    expect(summary.problems[0]?.reason).toBe('数字太大 / the number is too large');
    expect(summary.problems[1]?.reason).toBe('不能大于 90 / must be at most 90');
  });

  it('a real run takes the good rows in one go, writes the refused ones beside the file, and a re-run changes nothing', async () => {
    const summary = await run('fire-drills', file());
    expect(summary).toMatchObject({ rows: 8, accepted: 4, created: 4, rejected: 4 });
    const rejected = readFileSync(path.join(dir, 'drills.rejected.csv'), 'utf8');
    expect(rejected.startsWith('\uFEFF行号 row,列 column,原因 reason,演练编号')).toBe(true);
    expect(rejected.split('\r\n').filter(Boolean)).toHaveLength(5);
    expect(rejected).toContain('10,演练级别,"""省级"" 不是可识别的值');

    const records: Record<string, unknown>[] = [];
    await store.scanFeed('fire-drills', null, (batch) => {
      records.push(...batch.filter((r) => String(r.externalId).startsWith('D-')));
    });
    const byId = Object.fromEntries(records.map((r) => [r.externalId, r]));
    expect(byId['D-1']).toMatchObject({ occurredAt: '2024-03-05T01:30:00.000Z', level: 'community', kind: 'evacuation', buildingName: '石油路1号3栋', participants: 80, evacuationSeconds: 420, result: 'pass' });
    expect((byId['D-1'] as { gridId: string | null }).gridId).not.toBeNull();
    expect(byId['D-2']).toMatchObject({ occurredAt: '2024-03-05T16:00:00.000Z', level: 'micro_grid', kind: 'live_highrise', participants: 120, evacuationSeconds: 420, result: 'improve' });
    expect(byId['D-3']).toMatchObject({ occurredAt: '2024-03-06T16:00:00.000Z', level: 'street', kind: 'tabletop' });
    expect(byId['D-4']).toMatchObject({ occurredAt: '2024-03-07T16:00:00.000Z' });

    const again = await run('fire-drills', file());
    expect(again).toMatchObject({ accepted: 4, created: 0, existing: 4, rejected: 4 });
    expect(await store.countFeed('fire-drills')).toBe(4);
  });

  it('a crash in the middle of a file leaves nothing of it', async () => {
    const rows: FixtureCell[][] = [DRILL_HEADER];
    for (let i = 0; i < 60; i += 1) rows.push([`C-${i}`, '2024/4/1 10:00', '社区', '疏散演练', null, 10 + i, null, null, null, null, null]);
    const crashFile = path.join(dir, 'crash.xlsx');
    await writeXlsx(crashFile, rows);
    const before = await store.countFeed('fire-drills');
    await expect(run('fire-drills', crashFile, { chunkSize: 10, crashAfterRows: 30 })).rejects.toThrow('injected crash after 30 rows');
    expect(await store.countFeed('fire-drills')).toBe(before);
    expect(existsSync(path.join(dir, 'crash.rejected.csv'))).toBe(false);
    const whole = await run('fire-drills', crashFile, { chunkSize: 10 });
    expect(whole).toMatchObject({ created: 60, rejected: 0 });
  });
});

describe('CSV in the encodings Excel writes', () => {
  const rows = (prefix: string, english: boolean): FixtureCell[][] => [
    english ? ['externalId', 'occurredAt', 'kind', 'buildingsCovered', 'hazardsFound', 'hazardsRectified'] : ['排查编号', '排查日期', '排查类型', '覆盖楼栋数', '隐患数', '已整改'],
    [`${prefix}-1`, '2024/3/5', '地毯式排查', '12', '5', '4'],
    [`${prefix}-2`, '2024年3月6日', '日常', '３', '２ ', '２'],
    [`${prefix}-3`, '2024-03-07 14:00', 'special', '1', '3', '4'],
    ['总计', '', '', '16', '10', '10'],
  ];

  it.each([
    ['gbk', 'Chinese', 'gb18030'],
    ['utf-8-bom', 'Chinese', 'utf-8-bom'],
    ['utf-8', 'English', 'utf-8'],
  ] as const)('%s with %s headers', async (encoding, headers, detected) => {
    const english = headers === 'English';
    const prefix = `H${encoding.replace(/-/g, '')}`;
    const file = path.join(dir, `inspections-${encoding}.csv`);
    await writeCsv(file, rows(prefix, english), encoding);
    const summary = await run('hazard-inspections', file);
    expect(summary).toMatchObject({ format: 'csv', encoding: detected, rows: 3, accepted: 2, created: 2, rejected: 1, skipped: { totals: 1 } });
    expect(summary.problems).toEqual([{ row: 4, column: english ? 'hazardsRectified' : '已整改', reason: '已整改数不能大于隐患数 / hazardsRectified cannot exceed hazardsFound' }]);
    const got: Record<string, unknown>[] = [];
    await store.scanFeed('hazard-inspections', null, (b) => {
      got.push(...b.filter((r) => String(r.externalId).startsWith(`${prefix}-`)));
    });
    expect(got.map((r) => [r.externalId, r.kind, r.hazardsFound, r.hazardsRectified]).sort()).toEqual([
      [`${prefix}-1`, 'carpet', 5, 4], [`${prefix}-2`, 'routine', 2, 2],
    ]);
  });

  it('refuses what it cannot read: an old .xls, a file without a header, a file missing a required column', async () => {
    const xls = path.join(dir, 'old.xls');
    writeFileSync(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
    await expect(run('fire-drills', xls)).rejects.toThrow(UnreadableFileError);
    const noHeader = path.join(dir, 'no-header.csv');
    await writeCsv(noHeader, [['a', 'b'], ['1', '2']], 'utf-8');
    await expect(run('fire-drills', noHeader)).rejects.toThrow(HeaderError);
    const missing = path.join(dir, 'missing.csv');
    await writeCsv(missing, [['演练日期', '演练级别', '参与人数'], ['2024/3/5', '社区', '3']], 'utf-8');
    await expect(run('fire-drills', missing)).rejects.toThrow(/缺少必填列：演练类型（kind）/);
  });
});

describe('the API\'s text rule, cell by cell', () => {
  it('a control character or half an emoji refuses the row with its column, as the API refuses it; nothing is removed', async () => {
    const file = path.join(dir, 'drills-controls.csv');
    const row = (id: string, place: string): FixtureCell[] => [id, '2024/3/5 9:30', '社区', '疏散演练', place, 30, null, null, null, null, null];
    await writeCsv(file, [
      DRILL_HEADER,
      row('TC-1', '石油路\t1号\r\n3栋'),
      row('TC-2', '5栋\u0007'),
      // At the edge of a cell, where trimming would have taken it away silently.
      row('TC-3', '\u000b5栋'),
      row('TC-4\u001b', '6栋'),
      row('TC-5', '\u007f7栋 👨‍👩‍👧'),
    ], 'utf-8');
    const summary = await run('fire-drills', file, { rejectedFile: null });
    expect(summary).toMatchObject({ rows: 5, accepted: 2, rejected: 3 });
    expect(summary.problems.map((p) => [p.row, p.column])).toEqual([[3, '演练地点'], [4, '演练地点'], [5, '演练编号']]);
    expect(summary.problems[0]?.reason).toMatch(/^含有控制字符 U\+0007（第 3 个字符）.* \/ contains the control character U\+0007/);
    expect(summary.problems[1]?.reason).toMatch(/U\+000B（第 1 个字符）/);
    expect(summary.problems[2]?.reason).toMatch(/U\+001B/);
    const got = new Map<string, unknown>();
    await store.scanFeed('fire-drills', null, (b) => {
      for (const r of b) if (String(r.externalId).startsWith('TC-')) got.set(String(r.externalId), r.buildingName);
    });
    expect(Object.fromEntries(got)).toEqual({ 'TC-1': '石油路\t1号\r\n3栋', 'TC-5': '\u007f7栋 👨‍👩‍👧' });
  });

  it('half an emoji in a cell (an XLSX string can hold one) is refused on its column, in a mapping default too', () => {
    const spec = KINDS['volunteer-activities'];
    const header = { number: 1, cells: ['活动日期', '志愿队伍', '服务时长', '参与人数', '活动名称'] };
    const plan = planHeader(header, spec, { columns: {}, values: {}, defaults: {} }) as HeaderPlan;
    const convert = rowConverter(plan, { kind: 'volunteer-activities', timeZone: 'Asia/Shanghai', mapping: { columns: {}, values: {}, defaults: {} } });
    const out = convert({ number: 2, cells: ['2024/3/5', '石惠民乐志愿队\ud83d', 2, 3, '敲门\u0000行动'] });
    expect(out.inputs).toEqual([]);
    expect(out.problems.map((p) => p.column)).toEqual(['志愿队伍', '活动名称']);
    expect(out.problems[0]?.reason).toMatch(/半个表情符号.*U\+D83D/);
    expect(out.problems[1]?.reason).toMatch(/U\+0000/);
    expect(cellFault('\uFEFF石油路')).toBeNull();
    const withDefault = rowConverter(plan, { kind: 'volunteer-activities', timeZone: 'Asia/Shanghai', mapping: { columns: {}, values: {}, defaults: { title: '敲门\u001f' } } });
    expect(withDefault({ number: 3, cells: ['2024/3/5', '石惠民乐志愿队', 2, 3, null] }).problems.map((p) => p.column)).toEqual(['默认值 title / default']);
  });
});

describe('the other boards', () => {
  it('canteen meals as counts per canteen, day and tier (by canteen name; over 500 split in records of at most 500)', async () => {
    const file = path.join(dir, 'meals.xlsx');
    await writeXlsx(file, [
      ['就餐日期', '食堂', '餐次', '价格类别', '就餐人数'],
      ['2024/3/5', '煤建新村社区食堂', '午餐', '老人社员价', 120],
      ['2024/3/5', '煤建新村社区食堂', '晚餐', '普通价', 1200],
      ['2024/3/5', 'SYL-P0013', '午餐', '社员', 30],
      ['2024/3/5', '不存在的食堂', '午餐', '社员', 30],
    ], { title: '助餐日报' });
    const summary = await run('canteen-meals', file);
    expect(summary).toMatchObject({ rows: 4, accepted: 3, created: 5, rejected: 1 });
    expect(summary.problems[0]).toMatchObject({ row: 7, column: '食堂' });
    let meals = 0;
    const times = new Set<string>();
    await store.scanFeed('canteen-meals', null, (b) => {
      for (const r of b) {
        meals += r.quantity;
        times.add(r.servedAt);
      }
    });
    expect(meals).toBe(1350);
    // A day's count carries its meal's time: lunch at 12:00, dinner at 17:30 street time.
    expect([...times].sort()).toEqual(['2024-03-05T04:00:00.000Z', '2024-03-05T09:30:00.000Z']);
    expect((await run('canteen-meals', file)).created).toBe(0);
  });

  it('market entities keyed on the unified social credit code; volunteer activities without any id are keyed on the row', async () => {
    const entities = path.join(dir, 'entities.csv');
    await writeCsv(entities, [
      ['统一社会信用代码', '主体名称', '主体类型', '行业', '登记日期', '注销日期', '所在楼宇'],
      ['91500103MA5U0000X1', '重庆某某餐饮有限公司 ', '企业', '住宿和餐饮', '2024/3/5', '', '时代天街A馆'],
      ['92500103MA5U0000Y2', '李记小面', '个体工商户', '餐饮', '2024年3月6日', '2024年9月1日', ''],
    ], 'gbk');
    const e = await run('market-entities', entities);
    expect(e).toMatchObject({ created: 2, rejected: 0 });
    const stored: Record<string, unknown>[] = [];
    await store.scanFeed('market-entities', null, (b) => {
      stored.push(...b);
    });
    expect(stored.map((r) => [r.externalId, r.name, r.entityType, r.industry]).sort()).toEqual([
      ['91500103MA5U0000X1', '重庆某某餐饮有限公司', 'enterprise', 'H'],
      ['92500103MA5U0000Y2', '李记小面', 'individual', 'H'],
    ]);

    const volunteers = path.join(dir, 'volunteers.xlsx');
    const rows: FixtureCell[][] = [
      ['活动日期', '队伍', '活动名称', '服务时长', '参与人数', '积分'],
      ['2024/3/5', '红岩志愿服务队', '敬老助餐', 3, 12, 30],
      ['2024/3/5', '红岩志愿服务队', '敬老助餐', 3, 12, 30],
      ['2024/3/6', '平安巡逻队', '夜间巡逻', '2.5小时', 6, null],
    ];
    await writeXlsx(volunteers, rows);
    const first = await run('volunteer-activities', volunteers);
    // Two identical rows are two activities only if they differ; the same content is the same record.
    expect(first).toMatchObject({ rows: 3, accepted: 2, created: 2, rejected: 1 });
    expect(first.problems[0]?.reason).toContain('与第 2 行重复');
    expect(await run('volunteer-activities', volunteers)).toMatchObject({ created: 0, existing: 2 });
  });
});

describe('past incidents with their whole lifecycle', () => {
  it('keeps each step, refuses contradictions, and judges on-time against the row\'s own due time', async () => {
    const file = path.join(dir, 'incidents.xlsx');
    await writeXlsx(file, [
      ['工单号', '来源', '事件类别', '描述', '经度', '纬度', '状态', '上报时间', '受理时间', '派单时间', '办结时间', '办理时限'],
      ['P-1', '12345', '城市管理', '占道经营', LNG, LAT, '已办结', '2024/3/5 08:00', '2024/3/5 08:10', '2024/3/5 09:00', '2024/3/5 17:00', '2024/3/6 08:00'],
      ['P-2', '网格员巡查', '安全隐患', '楼道杂物', LNG, LAT, '已办结', '2024/3/5 08:00', null, null, '2024/3/9 08:00', '2024/3/6 08:00'],
      ['P-3', '网格员巡查', '民生诉求', '独居老人关爱', LNG, LAT, null, '2024/3/5 08:00', '2024/3/5 08:30', '2024/3/5 09:00', null, null],
      ['P-4', '网格员巡查', '民生诉求', '关闭早于上报', LNG, LAT, '已办结', '2024/3/5 08:00', null, null, '2024/3/4 08:00', null],
      ['P-5', '网格员巡查', '民生诉求', '已办结却无办结时间', LNG, LAT, '已办结', '2024/3/5 08:00', null, null, null, null],
      ['P-6', '网格员巡查', '民生诉求', '没有地点', null, null, '已受理', '2024/3/5 08:00', '2024/3/5 08:30', null, null, null],
    ]);
    const summary = await run('incidents', file);
    expect(summary).toMatchObject({ rows: 6, accepted: 3, created: 3, rejected: 3 });
    expect(summary.problems.map((p) => [p.row, p.column])).toEqual([[5, '办结时间'], [6, '办结时间'], [7, '经度']]);
    const page = await store.listIncidents({}, 50, null);
    const byId = Object.fromEntries(page.items.map((i) => [i.externalId, i]));
    expect(byId['P-1']).toMatchObject({ status: 'closed', source: 'hotline_12345', category: 'city_mgmt', closedAt: '2024-03-05T09:00:00.000Z', dueAt: '2024-03-06T00:00:00.000Z' });
    expect(byId['P-3']).toMatchObject({ status: 'dispatched', dispatchedAt: '2024-03-05T01:00:00.000Z', closedAt: null, overdue: true });
    const onTime = (i: (typeof page.items)[number]) => i.closedAt !== null && Date.parse(i.closedAt) <= Date.parse(i.dueAt);
    expect(onTime(byId['P-1']!)).toBe(true);
    expect(onTime(byId['P-2']!)).toBe(false);
    const history = await store.history(byId['P-1']!.id);
    expect(history.map((h) => h.to)).toEqual(['reported', 'accepted', 'dispatched', 'closed']);
    expect(history[0]?.by).toBe('import:incidents.xlsx');
    expect((await run('incidents', file)).created).toBe(0);
  });
});

describe('past incidents and the time targets', () => {
  it('are stamped with the targets in the database (a leader\'s edit), not the taxonomy\'s defaults, as the API stamps a report', async () => {
    const profile = slaProfileFor('livelihood', 'normal');
    const targets = await openTargets(store.sql, street.meta.id, null);
    const defaults = targets.targets(profile);
    await targets.edit(profile, { acceptMin: 37, arriveMin: null, handleMin: 637, closeMin: 6037 }, '刘静', new Date());
    const file = path.join(dir, 'incidents-targets.csv');
    await writeCsv(file, [
      ['工单号', '来源', '事件类别', '描述', '经度', '纬度', '上报时间'],
      ['T-1', '网格员巡查', '民生诉求', '独居老人关爱', LNG, LAT, '2024/4/1 08:00'],
    ], 'utf-8');
    try {
      expect(await run('incidents', file)).toMatchObject({ created: 1, rejected: 0 });
      const [imported] = (await store.listIncidents({ externalIds: ['T-1'] }, 5, null)).items;
      const after = (iso: string | null | undefined) => (iso ? (Date.parse(iso) - Date.parse(imported!.reportedAt)) / 60_000 : null);
      expect(imported?.slaProfile).toBe(profile);
      expect([after(imported?.acceptBy), after(imported?.arriveBy), after(imported?.handleBy), after(imported?.dueAt)]).toEqual([37, null, 637, 6037]);
      // The server hands over its own (the upload): those win.
      await writeCsv(file, [
        ['工单号', '来源', '事件类别', '描述', '经度', '纬度', '上报时间'],
        ['T-2', '网格员巡查', '民生诉求', '独居老人关爱', LNG, LAT, '2024/4/1 08:00'],
      ], 'utf-8');
      await run('incidents', file, { targetsOf: () => ({ acceptMin: 3, arriveMin: 4, handleMin: 5, closeMin: 6 }) });
      const [second] = (await store.listIncidents({ externalIds: ['T-2'] }, 5, null)).items;
      expect((Date.parse(second!.acceptBy as string) - Date.parse(second!.reportedAt)) / 60_000).toBe(3);
    } finally {
      await targets.edit(profile, defaults, 'test', new Date());
    }
  });
});

// The real public 311 files live beside the checkout (../shared/external), or where GRID141_EXTERNAL says.
const BOSTON = [process.env.GRID141_EXTERNAL, path.join(REPO_ROOT, '..', 'shared', 'external'), path.join(REPO_ROOT, '..', '..', 'shared', 'external')]
  .filter((d): d is string => Boolean(d))
  .map((d) => path.join(d, 'boston_311_100.csv'))
  .find((f) => existsSync(f));

describe('Boston 311 (real public data) as past incidents, through a mapping file', () => {
  it.skipIf(!BOSTON)('Grid141\'s on-time verdicts equal the city\'s own ontime column for every closed case with a target', async () => {
    const source = BOSTON as string;
    const mapping = mappingSchema.parse(JSON.parse(readFileSync(path.join(REPO_ROOT, 'data', 'import-mappings', 'boston-311.json'), 'utf8')));
    // Boston lies far outside the street's service area (docs/api.md): this replay opens it to the whole Earth.
    const summary = await run('incidents', source, { mapping, locator: createLocator(street, { serviceAreaM: 20_100_000 }) });
    expect(summary).toMatchObject({ rows: 100, accepted: 100, rejected: 0 });

    const city = Papa.parse<Record<string, string>>(readFileSync(source, 'utf8'), { header: true, skipEmptyLines: true }).data;
    const labelled = city.filter((r) => r.case_status === 'Closed' && r.target_dt && r.closed_dt);
    expect(labelled).toHaveLength(77);
    const page = await store.listIncidents({ from: new Date('2021-12-31T00:00:00Z'), to: new Date('2022-02-01T00:00:00Z') }, 500, null);
    const byId = new Map(page.items.map((i) => [i.externalId, i]));
    const verdict = (i: (typeof page.items)[number]) => (Date.parse(i.closedAt as string) <= Date.parse(i.dueAt) ? 'ONTIME' : 'OVERDUE');
    const mismatches = labelled.filter((r) => verdict(byId.get(r.case_enquiry_id as string)!) !== r.ontime);
    expect(mismatches.map((r) => r.case_enquiry_id)).toEqual([]);
    expect(labelled.filter((r) => r.ontime === 'OVERDUE')).toHaveLength(5);

    // And the figures: the daily on-time rate the wall would show, folded by the same reducers.
    const tz = 'America/New_York';
    const now = Date.parse('2022-02-01T05:00:00Z');
    const state = createFiguresState(street.meta.id, tz, now);
    for (const r of labelled) foldIncident(state, null, byId.get(r.case_enquiry_id as string)!);
    const daily = toSummary(state, now).incidents.daily;
    for (const day of daily) {
      const closedThatDay = labelled.filter((r) => (r.closed_dt as string).startsWith(day.date));
      const want = closedThatDay.length === 0 ? null : closedThatDay.filter((r) => r.ontime === 'ONTIME').length / closedThatDay.length;
      expect(day.onTimeRate, day.date).toBe(want);
    }
    const inWindow = labelled.filter((r) => (r.closed_dt as string) >= (daily[0]?.date ?? '') && (r.closed_dt as string) < '2022-02-01');
    expect(daily.reduce((n, d) => n + d.closed, 0)).toBe(inWindow.length);
    expect(inWindow.length).toBeGreaterThan(50);
  });
});
