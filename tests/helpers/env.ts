// Test environment switches. TEST_DATABASE_URL (postgres://…) turns on the PostgreSQL
// variants of the store and integration tests; without it only the embedded store runs.
export type StoreKind = 'embedded' | 'postgres';

export function testDatabaseUrl(): string | null {
  const url = process.env.TEST_DATABASE_URL?.trim();
  return url ? url : null;
}

/** The stores a suite should run against here: always embedded, PostgreSQL when configured. */
export function storeKinds(): StoreKind[] {
  return testDatabaseUrl() ? ['embedded', 'postgres'] : ['embedded'];
}

/** Environment for a server child using `kind` (DATABASE_URL set only for PostgreSQL). */
export function storeEnv(kind: StoreKind): Record<string, string> {
  if (kind === 'embedded') return {};
  const url = testDatabaseUrl();
  if (!url) throw new Error('the postgres store variant needs TEST_DATABASE_URL');
  return { DATABASE_URL: url };
}

/** Variables of the server that a developer's shell must not leak into a test server. */
export const SERVER_VARIABLES = [
  'PORT', 'HOST', 'DATA_DIR', 'DATABASE_URL', 'REDIS_URL', 'STREET', 'STREETS_DIR', 'TZ_STREET',
  'SIMULATE', 'SIMULATE_SPEED', 'INGEST_API_KEY', 'VIEWER_TOKEN', 'ADMIN_PASSWORD', 'LOG_LEVEL',
  'DUTY_OFFICER', 'DUTY_LEADER', 'DUTY_ROSTER', 'CLIENT_DIST', 'WALL_LAYOUT', 'WALL_ROTATE', 'BASEMAP_TILES', 'BASEMAP_ATTRIBUTION',
  'SESSION_IDLE_MINUTES', 'SESSION_MAX_HOURS', 'SIGNIN_LOCK_MINUTES',
  'BASE_PATH', 'FRAME_ANCESTORS', 'TRUST_PROXY',
  'REPORTS', 'REPORTS_SCHEDULE',
  'SERVICE_AREA_KM',
] as const;
