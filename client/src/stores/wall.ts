// The wall's one source of truth: static street data from the API, live figures, incidents
// and alerts from the /live socket. Components read it; only src/live/socket.ts writes the live part.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import { alertRank, applyDelta, startOfDay, STATUSES, type Alert, type Delta, type DutyPayload, type EmergencyPayload, type Incident, type Summary } from '@grid141/shared';
import { getJson } from '../live/api.ts';
import { dayIn, INCIDENT_CAP, pruneIncidents } from './incidentWindow.ts';
import { rememberAcknowledged, wasAcknowledged } from './acknowledgedAlerts.ts';
import { AlertBoard, type AlertGroup } from './alertGroups.ts';
import { ChimeLimiter } from '../components/alerts/chimeLimiter.ts';
import type { ConnectionState, LiveTransport, StreetInfo, Taxonomy, WallAccess, WallAlert } from './wallTypes.ts';

export type { ConnectionState, LiveTransport, StreetInfo, Taxonomy, WallAccess, WallAlert } from './wallTypes.ts';
export type { AlertGroup } from './alertGroups.ts';
/** The server's largest page of GET /api/v1/incidents. */
const INCIDENT_PAGE = 500;
/** No message for this long: the wall says how old its figures are. */
export const STALE_AFTER_MS = 10_000;

export const useWallStore = defineStore('wall', () => {
  const street = shallowRef<StreetInfo | null>(null);
  const taxonomy = shallowRef<Taxonomy | null>(null);
  const summary = shallowRef<Summary | null>(null);
  const seq = ref(0);
  const incidentMap = shallowRef(new Map<string, Incident>());
  // Standing alerts folded by place and kind (alertGroups.ts); `alertsChanged` makes them reactive.
  const board = new AlertBoard();
  const alertsChanged = ref(0);
  /** The newest alert that arrived live (not replayed): where the map flashes. */
  const latestAlert = shallowRef<WallAlert | null>(null);
  /** Counts the chimes asked for (rate-limited, chimeLimiter.ts); the alert layer plays one per step. */
  const chimes = ref(0);
  const chimeLimiter = new ChimeLimiter();
  const connection = ref<ConnectionState>('connecting');
  /** The transport of the current /live connection; null before the first. */
  const transport = ref<LiveTransport | null>(null);
  /** Whether the server accepts this wall's token: anything but 'ok' replaces the wall with the access screen. */
  const access = ref<WallAccess>('ok');
  const lastMessageAt = ref<number | null>(null);
  const serverVersion = ref<string | null>(null);
  /** Who is on duty, as /live last said (it changes at each shift); null until it speaks. */
  const liveDuty = shallowRef<DutyPayload | null>(null);
  /** Emergency mode (战时模式) as /live last said; null when off. */
  const emergency = shallowRef<EmergencyPayload['active']>(null);
  /** Wall clock (ms), ticked once a second by the live connection's owner. */
  const now = ref(Date.now());

  const timeZone = computed(() => street.value?.timeZone ?? 'Asia/Shanghai');
  const simulated = computed(() => summary.value?.simulated === true);
  const duty = computed(() => liveDuty.value ?? street.value?.duty ?? null);
  /** Today's and open incidents, newest first. */
  const incidents = computed<Incident[]>(() =>
    [...incidentMap.value.values()].sort((a, b) => Date.parse(b.reportedAt) - Date.parse(a.reportedAt)),
  );
  /** Alert groups not acknowledged on this screen, most severe first, then the newest. */
  const alertGroups = computed<AlertGroup[]>(() => {
    void alertsChanged.value;
    return board.list();
  });
  /** How many standing alerts those groups hold (the true count, folded ones included). */
  const alertCount = computed(() => {
    void alertsChanged.value;
    return board.total();
  });
  const secondsSinceMessage = computed(() =>
    lastMessageAt.value === null ? null : Math.max(0, Math.floor((now.value - lastMessageAt.value) / 1000)),
  );

  async function loadStatic(signal?: AbortSignal): Promise<void> {
    const [streetJson, taxonomyJson] = await Promise.all([
      getJson<StreetInfo>('/api/v1/street', signal),
      getJson<Taxonomy>('/api/v1/taxonomy', signal),
    ]);
    street.value = streetJson;
    taxonomy.value = taxonomyJson;
  }

  /** Best effort: the incidents already on the server when the wall opens (the socket sends only changes). */
  async function loadIncidents(signal?: AbortSignal): Promise<void> {
    // The map shows every open incident and all of today's: ask for exactly those two sets,
    // a page at a time, within the window's cap.
    const open = STATUSES.filter((s) => !s.terminal).map((s) => s.code).join(',');
    const todayFrom = new Date(startOfDay(Date.now(), timeZone.value)).toISOString();
    let fetched = 0;
    try {
      for (const filter of [`status=${open}`, `from=${encodeURIComponent(todayFrom)}`]) {
        let cursor: string | null = null;
        while (fetched < INCIDENT_CAP) {
          const query = `${filter}&limit=${INCIDENT_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
          const page: { items: Incident[]; nextCursor?: string | null } = await getJson(`/api/v1/incidents?${query}`, signal);
          upsertIncidents(page.items);
          fetched += page.items.length;
          cursor = page.nextCursor ?? null;
          if (!cursor || page.items.length === 0) break;
        }
      }
    } catch {
      // the live feed fills the map anyway; an older server may not list incidents to viewers
    }
  }

  function touch(at = Date.now()): void {
    lastMessageAt.value = at;
    now.value = at;
    if (connection.value === 'stale') connection.value = 'live';
  }

  function tick(at = Date.now()): void {
    now.value = at;
    if (connection.value === 'live' && lastMessageAt.value !== null && at - lastMessageAt.value >= STALE_AFTER_MS) {
      connection.value = 'stale';
    }
    // Midnight in the street's zone: yesterday's closed incidents leave the window.
    if (incidentMap.value.size > 0 && at % 60_000 < 1000) pruneNow(at);
    // Alerts the server no longer replays (6 h) leave a wall nobody acknowledges.
    if (at % 60_000 < 1000 && board.prune(at)) alertsChanged.value += 1;
  }

  function setConnection(state: ConnectionState): void {
    connection.value = state;
  }

  function setTransport(name: LiveTransport): void {
    transport.value = name;
  }

  function setAccess(state: WallAccess): void {
    access.value = state;
  }

  function applySnapshot(payload: { seq: number; summary: Summary }): void {
    summary.value = payload.summary;
    seq.value = payload.seq;
  }

  /** Applies a delta in order; false when it does not follow (a gap): the caller resumes. */
  function applyDeltaPayload(delta: Delta): boolean {
    if (delta.seq <= seq.value) return true; // already have it (a resend after resume)
    if (!summary.value || delta.seq !== seq.value + 1) return false;
    summary.value = applyDelta(summary.value, delta);
    seq.value = delta.seq;
    return true;
  }

  function pruneNow(at = Date.now()): void {
    pruneIncidents(incidentMap.value, dayIn(timeZone.value, at), timeZone.value);
    triggerRef(incidentMap);
  }

  function upsertIncidents(items: readonly Incident[]): void {
    const map = incidentMap.value;
    for (const item of items) map.set(item.id, item);
    pruneNow();
  }

  function pushAlert(alert: Alert, at = Date.now()): void {
    // Ids are stable per alerting thing: one this screen acknowledged (even before a reload) stays so.
    if (wasAcknowledged(alert.id)) return;
    const group = board.add(alert, at);
    alertsChanged.value += 1;
    if (!group || alert.replay) return;
    latestAlert.value = group.lead.id === alert.id ? group.lead : { ...alert, receivedAt: at, acknowledged: false };
    if (chimeLimiter.admit(alertRank(alert), at)) chimes.value += 1;
  }

  /** The server says these alerts no longer stand: their lines count down, and go at zero. */
  function endAlerts(items: readonly { id: string; group: string }[]): void {
    if (board.end(items)) alertsChanged.value += 1;
  }

  /** Acknowledges a whole group (one line on the wall) on this screen. */
  function acknowledge(key: string): void {
    const ids = board.acknowledge(key);
    if (ids.length === 0) return;
    rememberAcknowledged(ids);
    alertsChanged.value += 1;
  }

  function setEmergency(payload: EmergencyPayload): void {
    emergency.value = payload.active;
  }

  function setDuty(payload: DutyPayload): void {
    liveDuty.value = payload;
  }

  /** Remembers the first version seen; true when the server now runs another one. */
  function noteServerVersion(version: string): boolean {
    if (serverVersion.value === null) {
      serverVersion.value = version;
      return false;
    }
    return serverVersion.value !== version;
  }

  return {
    street, taxonomy, summary, seq, incidentMap, incidents, alertGroups, alertCount, latestAlert, chimes,
    connection, transport, access, lastMessageAt, serverVersion, now, timeZone, simulated, secondsSinceMessage, duty,
    loadStatic, loadIncidents, touch, tick, setConnection, setTransport, setAccess, applySnapshot, applyDeltaPayload,
    upsertIncidents, pushAlert, endAlerts, acknowledge, noteServerVersion, pruneNow, setDuty, emergency, setEmergency,
  };
});

export type WallStore = ReturnType<typeof useWallStore>;
