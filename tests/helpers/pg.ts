// Throwaway PostgreSQL places for the tests that run on TEST_DATABASE_URL: a database or a
// schema with a name of its own, dropped afterwards, so runs never see each other's rows.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { testDatabaseUrl } from './env.ts';

/** A database made for one test: its postgres:// URL, and `drop` to remove it (forcing its connections off). */
export interface ThrowawayDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A schema named for one test inside TEST_DATABASE_URL's database (openStore creates it when missing). */
export interface ThrowawaySchema {
  url: string;
  schema: string;
  drop(): Promise<void>;
}

/**
 * `grid141_<label>_<12 hex>`, safe to splice into SQL (a label of lower-case letters, digits
 * and `_` only; throws otherwise).
 */
function uniqueName(label: string): string {
  if (!/^[a-z0-9_]+$/.test(label)) throw new Error(`a throwaway name label must be [a-z0-9_]+, got ${JSON.stringify(label)}`);
  return `grid141_${label}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

/** TEST_DATABASE_URL; throws when it is not set (call only from the PostgreSQL branch of a test). */
function adminUrl(): string {
  const url = testDatabaseUrl();
  if (!url) throw new Error('a throwaway PostgreSQL place needs TEST_DATABASE_URL');
  return url;
}

async function runAs(connectionString: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * Creates `grid141_<label>_<12 hex>` on TEST_DATABASE_URL's server and returns its URL (the
 * admin URL with the database name swapped in) and `drop()`, which runs
 * `DROP DATABASE IF EXISTS … WITH (FORCE)` (PostgreSQL 13 or later) and may be called again.
 * Throws when TEST_DATABASE_URL is unset, the label is not [a-z0-9_]+, or PostgreSQL refuses.
 */
export async function throwawayDatabase(label: string): Promise<ThrowawayDatabase> {
  const admin = adminUrl();
  const name = uniqueName(label);
  await runAs(admin, `CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => runAs(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * Names a schema `grid141_<label>_<12 hex>` inside TEST_DATABASE_URL's database, without
 * creating it (pass `schema` to openStore, which does); `drop()` runs
 * `DROP SCHEMA IF EXISTS … CASCADE`. Throws when TEST_DATABASE_URL is unset or the label is not [a-z0-9_]+.
 */
export function throwawaySchema(label: string): ThrowawaySchema {
  const url = adminUrl();
  const schema = uniqueName(label);
  return { url, schema, drop: () => runAs(url, `DROP SCHEMA IF EXISTS ${schema} CASCADE`) };
}
