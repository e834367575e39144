// How the report writes its numbers: rates as percent with one decimal, minutes and hours
// rounded, changes with their sign, dates and times in the street's zone.
import type { WeekChange } from '@grid141/shared';

export type Locale = 'zh-CN' | 'en';

export function formatNumber(value: number, locale: Locale, digits = 0): string {
  return value.toLocaleString(locale === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** A key figure's value: '—' for none, rates ×100 with one decimal. */
export function formatFigure(value: number | null, unit: WeekChange['unit'], locale: Locale): string {
  if (value === null) return '—';
  if (unit === 'rate') return formatNumber(Math.round(value * 1000) / 10, locale, 1);
  if (unit === 'minutes' || unit === 'hours') return formatNumber(value, locale, value < 100 ? 1 : 0);
  return formatNumber(value, locale);
}

/** '+12 (+8.5%)', '−3.2 pp', '±0'; '' when there is nothing to compare. */
export function formatDelta(change: WeekChange, locale: Locale, pp: string): string {
  if (change.delta === null) return '';
  const sign = change.delta > 0 ? '+' : change.delta < 0 ? '−' : '±';
  const magnitude = formatNumber(Math.abs(change.delta), locale, 1);
  if (change.unit === 'rate') return `${sign}${magnitude}${pp}`;
  const pct = change.pct === null ? '' : ` (${change.pct > 0 ? '+' : change.pct < 0 ? '−' : '±'}${formatNumber(Math.abs(change.pct), locale, 1)}%)`;
  return `${sign}${magnitude}${pct}`;
}

/** 'good' when the change goes the way `better` says, 'bad' against it, 'neutral' otherwise. */
export function changeTone(change: WeekChange): 'good' | 'bad' | 'neutral' {
  if (change.better === null || change.direction === 'flat' || change.direction === 'none') return 'neutral';
  return change.direction === change.better ? 'good' : 'bad';
}

/** 'MM-DD HH:MM' of an instant in tz. */
export function localDateTime(iso: string, tz: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`;
}

/** '2026年11月16日' / '16 Nov 2026' of a 'YYYY-MM-DD' day. */
export function longDate(day: string, locale: Locale): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  if (locale === 'en') return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' });
  return `${y}年${m}月${d}日`;
}
