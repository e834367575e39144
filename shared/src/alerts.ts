// How alerts rank and fold, the same on the server (what it keeps and replays) and on the wall
// (what it shows first, what it folds into one line). Issue 8 §5–6; docs/api.md, Live feed.
import type { Alert } from './events.ts';

/**
 * Severity, highest first: 3 a person may be in danger (a critical incident, an SOS, a fall, an
 * abnormal heart rate), 2 a building may be (smoke, gas leak), 1 a deadline passed (overdue).
 */
export type AlertRank = 1 | 2 | 3;

const PERSON_ALARMS: ReadonlySet<string> = new Set(['sos', 'fall', 'abnormal_hr']);

export function alertRank(alert: Pick<Alert, 'kind' | 'code'>): AlertRank {
  if (alert.kind === 'critical-incident') return 3;
  if (alert.kind === 'alarm') return PERSON_ALARMS.has(alert.code) ? 3 : 2;
  return 1;
}

/**
 * The cell a building's alarms share: WGS84 degrees rounded to 0.0005° (about 50 m north–south
 * and 45 m east–west at Chongqing's latitude), a building and its neighbour at most.
 */
export const ALERT_PLACE_DEGREES = 0.0005;

function placeCell(alert: Pick<Alert, 'location' | 'gridId' | 'communityId'>): string {
  if (alert.location) {
    const cell = (v: number) => Math.round(v / ALERT_PLACE_DEGREES);
    return `${cell(alert.location.lng)},${cell(alert.location.lat)}`;
  }
  return alert.gridId ?? alert.communityId ?? '-';
}

/**
 * Alerts with one key fold into one line with a count: alarms of one type from one place (a storm
 * of 200 smoke alarms in one building), overdue incidents of one category in one community. A
 * critical incident never folds: each is a person to reach.
 */
export function alertGroupKey(alert: Pick<Alert, 'id' | 'kind' | 'code' | 'location' | 'gridId' | 'communityId'>): string {
  if (alert.kind === 'alarm') return `alarm:${alert.code}:${placeCell(alert)}`;
  if (alert.kind === 'overdue') return `overdue:${alert.code}:${alert.communityId ?? '-'}`;
  return alert.id;
}

/** The most of an incident's words an alert carries (code points); the wall cuts further to fit. */
export const ALERT_TEXT_MAX = 80;

/**
 * What happened, in the reporter's words: the title if there is one, else the start of the
 * description, whitespace runs made single spaces, at most `max` code points (an ellipsis when cut;
 * never half of a surrogate pair). Plain text: a screen renders it as text, never as HTML.
 */
export function alertText(title: string | null | undefined, description: string | null | undefined, max = ALERT_TEXT_MAX): string | undefined {
  const source = (title?.trim() ? title : description) ?? '';
  const flat = source.replace(/\s+/g, ' ').trim();
  if (!flat) return undefined;
  const points = [...flat];
  return points.length <= max ? flat : `${points.slice(0, max - 1).join('').trimEnd()}…`;
}
