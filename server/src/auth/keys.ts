// API keys of reporting systems (table api_keys, migration 2): named by the admin, stored as
// SHA-256 of the key (a 256-bit random value, so a plain hash is enough; it is not a password),
// shown once at creation, optionally limited to some record kinds. Every request looks its key
// up in the database, so a revoked key stops working at once on every instance.
import crypto from 'node:crypto';
import type { ApiKeyInfo } from '@grid141/shared';
import { writeAudit, type NewAuditEntry } from '../audit/log.ts';
import type { SqlDriver } from '../store/types.ts';
import { generateSecret } from './secret.ts';

/** Keys begin with this, so a leaked one is recognisable in logs and scanners. */
export const KEY_PREFIX = 'g141_';
const TOUCH_EVERY_MS = 60_000;

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('base64url');
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

function toInfo(row: Record<string, unknown>): ApiKeyInfo {
  const kinds = typeof row.kinds === 'string' ? (JSON.parse(row.kinds) as string[] | null) : (row.kinds as string[] | null);
  return {
    id: row.id as string,
    name: row.name as string,
    kinds: kinds ?? null,
    createdAt: iso(row.created_at) as string,
    createdBy: (row.created_by as string | null) ?? null,
    revokedAt: iso(row.revoked_at),
    lastUsedAt: iso(row.last_used_at),
  };
}

export function createKeys(db: SqlDriver, now: () => number = Date.now) {
  const touched = new Map<string, number>();
  return {
    async list(): Promise<ApiKeyInfo[]> {
      const rows = await db.query<Record<string, unknown>>('SELECT * FROM api_keys ORDER BY created_at DESC, name');
      return rows.map(toInfo);
    },

    /** Creates a key; the secret is in the answer only. */
    async create(input: { name: string; kinds: string[] | null }, createdBy: string, audit: (info: ApiKeyInfo) => NewAuditEntry): Promise<{ key: string; info: ApiKeyInfo }> {
      const key = `${KEY_PREFIX}${generateSecret(32)}`;
      return db.transaction(async (tx) => {
        const rows = await tx.query<Record<string, unknown>>(
          `INSERT INTO api_keys (id, name, key_hash, kinds, created_at, created_by) VALUES ($1, $2, $3, $4::jsonb, now(), $5) RETURNING *`,
          [crypto.randomUUID(), input.name, sha256(key), input.kinds ? JSON.stringify(input.kinds) : null, createdBy],
        );
        const info = toInfo(rows[0] as Record<string, unknown>);
        await writeAudit(tx, audit(info));
        return { key, info };
      });
    },

    /** Revokes a key at once; null when there is no such key, the key unchanged when it was revoked already. */
    async revoke(id: string, audit: (info: ApiKeyInfo) => NewAuditEntry): Promise<ApiKeyInfo | null> {
      return db.transaction(async (tx) => {
        const rows = await tx.query<Record<string, unknown>>(
          'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING *',
          [id],
        );
        if (!rows[0]) return null;
        const info = toInfo(rows[0]);
        await writeAudit(tx, audit(info));
        return info;
      });
    },

    /** The live key behind a presented secret; null when unknown or revoked. */
    async resolve(presented: string): Promise<ApiKeyInfo | null> {
      if (!presented.startsWith(KEY_PREFIX) || presented.length > 100) return null;
      const rows = await db.query<Record<string, unknown>>('SELECT * FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL', [sha256(presented)]);
      if (!rows[0]) return null;
      const info = toInfo(rows[0]);
      const at = now();
      if (at - (touched.get(info.id) ?? 0) >= TOUCH_EVERY_MS) {
        touched.set(info.id, at);
        await db.query('UPDATE api_keys SET last_used_at = $2::timestamptz WHERE id = $1', [info.id, new Date(at).toISOString()]);
      }
      return info;
    },
  };
}

export type Keys = ReturnType<typeof createKeys>;
