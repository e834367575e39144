// Display helpers of the desk: countdowns, street-time clock text, code names in the page language.
import { ALARM_TYPES, CATEGORIES, COLOURS, SOURCES, STATUSES, URGENCIES } from '@grid141/shared';
import { codeLang } from '../i18n/index.ts';
import { duration as durationIn } from './countdown.ts';

export { countdownTone } from './countdown.ts';
export const duration = (ms: number) => durationIn(ms, codeLang());

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

type Lists = typeof ALARM_TYPES | typeof CATEGORIES | typeof COLOURS | typeof SOURCES | typeof STATUSES | typeof URGENCIES;
function nameIn(list: Lists, code: string): string {
  const found = (list as readonly { code: string; zh: string; en: string }[]).find((c) => c.code === code);
  return found ? found[codeLang()] : code;
}
export const categoryName = (code: string) => nameIn(CATEGORIES, code);
export const colourName = (code: string) => nameIn(COLOURS, code);
export const sourceName = (code: string) => nameIn(SOURCES, code);
export const statusName = (code: string) => nameIn(STATUSES, code);
export const urgencyName = (code: string) => nameIn(URGENCIES, code);
export const alarmName = (code: string) => nameIn(ALARM_TYPES, code);
