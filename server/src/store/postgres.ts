// The PostgreSQL driver (DATABASE_URL): a pg Pool, the same SQL as the embedded store.
import pg from 'pg';
import type { Queryable, SqlDriver } from './types.ts';

export interface PostgresOptions {
  connectionString: string;
  /** A schema to work in (created if missing); tests use a fresh one per run. */
  schema?: string;
  max?: number;
}

export async function openPostgresDriver(options: PostgresOptions): Promise<SqlDriver> {
  if (options.schema && !/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`bad schema name ${options.schema}`);
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 8,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', () => {});
  if (options.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);

  const query = async <R>(sql: string, params?: unknown[]): Promise<R[]> =>
    (await pool.query(sql, params as unknown[])).rows as R[];

  return {
    kind: 'postgres',
    query,
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      const tx: Queryable = {
        query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params as unknown[])).rows as R[],
      };
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
