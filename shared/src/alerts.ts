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
 * The cell an alarm without a building in its address folds by: WGS84 degrees rounded to 0.0005°
 * (about 50 m north–south and 45 m east–west at Chongqing's latitude), a building and its
 * neighbour at most. A cell edge must not split one building (issue 8 §5: 40 gas alarms 0.2 m
 * apart across an edge gave ×20 and a second line), so an alarm also joins a held group of a
 * neighbouring cell whose anchor is within this distance on both axes (`alertFoldKey`).
 */
export const ALERT_PLACE_DEGREES = 0.0005;

type FoldFields = Pick<Alert, 'id' | 'kind' | 'code' | 'location' | 'gridId' | 'communityId' | 'address'>;

const cellOf = (v: number): number => Math.round(v / ALERT_PLACE_DEGREES);

function placeCell(alert: Pick<Alert, 'location' | 'gridId' | 'communityId'>): string {
  if (alert.location) return `${cellOf(alert.location.lng)},${cellOf(alert.location.lat)}`;
  return alert.gridId ?? alert.communityId ?? '-';
}

/** Where a building's name ends in an address: 栋/幢/座, or 号楼. */
const BUILDING = /^.*?(?:[栋幢座]|号楼)/u;

/**
 * The building an alarm's address names, normalised (NFKC, so "８栋" is "8栋"; trimmed; whitespace
 * runs made one space): "石油路5栋2单元1201" → "石油路5栋", "大坪正街  8栋" → "大坪正街 8栋". Null when
 * the address is missing or names no building (then the alarm folds by place: a bare street
 * address would split a storm flat by flat, or join two buildings on one street).
 */
export function alarmBuilding(address: string | null | undefined): string | null {
  const flat = (address ?? '').normalize('NFKC').replace(/\s+/gu, ' ').trim();
  if (!flat) return null;
  return BUILDING.exec(flat)?.[0].trim() ?? null;
}

/**
 * Alerts with one key fold into one line with a count: alarms of one type from one building (by
 * the building its address names when it names one, else by place: `ALERT_PLACE_DEGREES`),
 * overdue incidents of one category in one community. A critical incident never folds: each is a
 * person to reach. This is the key of the alert's own cell; a store holding groups uses
 * `alertFoldKey`, which also joins a near group of the next cell.
 */
export function alertGroupKey(alert: FoldFields): string {
  if (alert.kind === 'alarm') {
    const building = alarmBuilding(alert.address);
    return building ? `alarm:${alert.code}:b:${building}` : `alarm:${alert.code}:${placeCell(alert)}`;
  }
  if (alert.kind === 'overdue') return `overdue:${alert.code}:${alert.communityId ?? '-'}`;
  return alert.id;
}

/**
 * The fold group an alert joins among those a store holds. `anchorOf(key)` gives a held group's
 * anchor (the place of the alert that opened it) or undefined when no such group is held. An
 * alarm folded by place whose own cell holds no group joins a neighbouring cell's group whose
 * anchor is within `ALERT_PLACE_DEGREES` on both axes (the nearest when several are); else its
 * own key (`alertGroupKey`). Points farther apart than that never fold by this rule.
 */
export function alertFoldKey(alert: FoldFields, anchorOf: (key: string) => { lng: number; lat: number } | null | undefined): string {
  const own = alertGroupKey(alert);
  if (alert.kind !== 'alarm' || !alert.location || alarmBuilding(alert.address) || anchorOf(own) !== undefined) return own;
  const { lng, lat } = alert.location;
  const x = cellOf(lng);
  const y = cellOf(lat);
  let best: { key: string; d: number } | null = null;
  for (let dx = -1; dx <= 1; dx += 1) {
    for (let dy = -1; dy <= 1; dy += 1) {
      if (dx === 0 && dy === 0) continue;
      const key = `alarm:${alert.code}:${x + dx},${y + dy}`;
      const anchor = anchorOf(key);
      if (!anchor) continue;
      const ex = Math.abs(anchor.lng - lng);
      const ey = Math.abs(anchor.lat - lat);
      if (ex > ALERT_PLACE_DEGREES || ey > ALERT_PLACE_DEGREES) continue;
      if (!best || ex + ey < best.d) best = { key, d: ex + ey };
    }
  }
  return best?.key ?? own;
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
