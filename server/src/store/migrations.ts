// Versioned schema: each migration runs once, in order, in its own transaction, recorded
// in schema_migrations. Append new versions; never edit one that has shipped.
import type { SqlDriver } from './types.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'incidents, history, feed records',
    sql: `
      CREATE TABLE incidents (
        id text PRIMARY KEY,
        street_id text NOT NULL,
        external_id text NOT NULL,
        source text NOT NULL,
        category text NOT NULL,
        subcategory text,
        urgency text NOT NULL,
        colour text NOT NULL,
        status text NOT NULL,
        title text,
        description text NOT NULL,
        lng double precision NOT NULL,
        lat double precision NOT NULL,
        address text,
        reporter jsonb,
        photos jsonb NOT NULL DEFAULT '[]',
        grid_id text,
        micro_grid_id text,
        community_id text,
        outside_area boolean NOT NULL,
        reported_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        accepted_at timestamptz,
        dispatched_at timestamptz,
        on_site_at timestamptz,
        handled_at timestamptz,
        closed_at timestamptz,
        due_at timestamptz NOT NULL,
        sla_profile text NOT NULL,
        assignee text,
        escalations jsonb NOT NULL DEFAULT '[]',
        evaluation jsonb,
        simulated boolean NOT NULL DEFAULT false,
        UNIQUE (street_id, source, external_id)
      );
      CREATE INDEX incidents_reported ON incidents (street_id, reported_at DESC, id DESC);
      CREATE INDEX incidents_open ON incidents (street_id, status) WHERE status NOT IN ('closed', 'rejected', 'merged');
      CREATE INDEX incidents_closed ON incidents (street_id, closed_at) WHERE closed_at IS NOT NULL;
      CREATE INDEX incidents_simulated ON incidents (street_id) WHERE simulated;

      CREATE TABLE incident_history (
        incident_id text NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        seq integer GENERATED ALWAYS AS IDENTITY,
        at timestamptz NOT NULL,
        from_status text,
        to_status text NOT NULL,
        by_whom text,
        note text,
        PRIMARY KEY (incident_id, seq)
      );

      CREATE TABLE feed_records (
        id text PRIMARY KEY,
        street_id text NOT NULL,
        kind text NOT NULL,
        external_id text NOT NULL,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        grid_id text,
        community_id text,
        simulated boolean NOT NULL DEFAULT false,
        resolved_at timestamptz,
        UNIQUE (street_id, kind, external_id)
      );
      CREATE INDEX feed_records_occurred ON feed_records (street_id, kind, occurred_at, id);
      CREATE INDEX feed_records_simulated ON feed_records (street_id) WHERE simulated;
    `,
  },
  {
    version: 2,
    name: 'incident version; users, sessions, API keys, audit log, settings',
    sql: `
      ALTER TABLE incidents ADD COLUMN version integer NOT NULL DEFAULT 1;

      CREATE TABLE users (
        username text PRIMARY KEY,
        display_name text NOT NULL,
        role text NOT NULL,
        password_hash text NOT NULL,
        disabled boolean NOT NULL DEFAULT false,
        failed_count integer NOT NULL DEFAULT 0,
        last_failed_at timestamptz,
        locked_until timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );

      CREATE TABLE sessions (
        id_hash text PRIMARY KEY,
        username text NOT NULL REFERENCES users (username) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        address text,
        revoked_at timestamptz
      );
      CREATE INDEX sessions_user ON sessions (username);

      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        name text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        kinds jsonb,
        created_at timestamptz NOT NULL,
        created_by text,
        revoked_at timestamptz,
        last_used_at timestamptz
      );

      CREATE TABLE audit_log (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        actor_kind text NOT NULL,
        address text,
        kind text NOT NULL,
        target text,
        detail jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_log_actor ON audit_log (actor, seq);
      CREATE INDEX audit_log_kind ON audit_log (kind, seq);
      CREATE INDEX audit_log_at ON audit_log (at);

      CREATE TABLE settings (
        key text PRIMARY KEY,
        value text NOT NULL,
        updated_at timestamptz NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'duty desk: time targets, stage due times, search grams, breaches, handovers, emergencies',
    sql: `
      CREATE TABLE time_targets (
        street_id text NOT NULL,
        profile text NOT NULL,
        accept_min integer NOT NULL,
        arrive_min integer,
        handle_min integer NOT NULL,
        close_min integer NOT NULL,
        updated_at timestamptz,
        updated_by text,
        PRIMARY KEY (street_id, profile)
      );
      ALTER TABLE incidents ADD COLUMN accept_by timestamptz;
      ALTER TABLE incidents ADD COLUMN arrive_by timestamptz;
      ALTER TABLE incidents ADD COLUMN handle_by timestamptz;
      ALTER TABLE incidents ADD COLUMN search_grams text[];
      UPDATE incidents SET
        accept_by = reported_at + make_interval(mins => CASE sla_profile
          WHEN 'rapid_1_5_10' THEN 1 WHEN 'urgent' THEN 10 WHEN 'complex' THEN 1440 ELSE 120 END),
        arrive_by = CASE sla_profile
          WHEN 'rapid_1_5_10' THEN reported_at + interval '5 minutes' WHEN 'urgent' THEN reported_at + interval '30 minutes'
          WHEN 'normal' THEN reported_at + interval '1 day' ELSE NULL END,
        handle_by = reported_at + make_interval(mins => CASE sla_profile
          WHEN 'rapid_1_5_10' THEN 10 WHEN 'urgent' THEN 240 WHEN 'normal_simple' THEN 720 WHEN 'normal' THEN 4320 ELSE 10080 END);
      UPDATE incidents SET search_grams = ARRAY(
        SELECT DISTINCT substr(t.s, g, 2)
        FROM (SELECT translate(description || E'\\n' || coalesce(address, ''), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') AS s) t,
             generate_series(1, length(t.s) - 1) g)
        WHERE status NOT IN ('closed', 'rejected', 'merged');
      CREATE INDEX incidents_queue ON incidents (street_id,
        (CASE urgency WHEN 'critical' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END),
        (CASE WHEN accepted_at IS NULL AND accept_by IS NOT NULL THEN accept_by
              WHEN on_site_at IS NULL AND handled_at IS NULL AND arrive_by IS NOT NULL THEN arrive_by
              WHEN handled_at IS NULL AND handle_by IS NOT NULL THEN handle_by
              ELSE due_at END), id)
        WHERE status NOT IN ('closed', 'rejected', 'merged');
      CREATE INDEX incidents_next_due ON incidents (street_id,
        (CASE WHEN accepted_at IS NULL AND accept_by IS NOT NULL THEN accept_by
              WHEN on_site_at IS NULL AND handled_at IS NULL AND arrive_by IS NOT NULL THEN arrive_by
              WHEN handled_at IS NULL AND handle_by IS NOT NULL THEN handle_by
              ELSE due_at END))
        WHERE status NOT IN ('closed', 'rejected', 'merged');
      CREATE INDEX incidents_search ON incidents USING gin (search_grams) WHERE status NOT IN ('closed', 'rejected', 'merged');
      CREATE INDEX incidents_assignee ON incidents (street_id, assignee) WHERE status NOT IN ('closed', 'rejected', 'merged');

      CREATE TABLE incident_breaches (
        incident_id text NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        stage text NOT NULL,
        due_at timestamptz NOT NULL,
        found_at timestamptz NOT NULL,
        PRIMARY KEY (incident_id, stage)
      );

      CREATE TABLE desk_notes (
        incident_id text NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
        seq integer GENERATED ALWAYS AS IDENTITY,
        at timestamptz NOT NULL,
        kind text NOT NULL,
        by_whom text,
        detail jsonb NOT NULL,
        PRIMARY KEY (incident_id, seq)
      );

      CREATE TABLE handovers (
        id text PRIMARY KEY,
        street_id text NOT NULL,
        shift_from timestamptz NOT NULL,
        shift_to timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        sheet jsonb NOT NULL,
        signatures jsonb NOT NULL DEFAULT '[]'
      );
      CREATE INDEX handovers_created ON handovers (street_id, created_at DESC);

      CREATE TABLE emergencies (
        id text PRIMARY KEY,
        street_id text NOT NULL,
        incident_id text NOT NULL,
        started_at timestamptz NOT NULL,
        started_by text NOT NULL,
        ended_at timestamptz,
        ended_by text
      );
      CREATE UNIQUE INDEX emergencies_one_active ON emergencies (street_id) WHERE ended_at IS NULL;
    `,
  },
  {
    version: 6,
    name: 'incidents by acceptance time (weekly report: response times of a past week)',
    sql: `
      CREATE INDEX IF NOT EXISTS incidents_accepted ON incidents (street_id, accepted_at) WHERE accepted_at IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'duplicates and merges',
    sql: `
      ALTER TABLE incidents ADD COLUMN possible_duplicate_of text;
      ALTER TABLE incidents ADD COLUMN merged_into text;
      CREATE INDEX incidents_merged_into ON incidents (merged_into) WHERE merged_into IS NOT NULL;
      ALTER TABLE incident_history ADD COLUMN event text;
      ALTER TABLE incident_history ADD COLUMN related_id text;
    `,
  },
  {
    version: 12,
    name: 'the map version the stored records are placed on (a grid map replaced while no server ran is taken up at start)',
    sql: `
      CREATE TABLE street_maps (
        street_id text PRIMARY KEY,
        version text NOT NULL,
        placed_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 13,
    name: 'duty desk queue index carries the filter columns (filters checked in the index, not on the heap)',
    // Same order as incidents_queue (street, urgency rank, next due, id: id is unique, so the
    // columns after it never change the order); the desk's filter columns follow as keys, so a
    // filtered range scan checks them on the index entry and reads the heap only for matches.
    sql: `
      CREATE INDEX incidents_queue_filters ON incidents (street_id,
        (CASE urgency WHEN 'critical' THEN 0 WHEN 'urgent' THEN 1 ELSE 2 END),
        (CASE WHEN accepted_at IS NULL AND accept_by IS NOT NULL THEN accept_by
              WHEN on_site_at IS NULL AND handled_at IS NULL AND arrive_by IS NOT NULL THEN arrive_by
              WHEN handled_at IS NULL AND handle_by IS NOT NULL THEN handle_by
              ELSE due_at END), id,
        status, grid_id, community_id, category, colour, source, urgency, assignee, reported_at)
        WHERE status NOT IN ('closed', 'rejected', 'merged');
      DROP INDEX incidents_queue;
    `,
  },
];

// One lock number for all Grid141 schema changes, so two servers on one database migrate once.
const MIGRATION_LOCK = 141_000_001;

export async function migrate(driver: SqlDriver): Promise<number[]> {
  await driver.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    const done = await driver.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const rows = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [migration.version]);
      if (rows.length > 0) return false;
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (done) applied.push(migration.version);
  }
  return applied;
}

// Migrations hold plain DDL (no functions with bodies), so splitting on ";" is safe.
function splitStatements(sql: string): string[] {
  return sql.split(';').map((s) => s.trim()).filter((s) => s.length > 0);
}
