// Display helpers of the desk: countdowns, street-time clock text, code names in the page language.
import { CATEGORIES, COLOURS, SOURCES, STATUSES, URGENCIES } from '@grid141/shared';
import { codeLang } from '../i18n/index.ts';

/** "3天4时", "2时05分", "4分07秒": the two largest units of a duration in ms. */
export function duration(ms: number, lang: 'zh' | 'en' = codeLang()): string {
  const s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (lang === 'en') {
    if (d > 0) return `${d}d ${h}h`;
    if (h > 0) return `${h}h ${two(m)}m`;
    return `${m}m ${two(sec)}s`;
  }
  if (d > 0) return `${d}天${h}时`;
  if (h > 0) return `${h}时${two(m)}分`;
  return `${m}分${two(sec)}秒`;
}

/** red when late, amber when under a quarter of the stage (at most 30 min) is left. */
export function countdownTone(dueAt: string, stageStart: string, now: number): 'late' | 'soon' | 'ok' {
  const due = Date.parse(dueAt);
  if (due <= now) return 'late';
  const span = Math.max(60_000, due - Date.parse(stageStart));
  return due - now <= Math.min(30 * 60_000, span / 4) ? 'soon' : 'ok';
}

const fmt = new Map<string, Intl.DateTimeFormat>();
/** "11-30 22:05" in the street's time zone. */
export function clock(iso: string, withDate = true, tz = 'Asia/Shanghai'): string {
  const key = `${withDate}:${tz}`;
  let f = fmt.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('zh-CN', { timeZone: tz, hour12: false, hour: '2-digit', minute: '2-digit', ...(withDate ? { month: '2-digit', day: '2-digit' } : {}) });
    fmt.set(key, f);
  }
  return f.format(new Date(iso)).replace(/\//g, '-');
}

type Lists = typeof CATEGORIES | typeof COLOURS | typeof SOURCES | typeof STATUSES | typeof URGENCIES;
function nameIn(list: Lists, code: string): string {
  const found = (list as readonly { code: string; zh: string; en: string }[]).find((c) => c.code === code);
  return found ? found[codeLang()] : code;
}
export const categoryName = (code: string) => nameIn(CATEGORIES, code);
export const colourName = (code: string) => nameIn(COLOURS, code);
export const sourceName = (code: string) => nameIn(SOURCES, code);
export const statusName = (code: string) => nameIn(STATUSES, code);
export const urgencyName = (code: string) => nameIn(URGENCIES, code);
