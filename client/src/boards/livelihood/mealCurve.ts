// The day's meal curve on a fixed 06:00–21:00 axis of quarter hours, so the lunch peak sits still.
export const CURVE_START_MIN = 6 * 60;
export const CURVE_END_MIN = 21 * 60;
export const LUNCH_FROM = '11:00';
export const LUNCH_TO = '13:00';

function minutesOf(t: string): number {
  const [h, m] = t.split(':');
  return Number(h) * 60 + Number(m);
}

export function slotLabels(): string[] {
  const labels: string[] = [];
  for (let min = CURVE_START_MIN; min < CURVE_END_MIN; min += 15) {
    labels.push(`${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`);
  }
  return labels;
}

/** Meals per slot; slots not reported yet (later today) stay null so the line stops at now. */
export function curveValues(quarterHourly: readonly { t: string; meals: number }[]): (number | null)[] {
  const labels = slotLabels();
  const values: (number | null)[] = labels.map(() => null);
  let last = -1;
  for (const row of quarterHourly) {
    const index = (minutesOf(row.t) - CURVE_START_MIN) / 15;
    if (index < 0 || index >= labels.length || !Number.isInteger(index)) continue;
    values[index] = row.meals;
    last = Math.max(last, index);
  }
  // Quarter hours without a row before the latest one had no meals.
  for (let i = 0; i <= last; i += 1) values[i] ??= 0;
  return values;
}
