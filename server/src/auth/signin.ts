// Sign-in with brute-force brakes (docs/security.md):
// - per address (this instance's memory): from the 10th failure in a row, each further try
//   waits 2^(n-10) s (at most 5 min) → 429 with Retry-After; quiet for 15 min forgets it;
// - per user (in the database, so every instance and a restart see it): from the 3rd failure
//   in a row, each further try waits 2^(n-3) s (at most 60 s) → 429; the 10th locks the account
//   for SIGNIN_LOCK_MINUTES → 423 until then or until an admin unlocks it.
// A success resets both. An unknown name costs the same scrypt time as a known one.
import type { Queryable, SqlDriver } from '../store/types.ts';
import { writeAudit, type NewAuditEntry } from '../audit/log.ts';
import { DUMMY_HASH_PROMISE, verifyPassword } from './password.ts';
import type { Sessions } from './sessions.ts';
import type { UserRow, Users } from './users.ts';

export const USER_SLOW_AFTER = 3;
export const USER_LOCK_AFTER = 10;
export const ADDRESS_SLOW_AFTER = 10;
const ADDRESS_FORGET_MS = 15 * 60_000;

export type SignInOutcome =
  | { ok: true; cookie: string; expiresAt: Date; user: UserRow }
  | { ok: false; status: 401 }
  | { ok: false; status: 429; retryAfterS: number }
  | { ok: false; status: 423; retryAfterS: number };

export interface SignInDeps {
  db: SqlDriver;
  users: Users;
  sessions: Sessions;
  lockMs: number;
  now?: () => number;
}

/** Seconds to wait after n failures in a row, from the nth on (0 below `from`). */
function backoffS(n: number, from: number, capS: number): number {
  return n < from ? 0 : Math.min(2 ** (n - from), capS);
}

export function createSignIn(deps: SignInDeps) {
  const now = deps.now ?? Date.now;
  const byAddress = new Map<string, { failures: number; last: number }>();
  let dummyHash: Promise<string> | null = null;

  function addressWait(address: string, at: number): number {
    const entry = byAddress.get(address);
    if (!entry) return 0;
    if (at - entry.last > ADDRESS_FORGET_MS) {
      byAddress.delete(address);
      return 0;
    }
    const until = entry.last + backoffS(entry.failures, ADDRESS_SLOW_AFTER, 300) * 1000;
    return Math.max(0, Math.ceil((until - at) / 1000));
  }

  function addressFailed(address: string, at: number): void {
    const entry = byAddress.get(address);
    byAddress.set(address, { failures: (entry && at - entry.last <= ADDRESS_FORGET_MS ? entry.failures : 0) + 1, last: at });
    // Bounded: an address table of more than 10,000 is an attack of its own; forget the oldest.
    if (byAddress.size > 10_000) byAddress.delete(byAddress.keys().next().value as string);
  }

  const audit = (actor: string, address: string | null, kind: NewAuditEntry['kind'], detail: Record<string, unknown> = {}, actorKind: NewAuditEntry['actorKind'] = 'user'): NewAuditEntry =>
    ({ actor, actorKind, address, kind, target: actor, detail });

  async function failed(user: UserRow | null, username: string, address: string | null, reason: string, at: number): Promise<SignInOutcome> {
    if (address) addressFailed(address, at);
    if (!user) {
      await writeAudit(deps.db, audit(username, address, 'session.failed', { reason }, 'anonymous'));
      return { ok: false, status: 401 };
    }
    const count = user.failedCount + 1;
    const lockedUntil = count >= USER_LOCK_AFTER ? new Date(at + deps.lockMs) : null;
    await deps.db.transaction(async (tx: Queryable) => {
      await tx.query(
        `UPDATE users SET failed_count = $2, last_failed_at = $3::timestamptz, locked_until = COALESCE($4::timestamptz, locked_until)
         WHERE username = $1`,
        [user.username, count, new Date(at).toISOString(), lockedUntil?.toISOString() ?? null],
      );
      const entries = [audit(user.username, address, 'session.failed', { reason, failuresInARow: count })];
      if (lockedUntil) entries.push({ ...audit(user.username, address, 'session.locked', { until: lockedUntil.toISOString(), failuresInARow: count }), actor: 'system', actorKind: 'system' });
      await writeAudit(tx, entries);
    });
    if (lockedUntil) return { ok: false, status: 423, retryAfterS: Math.ceil(deps.lockMs / 1000) };
    return { ok: false, status: 401 };
  }

  return {
    /** One attempt. Never says whether a name exists, except by the lock (423) the contract asks for. */
    async signIn(username: string, password: string, address: string | null): Promise<SignInOutcome> {
      const at = now();
      const wait = address ? addressWait(address, at) : 0;
      if (wait > 0) return { ok: false, status: 429, retryAfterS: wait };
      const user = await deps.users.get(username);
      if (user?.lockedUntil && Date.parse(user.lockedUntil) > at) {
        return { ok: false, status: 423, retryAfterS: Math.ceil((Date.parse(user.lockedUntil) - at) / 1000) };
      }
      if (user?.lastFailedAt) {
        const until = Date.parse(user.lastFailedAt) + backoffS(user.failedCount, USER_SLOW_AFTER, 60) * 1000;
        if (until > at) return { ok: false, status: 429, retryAfterS: Math.ceil((until - at) / 1000) };
      }
      dummyHash ??= DUMMY_HASH_PROMISE();
      const matches = await verifyPassword(password, user ? user.passwordHash : await dummyHash);
      if (!user || !matches) return failed(user, username, address, user ? 'bad-password' : 'unknown-user', at);
      if (user.disabled) return failed(user, username, address, 'disabled', at);
      if (address) byAddress.delete(address);
      const started = await deps.db.transaction(async (tx) => {
        await tx.query('UPDATE users SET failed_count = 0, last_failed_at = NULL, locked_until = NULL WHERE username = $1', [user.username]);
        const session = await deps.sessions.start(tx, user.username, address);
        await writeAudit(tx, audit(user.username, address, 'session.signin', { role: user.role }));
        return session;
      });
      return { ok: true, cookie: started.cookie, expiresAt: started.expiresAt, user };
    },
  };
}

export type SignIn = ReturnType<typeof createSignIn>;
