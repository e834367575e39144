// Exports for people who work in Excel: incidents as XLSX or CSV (UTF-8 with a BOM, so Excel on
// Chinese Windows reads it as UTF-8, CRLF lines), and a week's figures as XLSX. Chinese headers
// and code names by default, English with lang=en. Cells that a spreadsheet would run as a
// formula (= + - @ at the start) are prefixed with ' so a description cannot execute.
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import {
  CATEGORIES, COLOURS, SOURCES, STATUSES, URGENCIES, nameOf, isoWithOffset, type Incident, type WeeklyReport,
} from '@grid141/shared';
import type { LoadedStreet } from '../street/load.ts';

export type ExportLang = 'zh' | 'en';

/** One column of the incidents export: header in both languages and how to read the cell. */
interface Column {
  zh: string;
  en: string;
  cell: (incident: Incident, ctx: CellContext) => string | number | boolean | null;
}

interface CellContext {
  lang: ExportLang;
  tz: string;
  communityName: (id: string | null) => string;
  gridName: (id: string | null) => string;
}

/** 'YYYY-MM-DD HH:MM' in the street's zone (what a clerk types); empty for none. */
function localTime(iso: string | null, tz: string): string {
  if (!iso) return '';
  return isoWithOffset(Date.parse(iso), tz).slice(0, 16).replace('T', ' ');
}

const COLUMNS: readonly Column[] = [
  { zh: '事件编号', en: 'Id', cell: (i) => i.id },
  { zh: '来源编号', en: 'External id', cell: (i) => i.externalId },
  { zh: '来源', en: 'Source', cell: (i, c) => nameOf(SOURCES, i.source, c.lang) },
  { zh: '类别', en: 'Category', cell: (i, c) => nameOf(CATEGORIES, i.category, c.lang) },
  { zh: '紧急程度', en: 'Urgency', cell: (i, c) => nameOf(URGENCIES, i.urgency, c.lang) },
  { zh: '三事分类', en: 'Matter', cell: (i, c) => nameOf(COLOURS, i.colour, c.lang) },
  { zh: '状态', en: 'Status', cell: (i, c) => nameOf(STATUSES, i.status, c.lang) },
  { zh: '标题', en: 'Title', cell: (i) => i.title ?? '' },
  { zh: '描述', en: 'Description', cell: (i) => i.description },
  { zh: '社区', en: 'Community', cell: (i, c) => c.communityName(i.communityId) },
  { zh: '网格', en: 'Grid', cell: (i, c) => c.gridName(i.gridId) },
  { zh: '地址', en: 'Address', cell: (i) => i.address ?? '' },
  { zh: '经度', en: 'Longitude', cell: (i) => i.location.lng },
  { zh: '纬度', en: 'Latitude', cell: (i) => i.location.lat },
  { zh: '上报时间', en: 'Reported at', cell: (i, c) => localTime(i.reportedAt, c.tz) },
  { zh: '受理时间', en: 'Accepted at', cell: (i, c) => localTime(i.acceptedAt, c.tz) },
  { zh: '办结时间', en: 'Closed at', cell: (i, c) => localTime(i.closedAt, c.tz) },
  { zh: '办理时限', en: 'Due at', cell: (i, c) => localTime(i.dueAt, c.tz) },
  { zh: '是否超期', en: 'Overdue', cell: (i, c) => (i.overdue ? (c.lang === 'zh' ? '是' : 'yes') : (c.lang === 'zh' ? '否' : 'no')) },
  { zh: '模拟数据', en: 'Simulated', cell: (i, c) => (i.simulated ? (c.lang === 'zh' ? '是' : 'yes') : (c.lang === 'zh' ? '否' : 'no')) },
];

/** A text a spreadsheet would take for a formula, made inert (OWASP "CSV injection"). */
export function inert(value: string | number | boolean | null): string | number | boolean | null {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function cellContext(street: LoadedStreet, tz: string, lang: ExportLang): CellContext {
  return {
    lang,
    tz,
    communityName: (id) => {
      if (id === null) return '';
      const props = street.communityById.get(id)?.properties;
      return props ? (lang === 'en' ? props.nameEn : props.name) : id;
    },
    gridName: (id) => (id === null ? '' : street.gridById.get(id)?.properties.name ?? id),
  };
}

export function incidentHeaders(lang: ExportLang): string[] {
  return COLUMNS.map((c) => c[lang]);
}

export function incidentRows(incidents: readonly Incident[], street: LoadedStreet, tz: string, lang: ExportLang): (string | number | boolean | null)[][] {
  const ctx = cellContext(street, tz, lang);
  return incidents.map((incident) => COLUMNS.map((c) => inert(c.cell(incident, ctx))));
}

/** CSV text: BOM, header row, CRLF. */
export function incidentsCsv(incidents: readonly Incident[], street: LoadedStreet, tz: string, lang: ExportLang): string {
  const csv = Papa.unparse({ fields: incidentHeaders(lang), data: incidentRows(incidents, street, tz, lang) }, { newline: '\r\n' });
  return `\uFEFF${csv}\r\n`;
}

export async function incidentsXlsx(incidents: readonly Incident[], street: LoadedStreet, tz: string, lang: ExportLang): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Grid141';
  const sheet = book.addWorksheet(lang === 'zh' ? '事件' : 'Incidents', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow(incidentHeaders(lang)).font = { bold: true };
  for (const row of incidentRows(incidents, street, tz, lang)) sheet.addRow(row);
  sheet.columns.forEach((column, i) => { column.width = i === 8 ? 60 : 16; });
  return Buffer.from(await book.xlsx.writeBuffer());
}

const FIGURE_NAMES: Record<string, { zh: string; en: string }> = {
  'incidents.reported': { zh: '上报事件', en: 'Incidents reported' },
  'incidents.closed': { zh: '办结事件', en: 'Incidents closed' },
  'incidents.resolveOnTimeRate': { zh: '按时办结率', en: 'Closed on time' },
  'incidents.responseOnTimeRate': { zh: '按时响应率', en: 'Accepted on time' },
  'incidents.medianResolveMin': { zh: '办结用时中位数（分钟）', en: 'Median time to close (min)' },
  'incidents.openAtEnd': { zh: '周末未办结', en: 'Open at week end' },
  'incidents.overdueAtEnd': { zh: '周末超期', en: 'Overdue at week end' },
  'incidents.red': { zh: '公家事（红）', en: 'Public matters (red)' },
  'safety.drills': { zh: '消防演练', en: 'Fire drills' },
  'safety.hazardsRectified': { zh: '隐患整改', en: 'Hazards rectified' },
  'safety.alarms': { zh: '物联告警', en: 'Sensor alarms' },
  'livelihood.meals': { zh: '助餐份数', en: 'Meals served' },
  'economy.newEntities': { zh: '新增市场主体', en: 'New market entities' },
  'party.volunteerHours': { zh: '志愿服务时长（小时）', en: 'Volunteer hours' },
};

/** The figure's name in the export (and on the summary slide's data), by WeekChange.key. */
export function figureName(key: string, lang: ExportLang): string {
  return FIGURE_NAMES[key]?.[lang] ?? key;
}

/** The rows of the weekly XLSX's first sheet: one per WeekChange, in the API's order. */
export function weeklySummaryRows(report: WeeklyReport, lang: ExportLang): (string | number | null)[][] {
  return report.changes.map((c) => [figureName(c.key, lang), c.current, c.previous, c.delta, c.pct]);
}

/** The weekly figures as a workbook: key figures, incidents by category and community, daily rows, the grid ranking. */
export async function weeklyXlsx(report: WeeklyReport, street: LoadedStreet, lang: ExportLang): Promise<Buffer> {
  const zh = lang === 'zh';
  const ctx = cellContext(street, report.timeZone, lang);
  const book = new ExcelJS.Workbook();
  book.creator = 'Grid141';
  const add = (name: string, header: string[], rows: (string | number | null)[][]) => {
    const sheet = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.addRow(header).font = { bold: true };
    for (const row of rows) sheet.addRow(row);
    sheet.columns.forEach((column) => { column.width = 18; });
  };
  add(zh ? '关键指标' : 'Key figures',
    zh ? ['指标', report.week, report.previous.week, '变化', '变化率（%）'] : ['Figure', report.week, report.previous.week, 'Change', 'Change (%)'],
    weeklySummaryRows(report, lang));
  const cats = [...new Set([...Object.keys(report.current.incidents.byCategory), ...Object.keys(report.previous.incidents.byCategory)])].sort();
  add(zh ? '按类别' : 'By category', [zh ? '类别' : 'Category', report.week, report.previous.week],
    cats.map((c) => [nameOf(CATEGORIES, c, lang), report.current.incidents.byCategory[c] ?? 0, report.previous.incidents.byCategory[c] ?? 0]));
  const communities = [...street.communityById.keys()].sort();
  add(zh ? '按社区' : 'By community', [zh ? '社区' : 'Community', report.week, report.previous.week],
    communities.map((c) => [ctx.communityName(c), report.current.incidents.byCommunity[c] ?? 0, report.previous.incidents.byCommunity[c] ?? 0]));
  add(zh ? '每日' : 'Daily', zh ? ['日期', '上报', '办结', '助餐份数'] : ['Date', 'Reported', 'Closed', 'Meals'],
    report.current.incidents.daily.map((d, i) => [d.date, d.reported, d.closed, report.current.livelihood.daily[i]?.meals ?? 0]));
  add(zh ? '网格排名' : 'Grid ranking',
    zh ? ['排名', '并列网格数', '网格', '社区', '得分', '星级', '上报', '办结', '按时办结率', '办结率', '每千人事件', '全街最高每千人', '取全街值的项']
      : ['Rank', 'Grids sharing the rank', 'Grid', 'Community', 'Score', 'Stars', 'Reported', 'Closed', 'On time', 'Closure rate', 'Per 1,000 residents', 'Street\'s highest per 1,000', 'Street\'s terms used'],
    report.ranking.map((g) => [g.rank, g.tied, ctx.gridName(g.gridId), ctx.communityName(g.communityId), g.score, g.stars, g.reported, g.closed,
      Math.round(g.onTimeRate * 1000) / 10, Math.round(g.closureRate * 1000) / 10, g.perThousand, g.highestPerThousand,
      borrowedTerms(g, zh)]));
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The terms of a grid's score that are the street's own (its values are in the row), e.g. "办结率、每千人". */
function borrowedTerms(g: WeeklyReport['ranking'][number], zh: boolean): string {
  const names = zh ? { onTime: '按时办结率', closure: '办结率', load: '每千人' } : { onTime: 'on time', closure: 'closure', load: 'per 1,000' };
  return (['onTime', 'closure', 'load'] as const).filter((k) => g.borrowed[k]).map((k) => names[k]).join(zh ? '、' : ', ');
}
