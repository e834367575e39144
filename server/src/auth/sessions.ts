// Sessions in the database (table `sessions`, migration 2), so they survive a restart and are
// shared by every instance on one database. The cookie holds `<id>.<mac>`: a random 256-bit id
// and its HMAC-SHA256 under the server's session secret. The table keeps only SHA-256(id), so
// a database dump signs nobody in; a cookie made with another secret, or an id that is not in
// the table, is refused. A session ends when signed out, after `idleMs` unused, or `maxMs` after
// sign-in, whichever is first; a new password or a disabled user ends all of the user's.
import crypto from 'node:crypto';
import type { Role, SessionEndReason } from '@grid141/shared';
import { writeAudit, type NewAuditEntry } from '../audit/log.ts';
import type { Queryable, SqlDriver } from '../store/types.ts';
import { generateSecret } from './secret.ts';

export const SESSION_COOKIE = 'grid141_session';
/** last_seen_at is written at most this often per session (one write a minute, not one per request). */
const TOUCH_EVERY_MS = 60_000;

export interface SessionLimits {
  idleMs: number;
  maxMs: number;
}

export interface ActiveSession {
  idHash: string;
  username: string;
  displayName: string;
  role: Role;
  expiresAt: string;
}

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('base64url');

export function createSessions(db: SqlDriver, secret: string, limits: SessionLimits, now: () => number = Date.now) {
  const mac = (id: string) => crypto.createHmac('sha256', secret).update(id).digest('base64url');

  /** The id inside a cookie value whose MAC is ours; null otherwise. */
  function idOf(cookie: string): string | null {
    const dot = cookie.indexOf('.');
    if (dot <= 0 || cookie.length > 200) return null;
    const id = cookie.slice(0, dot);
    const given = Buffer.from(cookie.slice(dot + 1));
    const expected = Buffer.from(mac(id));
    return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? id : null;
  }

  return {
    /** Starts a session (inside the sign-in's transaction); returns the cookie value and its absolute expiry. */
    async start(tx: Queryable, username: string, address: string | null): Promise<{ cookie: string; expiresAt: Date }> {
      const id = generateSecret(32);
      const at = now();
      const expiresAt = new Date(at + limits.maxMs);
      await tx.query(
        `INSERT INTO sessions (id_hash, username, created_at, last_seen_at, expires_at, address)
         VALUES ($1, $2, $3::timestamptz, $3::timestamptz, $4::timestamptz, $5)`,
        [sha256(id), username, new Date(at).toISOString(), expiresAt.toISOString(), address],
      );
      return { cookie: `${id}.${mac(id)}`, expiresAt };
    },

    /**
     * The live session behind a cookie value, with its user's current role; null when none.
     * `touch: false` does not count this as a use (its idle end stays where it was).
     */
    async resolve(cookie: string, { touch = true }: { touch?: boolean } = {}): Promise<ActiveSession | null> {
      const id = idOf(cookie);
      if (id === null) return null;
      const idHash = sha256(id);
      const at = now();
      const rows = await db.query<Record<string, unknown>>(
        `SELECT s.id_hash, s.username, s.last_seen_at, s.expires_at, u.display_name, u.role
         FROM sessions s JOIN users u ON u.username = s.username
         WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND NOT u.disabled`,
        [idHash],
      );
      const row = rows[0];
      if (!row) return null;
      const lastSeen = new Date(row.last_seen_at as string).getTime();
      const expiresAt = new Date(row.expires_at as string);
      if (at >= expiresAt.getTime() || at - lastSeen >= limits.idleMs) return null;
      if (touch && at - lastSeen >= TOUCH_EVERY_MS) {
        await db.query('UPDATE sessions SET last_seen_at = $2::timestamptz WHERE id_hash = $1', [idHash, new Date(at).toISOString()]);
      }
      return {
        idHash,
        username: row.username as string,
        displayName: row.display_name as string,
        role: row.role as Role,
        expiresAt: expiresAt.toISOString(),
      };
    },

    /**
     * Why the session behind a cookie value is not accepted, for the 401 that refuses it
     * (Problem.reason): 'revoked' when it was signed out, its user given a new password or
     * disabled; 'expired' past its idle or absolute end; null when the cookie is not ours (bad
     * MAC), unknown (swept a day after it ended), or the session is in fact live.
     */
    async endReason(cookie: string): Promise<SessionEndReason | null> {
      const id = idOf(cookie);
      if (id === null) return null;
      const rows = await db.query<Record<string, unknown>>(
        `SELECT s.revoked_at, s.last_seen_at, s.expires_at, u.disabled
         FROM sessions s JOIN users u ON u.username = s.username WHERE s.id_hash = $1`,
        [sha256(id)],
      );
      const row = rows[0];
      if (!row) return null;
      if (row.revoked_at !== null || row.disabled === true) return 'revoked';
      const at = now();
      const lastSeen = new Date(row.last_seen_at as string).getTime();
      if (at >= new Date(row.expires_at as string).getTime() || at - lastSeen >= limits.idleMs) return 'expired';
      return null;
    },

    /** Revokes one session (sign-out) with its audit entry. */
    async revoke(idHash: string, audit: NewAuditEntry): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.query('UPDATE sessions SET revoked_at = now() WHERE id_hash = $1 AND revoked_at IS NULL', [idHash]);
        await writeAudit(tx, audit);
      });
    },

    /** Drops sessions that ended more than a day ago (housekeeping; the audit log keeps the sign-ins). */
    async sweep(): Promise<number> {
      const rows = await db.query<{ n: number }>(
        `WITH d AS (DELETE FROM sessions WHERE expires_at < $1::timestamptz OR revoked_at < $1::timestamptz RETURNING 1)
         SELECT count(*)::int AS n FROM d`,
        [new Date(now() - 86_400_000).toISOString()],
      );
      return rows[0]?.n ?? 0;
    },
  };
}

export type Sessions = ReturnType<typeof createSessions>;
