// Countdown arithmetic of the desk (no page state, so it is tested alone).

/** "3天4时", "2时05分", "4分07秒": the two largest units of a duration in ms. */
export function duration(ms: number, lang: 'zh' | 'en'): string {
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

/** red when late, amber when half the stage (at most 30 min) or less is left. */
export function countdownTone(dueAt: string, stageStart: string, now: number): 'late' | 'soon' | 'ok' {
  const due = Date.parse(dueAt);
  if (due <= now) return 'late';
  const span = Math.max(60_000, due - Date.parse(stageStart));
  return due - now <= Math.min(30 * 60_000, span / 2) ? 'soon' : 'ok';
}

