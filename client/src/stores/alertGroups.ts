// The wall's standing alerts, folded: alerts with one fold key (`alertFoldKey` from shared: alarms
// of one type from one building, or from near places) are one group with a true count, shown as one line; groups are
// ordered by severity (`alertRank`: a person in danger first), then the newest. Bounded in groups
// and ids, never dropping a group more severe than the one that grows. Issue 8 §5; docs/client.md.
import { alertFoldKey, alertRank, type Alert } from '@grid141/shared';
import type { WallAlert } from './wallTypes.ts';

/** Groups kept; past it the least severe, quietest one goes (a kiosk wall nobody acknowledges). */
export const ALERT_GROUPS_MAX = 100;
/** Ids remembered per group (for de-duplication and acknowledging); past it the count still grows. */
export const ALERT_GROUP_IDS_MAX = 2_000;
/** Like the server's standing alerts: a group with nothing newer than this is let go. */
export const ALERT_GROUP_MAX_AGE_MS = 6 * 3_600_000;

export interface AlertGroup {
  key: string;
  rank: number;
  /** The newest alert of the group: what its line says (kind, type, time, device, words). */
  lead: WallAlert;
  /** The ids folded here, oldest first (bounded). */
  ids: Set<string>;
  /** Standing alerts the group stands for: what the wall says, ×count. */
  count: number;
  /** The common start of the members' addresses cut at a building word ("5栋"), null when none. */
  place: string | null;
  /** Client clock of the newest arrival (ms). */
  lastReceivedAt: number;
}

interface GroupState extends AlertGroup {
  /** Standing alerts counted but not held as ids (a replayed group's others, ids past the bound). */
  extra: number;
  /** Whether every member so far had an address (else the place is the community's). */
  allAddressed: boolean;
  /** Where the alert that opened the group was (`alertFoldKey` joins near ones to it). */
  anchor: { lng: number; lat: number } | null;
}

/** Where a building's name ends in an address: 栋/幢/号楼… or a separator. */
const PLACE_END = /[栋幢座楼号院区苑村弄巷\s,，\-—/]/u;

/**
 * The common start of two addresses, cut back to the end of its last building word, so
 * "石油路5栋2单元1201" and "石油路5栋3单元802" give "石油路5栋" (never a dangling "5栋2单元").
 */
export function commonPlace(a: string, b: string): string | null {
  const x = [...a];
  const y = [...b];
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n += 1;
  if (n === x.length && n === y.length) return a.trim() || null;
  let end = n;
  while (end > 0 && !PLACE_END.test(x[end - 1] as string)) end -= 1;
  const place = x.slice(0, end).join('').replace(/[\s,，\-—/]+$/u, '');
  return place || null;
}

/** The building an address names: up to its first 栋/幢/座 ("石油路5栋4单元105室" → "石油路5栋"), else all of it. */
export function buildingOf(address: string): string {
  return /^.*?[栋幢座]/u.exec(address)?.[0] ?? address;
}

export class AlertBoard {
  private readonly groups = new Map<string, GroupState>();
  private readonly groupOf = new Map<string, string>();

  /** Folds in one alert; null when this screen holds it already (a replay after a reconnect). */
  add(alert: Alert, receivedAt: number): AlertGroup | null {
    const known = this.groupOf.get(alert.id);
    const key = known ?? alertFoldKey(alert, (k) => this.groups.get(k)?.anchor);
    const wall: WallAlert = { ...alert, receivedAt, acknowledged: false };
    let group = this.groups.get(key);
    if (known !== undefined && group) {
      // Already here: a replay may still bring the group's true count (alarms resolved or added meanwhile).
      if (alert.replay && alert.count !== undefined) this.rebase(group, alert.count);
      return null;
    }
    if (!group) {
      group = {
        key, rank: alertRank(alert), lead: wall, ids: new Set(), count: 0, place: alert.address?.trim() || null,
        lastReceivedAt: receivedAt, extra: 0, allAddressed: Boolean(alert.address?.trim()), anchor: alert.location ?? null,
      };
      this.groups.set(key, group);
    } else {
      if (alert.at >= group.lead.at) group.lead = wall;
      group.lastReceivedAt = Math.max(group.lastReceivedAt, receivedAt);
      const address = alert.address?.trim();
      group.allAddressed &&= Boolean(address);
      group.place = group.allAddressed && group.place && address ? commonPlace(group.place, address) : null;
    }
    group.ids.add(alert.id);
    this.groupOf.set(alert.id, key);
    if (group.ids.size > ALERT_GROUP_IDS_MAX) {
      const oldest = group.ids.values().next().value as string;
      group.ids.delete(oldest);
      this.groupOf.delete(oldest);
      group.extra += 1; // the dropped id still counts
    }
    if (alert.replay && alert.count !== undefined) this.rebase(group, alert.count);
    group.count = group.ids.size + group.extra;
    this.bound(group);
    return this.groups.has(key) ? group : null;
  }

  /**
   * Alerts the server says no longer stand (resolved, closed): each lowers its line's count, known
   * id or not (a replayed line counts ids it never saw); a line at zero goes. True when anything changed.
   */
  end(items: readonly { id: string; group: string }[]): boolean {
    let changed = false;
    for (const { id, group: key } of items) {
      const group = this.groups.get(this.groupOf.get(id) ?? key);
      if (!group) continue;
      if (group.ids.delete(id)) this.groupOf.delete(id);
      else if (group.extra > 0) group.extra -= 1;
      else continue;
      group.count = group.ids.size + group.extra;
      if (group.count <= 0) this.acknowledge(group.key);
      changed = true;
    }
    return changed;
  }

  /** Lets a group go (acknowledged): the ids it held, for the caller to remember. */
  acknowledge(key: string): string[] {
    const group = this.groups.get(key);
    if (!group) return [];
    this.groups.delete(key);
    for (const id of group.ids) this.groupOf.delete(id);
    return [...group.ids];
  }

  /** Groups with nothing newer than maxAgeMs (by the alert's own time) go. */
  prune(now: number, maxAgeMs = ALERT_GROUP_MAX_AGE_MS): boolean {
    let changed = false;
    for (const group of [...this.groups.values()]) {
      if (now - Date.parse(group.lead.at) > maxAgeMs) {
        this.acknowledge(group.key);
        changed = true;
      }
    }
    return changed;
  }

  /** Most severe first, then the newest arrival; copies (a screen sees a change as a new object). */
  list(): AlertGroup[] {
    return [...this.groups.values()].map((group) => ({ ...group })).sort((a, b) => b.rank - a.rank || b.lastReceivedAt - a.lastReceivedAt || (b.lead.at > a.lead.at ? 1 : -1));
  }

  /** Standing alerts in all groups. */
  total(): number {
    let sum = 0;
    for (const group of this.groups.values()) sum += group.count;
    return sum;
  }

  private rebase(group: GroupState, count: number): void {
    // A replayed storm arrives as its newest alert only: name its building, not that one flat.
    if (count > 1 && group.ids.size === 1 && group.place) group.place = buildingOf(group.place);
    // The server's count holds every standing alert of the group, those held here included.
    group.extra = Math.max(0, count - group.ids.size);
    group.count = group.ids.size + group.extra;
  }

  private bound(grown: GroupState): void {
    while (this.groups.size > ALERT_GROUPS_MAX) {
      let victim: GroupState | null = null;
      for (const group of this.groups.values()) {
        if (group === grown) continue;
        if (!victim || group.rank < victim.rank || (group.rank === victim.rank && group.lastReceivedAt < victim.lastReceivedAt)) victim = group;
      }
      if (!victim || victim.rank > grown.rank) victim = grown;
      this.acknowledge(victim.key);
      if (victim === grown) return;
    }
  }
}
