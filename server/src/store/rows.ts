// Between table rows and the shared shapes: column lists for the unnest inserts, and the
// mapping of a selected row back to an Incident / FeedRecord / HistoryEntry.
import { FEED_TIME_FIELD, incidentSearchText, isOpenStatus, searchGrams, type FeedKind, type FeedRecord, type HistoryEntry, type Incident, type IncidentStatus } from '@grid141/shared';
import type { NewFeedRecord, NewIncident } from './types.ts';

type Column<T> = readonly [name: string, arrayType: string, value: (row: T) => unknown, cast?: string];

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** Every incident column, in insert order; jsonb travels as text and is cast in SQL. */
export const INCIDENT_COLUMNS: readonly Column<NewIncident>[] = [
  ['id', 'text', (r) => r.id],
  ['street_id', 'text', (r) => r.streetId],
  ['external_id', 'text', (r) => r.externalId],
  ['source', 'text', (r) => r.source],
  ['category', 'text', (r) => r.category],
  ['subcategory', 'text', (r) => r.subcategory],
  ['urgency', 'text', (r) => r.urgency],
  ['colour', 'text', (r) => r.colour],
  ['status', 'text', (r) => r.status],
  ['title', 'text', (r) => r.title],
  ['description', 'text', (r) => r.description],
  ['lng', 'float8', (r) => r.location.lng],
  ['lat', 'float8', (r) => r.location.lat],
  ['address', 'text', (r) => r.address],
  ['reporter', 'text', (r) => json(r.reporter), 'jsonb'],
  ['photos', 'text', (r) => json(r.photos), 'jsonb'],
  ['grid_id', 'text', (r) => r.gridId],
  ['micro_grid_id', 'text', (r) => r.microGridId],
  ['community_id', 'text', (r) => r.communityId],
  ['outside_area', 'bool', (r) => r.outsideArea],
  ['reported_at', 'timestamptz', (r) => r.reportedAt],
  ['received_at', 'timestamptz', (r) => r.receivedAt],
  ['updated_at', 'timestamptz', (r) => r.updatedAt],
  ['accepted_at', 'timestamptz', (r) => r.acceptedAt],
  ['dispatched_at', 'timestamptz', (r) => r.dispatchedAt],
  ['on_site_at', 'timestamptz', (r) => r.onSiteAt],
  ['handled_at', 'timestamptz', (r) => r.handledAt],
  ['closed_at', 'timestamptz', (r) => r.closedAt],
  ['due_at', 'timestamptz', (r) => r.dueAt],
  ['sla_profile', 'text', (r) => r.slaProfile],
  ['assignee', 'text', (r) => r.assignee],
  ['escalations', 'text', (r) => json(r.escalations), 'jsonb'],
  ['evaluation', 'text', (r) => json(r.evaluation), 'jsonb'],
  ['simulated', 'bool', (r) => r.simulated],
  ['accept_by', 'timestamptz', (r) => r.acceptBy ?? null],
  ['arrive_by', 'timestamptz', (r) => r.arriveBy ?? null],
  ['handle_by', 'timestamptz', (r) => r.handleBy ?? null],
  // The desk's search index (two characters at a time); written, never read back.
  ['search_grams', 'text', (r) => textArrayLiteral(searchGrams(incidentSearchText(r.description, r.address))), 'text[]'],
  ['possible_duplicate_of', 'text', (r) => r.possibleDuplicateOf ?? null],
  ['merged_into', 'text', (r) => r.mergedInto ?? null],
];

/** A PostgreSQL array literal ('{"a","b"}'): unnest cannot take an array of arrays, so it travels as text. */
export function textArrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/[\\"]/g, '\\$&')}"`).join(',')}}`;
}

/** A feed record with the feed it belongs to: drills and inspections carry a `kind` of their own. */
export interface FeedRow {
  feed: FeedKind;
  record: NewFeedRecord;
}

export const FEED_COLUMNS: readonly Column<FeedRow>[] = [
  ['id', 'text', (r) => r.record.id],
  ['street_id', 'text', (r) => r.record.streetId],
  ['kind', 'text', (r) => r.feed],
  ['external_id', 'text', (r) => r.record.externalId],
  ['payload', 'text', (r) => JSON.stringify(feedPayload(r)), 'jsonb'],
  ['occurred_at', 'timestamptz', (r) => occurredAtOf(r.feed, r.record)],
  ['received_at', 'timestamptz', (r) => r.record.receivedAt],
  ['grid_id', 'text', (r) => r.record.gridId],
  ['community_id', 'text', (r) => r.record.communityId],
  ['simulated', 'bool', (r) => r.record.simulated],
  ['resolved_at', 'timestamptz', (r) => (r.record as { resolvedAt?: string }).resolvedAt ?? null],
];

/** `INSERT INTO t (cols) SELECT cols FROM unnest($1::type[], ...)`: one statement for the whole batch. */
export function unnestSelect<T>(columns: readonly Column<T>[]): { names: string; select: string } {
  const names = columns.map(([name]) => name).join(', ');
  const args = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const picks = columns.map(([name, , , cast]) => (cast ? `${name}::${cast}` : name)).join(', ');
  return { names, select: `SELECT ${picks} FROM unnest(${args}) AS input(${names})` };
}

/**
 * The rows as one JSON text of objects keyed by column name (`json_to_recordset`), the `payload`
 * column as its object: one parameter instead of one text array per column. On the embedded store
 * a batch goes in with a fraction of the parameter encoding (imports: insertFeedCount).
 */
export function feedJson(rows: readonly FeedRow[]): string {
  return JSON.stringify(rows.map((r) => {
    const row: Record<string, unknown> = {};
    for (const [name, , value] of FEED_COLUMNS) row[name] = name === 'payload' ? feedPayload(r) : value(r);
    return row;
  }));
}

/** `INSERT INTO t (cols) SELECT cols FROM json_to_recordset($1::json)`: the batch as one JSON text (feedJson). */
export function jsonSelect<T>(columns: readonly Column<T>[]): { names: string; select: string } {
  const names = columns.map(([name]) => name).join(', ');
  const types = columns.map(([name, type, , cast]) => `${name} ${cast ?? type}`).join(', ');
  return { names, select: `SELECT ${names} FROM json_to_recordset($1::json) AS input(${types})` };
}

export function columnArrays<T>(columns: readonly Column<T>[], rows: readonly T[]): unknown[][] {
  return columns.map(([, , value]) => rows.map(value));
}


export function occurredAtOf(feed: FeedKind, record: NewFeedRecord): string {
  return (record as unknown as Record<string, string>)[FEED_TIME_FIELD[feed]] as string;
}

// The payload keeps what the reporter sent (validated), its own `kind` included; placement
// and bookkeeping live in columns.
export function feedPayload({ record }: FeedRow): Record<string, unknown> {
  const { id: _id, feed: _feed, streetId: _street, receivedAt: _received, gridId: _grid, communityId: _community, ...payload } =
    record as unknown as Record<string, unknown>;
  return payload;
}

const iso = (value: unknown): string | null => (value === null || value === undefined ? null : toIso(value));

function toIso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(value as string).toISOString();
}

export const INCIDENT_SELECT = [...INCIDENT_COLUMNS.map(([name]) => name).filter((name) => name !== 'search_grams'), 'version'].join(', ');

export function toIncident(row: Record<string, unknown>, now: number): Incident {
  const status = row.status as IncidentStatus;
  const dueAt = toIso(row.due_at);
  return {
    id: row.id as string,
    streetId: row.street_id as string,
    externalId: row.external_id as string,
    source: row.source as Incident['source'],
    category: row.category as Incident['category'],
    subcategory: (row.subcategory as string | null) ?? null,
    urgency: row.urgency as Incident['urgency'],
    colour: row.colour as Incident['colour'],
    status,
    title: (row.title as string | null) ?? null,
    description: row.description as string,
    location: { lng: row.lng as number, lat: row.lat as number },
    address: (row.address as string | null) ?? null,
    reporter: (row.reporter as Incident['reporter']) ?? null,
    photos: (row.photos as string[] | null) ?? [],
    gridId: (row.grid_id as string | null) ?? null,
    microGridId: (row.micro_grid_id as string | null) ?? null,
    communityId: (row.community_id as string | null) ?? null,
    outsideArea: row.outside_area as boolean,
    reportedAt: toIso(row.reported_at),
    receivedAt: toIso(row.received_at),
    updatedAt: toIso(row.updated_at),
    acceptedAt: iso(row.accepted_at),
    dispatchedAt: iso(row.dispatched_at),
    onSiteAt: iso(row.on_site_at),
    handledAt: iso(row.handled_at),
    closedAt: iso(row.closed_at),
    dueAt,
    slaProfile: row.sla_profile as string,
    assignee: (row.assignee as string | null) ?? null,
    escalations: (row.escalations as Incident['escalations'] | null) ?? [],
    evaluation: (row.evaluation as Incident['evaluation']) ?? null,
    simulated: row.simulated as boolean,
    acceptBy: iso(row.accept_by),
    arriveBy: iso(row.arrive_by),
    handleBy: iso(row.handle_by),
    version: row.version === undefined ? 1 : Number(row.version),
    possibleDuplicateOf: (row.possible_duplicate_of as string | null) ?? null,
    mergedInto: (row.merged_into as string | null) ?? null,
    overdue: isOpenStatus(status) && now > Date.parse(dueAt),
  };
}

/**
 * Row j of columnArrays(INCIDENT_COLUMNS, …) as the incident the database holds once it is
 * inserted, through the same mapping as a selected row (times at millisecond ISO, jsonb parsed),
 * so the insert need not return its rows.
 */
export function insertedIncident(columns: readonly unknown[][], j: number, now: number): Incident {
  const row: Record<string, unknown> = {};
  INCIDENT_COLUMNS.forEach(([name, , , cast], k) => {
    const value = (columns[k] as unknown[])[j];
    row[name] = cast === 'jsonb' && typeof value === 'string' ? JSON.parse(value) : value;
  });
  return toIncident(row, now);
}

export const FEED_SELECT = 'id, street_id, kind, payload, received_at, grid_id, community_id';

export function toFeedRecord<K extends FeedKind>(row: Record<string, unknown>): FeedRecord<K> {
  return {
    ...(row.payload as Record<string, unknown>),
    feed: row.kind as K,
    id: row.id as string,
    streetId: row.street_id as string,
    receivedAt: toIso(row.received_at),
    gridId: (row.grid_id as string | null) ?? null,
    communityId: (row.community_id as string | null) ?? null,
  } as FeedRecord<K>;
}

export function toHistoryEntry(row: Record<string, unknown>): HistoryEntry {
  return {
    at: toIso(row.at),
    from: (row.from_status as IncidentStatus | null) ?? null,
    to: row.to_status as IncidentStatus,
    by: (row.by_whom as string | null) ?? null,
    note: (row.note as string | null) ?? null,
    event: (row.event as HistoryEntry['event']) ?? null,
    relatedId: (row.related_id as string | null) ?? null,
  };
}
