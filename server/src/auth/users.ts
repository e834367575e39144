// Users in the database (table `users`, migration 2): who they are, their role, their scrypt
// hash, and the failure count that slows and locks sign-ins. Every change is written with its
// audit entry in one transaction. Hashes never leave this module.
import type { Role, UserInfo, UserPatch } from '@grid141/shared';
import { writeAudit, type NewAuditEntry } from '../audit/log.ts';
import type { Queryable, SqlDriver } from '../store/types.ts';
import { hashPassword } from './password.ts';

export interface UserRow extends UserInfo {
  passwordHash: string;
  failedCount: number;
  lastFailedAt: string | null;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

function toUser(row: Record<string, unknown>): UserRow {
  return {
    username: row.username as string,
    displayName: row.display_name as string,
    role: row.role as Role,
    disabled: row.disabled as boolean,
    lockedUntil: iso(row.locked_until),
    createdAt: iso(row.created_at) as string,
    updatedAt: iso(row.updated_at) as string,
    passwordHash: row.password_hash as string,
    failedCount: Number(row.failed_count),
    lastFailedAt: iso(row.last_failed_at),
  };
}

/** What the API may show of a user. */
export function publicUser(user: UserRow, now: number): UserInfo {
  const locked = user.lockedUntil !== null && Date.parse(user.lockedUntil) > now;
  return {
    username: user.username,
    displayName: user.displayName,
    role: user.role,
    disabled: user.disabled,
    lockedUntil: locked ? user.lockedUntil : null,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

export class UserExistsError extends Error {
  override name = 'UserExistsError';
}

export function createUsers(db: SqlDriver) {
  return {
    /** The user of that name, whatever its case (names are case-insensitive; an exact match wins where an older store holds both). */
    async get(username: string, q: Queryable = db): Promise<UserRow | null> {
      const rows = await q.query<Record<string, unknown>>(
        'SELECT * FROM users WHERE lower(username) = lower($1) ORDER BY (username = $1) DESC, username LIMIT 1', [username]);
      return rows[0] ? toUser(rows[0]) : null;
    },

    async list(): Promise<UserRow[]> {
      const rows = await db.query<Record<string, unknown>>('SELECT * FROM users ORDER BY username');
      return rows.map(toUser);
    },

    async countAdmins(): Promise<number> {
      const rows = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE role = 'admin'");
      return rows[0]?.n ?? 0;
    },

    /** Throws UserExistsError when the name is taken, in any case. */
    async create(input: { username: string; password: string; role: Role; displayName?: string | undefined }, audit: NewAuditEntry): Promise<UserRow> {
      const hash = await hashPassword(input.password);
      return db.transaction(async (tx) => {
        const rows = await tx.query<Record<string, unknown>>(
          `INSERT INTO users (username, display_name, role, password_hash, created_at, updated_at)
           SELECT $1, $2, $3, $4, now(), now() WHERE NOT EXISTS (SELECT 1 FROM users WHERE lower(username) = lower($1))
           ON CONFLICT (username) DO NOTHING RETURNING *`,
          [input.username, input.displayName ?? input.username, input.role, hash],
        );
        if (!rows[0]) throw new UserExistsError(`user ${input.username} exists`);
        await writeAudit(tx, audit);
        return toUser(rows[0]);
      });
    },

    /** Applies a patch; a new password or disabling ends the user's sessions at once. Null when there is no such user. */
    async patch(username: string, patch: UserPatch, audit: (before: UserRow) => NewAuditEntry[]): Promise<UserRow | null> {
      const hash = patch.password ? await hashPassword(patch.password) : null;
      return db.transaction(async (tx) => {
        const before = await this.get(username, tx);
        if (!before) return null;
        const rows = await tx.query<Record<string, unknown>>(
          `UPDATE users SET
             role = COALESCE($2, role),
             disabled = COALESCE($3, disabled),
             password_hash = COALESCE($4, password_hash),
             display_name = COALESCE($5, display_name),
             failed_count = CASE WHEN $6::bool THEN 0 ELSE failed_count END,
             locked_until = CASE WHEN $6::bool THEN NULL ELSE locked_until END,
             updated_at = now()
           WHERE username = $1 RETURNING *`,
          [before.username, patch.role ?? null, patch.disabled ?? null, hash, patch.displayName ?? null, patch.unlock === true],
        );
        // A session reads the user's role at every request, so a new role needs no sign-out.
        if (hash !== null || patch.disabled === true) {
          await tx.query('UPDATE sessions SET revoked_at = now() WHERE username = $1 AND revoked_at IS NULL', [before.username]);
        }
        await writeAudit(tx, audit(before));
        return toUser(rows[0] as Record<string, unknown>);
      });
    },
  };
}

export type Users = ReturnType<typeof createUsers>;
