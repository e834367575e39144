// Canvas cannot read CSS: charts take the theme's colours from its variables, and sizes in
// design pixels times the wall's unit (--u), so 14 design px stay 14 design px at any scale.
import { shortNameOf } from '@grid141/shared';
import type { ChartOption } from '../echarts.ts';

/** Smallest text on the wall, in design pixels (style: nothing under 14 px at 1920×1080). */
export const LABEL_PX = 14;
export const AXIS_PX = 15;

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value === '' ? fallback : value;
}

export interface ChartTheme {
  /** Design pixels to CSS pixels. */
  px: (design: number) => number;
  fg: string;
  muted: string;
  line: string;
  panel: string;
  accent: string;
  ok: string;
  warn: string;
  danger: string;
  series: string[];
  base: () => ChartOption;
  categoryAxis: (extra?: Record<string, unknown>) => Record<string, unknown>;
  valueAxis: (extra?: Record<string, unknown>) => Record<string, unknown>;
  grid: (left: number, right: number, top: number, bottom: number) => Record<string, unknown>;
}

export function chartTheme(unit: number): ChartTheme {
  const px = (design: number) => Math.round(design * unit * 10) / 10;
  const fg = cssVar('--fg', '#eef4ff');
  const muted = cssVar('--fg-muted', '#b4c4dc');
  const line = cssVar('--line', '#24426e');
  const font = cssVar('--font', 'sans-serif');
  const series = [
    cssVar('--accent', '#4fc3ff'),
    cssVar('--accent-2', '#7ee0c3'),
    cssVar('--warn', '#ffb020'),
    '#b48cff',
    cssVar('--danger', '#ff6a5c'),
    '#f7d84a',
  ];
  return {
    px,
    fg,
    muted,
    line,
    panel: cssVar('--bg-panel', '#0b1628'),
    accent: cssVar('--accent', '#4fc3ff'),
    ok: cssVar('--ok', '#3ddc97'),
    warn: cssVar('--warn', '#ffb020'),
    danger: cssVar('--danger', '#ff6a5c'),
    series,
    base: () => ({
      backgroundColor: 'transparent',
      color: series,
      animationDuration: 600,
      animationDurationUpdate: 500,
      textStyle: { color: fg, fontSize: px(LABEL_PX), fontFamily: font },
      tooltip: { show: false },
    }),
    categoryAxis: (extra = {}) => ({
      type: 'category',
      axisLine: { lineStyle: { color: line, width: px(1) } },
      axisTick: { show: false },
      axisLabel: { color: muted, fontSize: px(AXIS_PX), margin: px(6) },
      ...extra,
    }),
    valueAxis: (extra = {}) => ({
      type: 'value',
      minInterval: 1,
      splitNumber: 3,
      splitLine: { lineStyle: { color: line, width: px(1) } },
      axisLabel: { color: muted, fontSize: px(AXIS_PX), margin: px(6) },
      ...extra,
    }),
    grid: (left, right, top, bottom) => ({ left: px(left), right: px(right), top: px(top), bottom: px(bottom), outerBoundsMode: 'same', outerBoundsContain: 'axisLabel' }),
  };
}

/** Entries of a count map, largest first, capped so a chart never grows past its frame. */
export function topEntries(counts: Record<string, number> | undefined, limit: number): [string, number][] {
  return Object.entries(counts ?? {})
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit);
}

/** Horizontal bars ranked largest on top, with their value at the bar's end (top teams, canteens, industries). */
export function rankedBarsBase(
  theme: ChartTheme,
  options: { colour: string | undefined; labelPx?: number; labelWidth?: number; barPx?: number; gridRight?: number },
): ChartOption {
  const labelPx = options.labelPx ?? LABEL_PX;
  return {
    ...theme.base(),
    grid: theme.grid(2, options.gridRight ?? 40, 2, 2),
    xAxis: theme.valueAxis({ show: false }),
    yAxis: theme.categoryAxis({ axisLabel: { color: theme.fg, fontSize: theme.px(labelPx), width: theme.px(options.labelWidth ?? labelPx * 8), overflow: 'truncate' } }),
    series: [
      {
        type: 'bar',
        barMaxWidth: theme.px(options.barPx ?? 14),
        itemStyle: { color: options.colour, borderRadius: [0, theme.px(3), theme.px(3), 0] },
        label: { show: true, position: 'right', color: theme.fg, fontSize: theme.px(labelPx), formatter: '{c}' },
      },
    ],
  };
}

/** A donut with its legend on the right (price tiers, entity types). */
export function donutBase(theme: ChartTheme): ChartOption {
  return {
    ...theme.base(),
    legend: {
      orient: 'vertical',
      right: 0,
      top: 'middle',
      itemWidth: theme.px(12),
      itemHeight: theme.px(12),
      itemGap: theme.px(6),
      textStyle: { color: theme.fg, fontSize: theme.px(LABEL_PX) },
    },
    series: [
      {
        type: 'pie',
        // The donut keeps to the left half and the legend to the right, whatever the cell's
        // shape: a centre and radius in % of the whole cell overflow a tall, narrow one.
        left: 0,
        width: '50%',
        radius: ['48%', '82%'],
        center: ['50%', '50%'],
        // Nothing counted yet: no ring at all, not four equal slices of nothing.
        stillShowZeroSum: false,
        label: { show: false },
        itemStyle: { borderColor: theme.panel, borderWidth: theme.px(2) },
      },
    ],
  };
}

/** One slice per code of a shared code list, named in the wall's language; all zero draws none (stillShowZeroSum). */
export function donutData(
  list: readonly { code: string; zh: string; en: string; short?: string; shortEn?: string }[],
  counts: Record<string, number> | undefined,
  lang: 'zh' | 'en',
): ChartOption {
  // Short names where the list has them: the legend has half the cell beside the ring.
  const rows = list.map((item) => ({ name: shortNameOf(list, item.code, lang), value: counts?.[item.code] ?? 0 }));
  return { legend: { data: rows.map((row) => row.name) }, series: [{ data: rows }] };
}
