// Sign-in brakes and session expiry on a real (in-memory) store with a clock the test moves:
// the per-user slowdown, the lockout after ten failures (423) and its end, the admin's unlock,
// idle and absolute expiry (an open socket asked again not counting as a use), and a new password
// ending the user's sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../store/index.ts';
import { createSessions } from './sessions.ts';
import { createSignIn, USER_LOCK_AFTER } from './signin.ts';
import { createUsers } from './users.ts';

let store: Store;
let t = Date.parse('2026-11-30T08:00:00Z');
const now = () => t;
const MIN = 60_000;
const limits = { idleMs: 30 * MIN, maxMs: 8 * 60 * MIN };

beforeAll(async () => {
  store = await openStore({ streetId: 's', databaseUrl: null, dataDir: null, now });
}, 120_000);
afterAll(async () => store?.close());

const system = (target: string) => ({ actor: 'system', actorKind: 'system' as const, kind: 'user.created' as const, target });

describe('sign-in brakes and session expiry', () => {
  it('slows a guessed user, locks at the tenth failure, unlocks by time or by the admin', async () => {
    const users = createUsers(store.sql);
    const sessions = createSessions(store.sql, 'secret', limits, now);
    const signIn = createSignIn({ db: store.sql, users, sessions, lockMs: 15 * MIN, now });
    await users.create({ username: 'op1', password: 'correct horse battery', role: 'operator' }, system('op1'));

    const statuses: number[] = [];
    for (let i = 0; i < USER_LOCK_AFTER; i++) {
      const outcome = await signIn.signIn('op1', 'wrong password', `10.0.0.${i}`);
      statuses.push(outcome.ok ? 200 : outcome.status);
      // A try before the wait is over is refused without counting.
      if (i >= 2 && i < USER_LOCK_AFTER - 1) expect(await signIn.signIn('op1', 'wrong password', '10.0.1.1')).toMatchObject({ ok: false, status: 429 });
      t += 2 * 60 * 1000;
    }
    expect(statuses).toEqual([...Array(USER_LOCK_AFTER - 1).fill(401), 423]);
    // Locked: even the right password is 423 until the lock ends.
    expect(await signIn.signIn('op1', 'correct horse battery', '10.0.2.1')).toMatchObject({ ok: false, status: 423 });
    t += 16 * MIN;
    expect(await signIn.signIn('op1', 'correct horse battery', '10.0.2.1')).toMatchObject({ ok: true });

    // Locked again, then the admin unlocks at once.
    for (let i = 0; i < USER_LOCK_AFTER; i++) {
      await signIn.signIn('op1', 'wrong password', '10.0.3.1');
      t += 2 * 60 * 1000;
    }
    expect(await signIn.signIn('op1', 'correct horse battery', '10.0.4.1')).toMatchObject({ ok: false, status: 423 });
    await users.patch('op1', { unlock: true }, () => [{ actor: 'admin', actorKind: 'user', kind: 'user.unlocked', target: 'op1' }]);
    expect(await signIn.signIn('op1', 'correct horse battery', '10.0.4.1')).toMatchObject({ ok: true });

    const audit = await store.sql.query<{ kind: string; n: number }>("SELECT kind, count(*)::int AS n FROM audit_log WHERE target = 'op1' GROUP BY kind");
    const byKind = Object.fromEntries(audit.map((r) => [r.kind, r.n]));
    expect(byKind).toMatchObject({ 'session.locked': 2, 'session.signin': 2, 'user.unlocked': 1, 'user.created': 1 });
    // The audit log holds no password, right or wrong.
    const all = JSON.stringify(await store.sql.query('SELECT * FROM audit_log'));
    expect(all).not.toContain('correct horse');
    expect(all).not.toContain('wrong password');
  }, 120_000);

  it('slows an address that guesses many names', async () => {
    const users = createUsers(store.sql);
    const sessions = createSessions(store.sql, 'secret', limits, now);
    const signIn = createSignIn({ db: store.sql, users, sessions, lockMs: 15 * MIN, now });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const outcome = await signIn.signIn(`guess${i}`, 'some password', '192.0.2.7');
      statuses.push(outcome.ok ? 200 : outcome.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    // Another address is not held back by it.
    expect(await signIn.signIn('guess0', 'some password', '192.0.2.8')).toMatchObject({ ok: false, status: 401 });
  }, 120_000);

  it('ends a session after the idle time, after the absolute time however busy, and at a new password', async () => {
    const users = createUsers(store.sql);
    const sessions = createSessions(store.sql, 'secret', limits, now);
    const signIn = createSignIn({ db: store.sql, users, sessions, lockMs: 15 * MIN, now });
    await users.create({ username: 'lead1', password: 'leader password 1', role: 'leader' }, system('lead1'));

    const idle = await signIn.signIn('lead1', 'leader password 1', null);
    if (!idle.ok) throw new Error('sign-in failed');
    t += 29 * MIN;
    expect(await sessions.resolve(idle.cookie)).toMatchObject({ username: 'lead1', role: 'leader' });
    t += 31 * MIN;
    expect(await sessions.resolve(idle.cookie)).toBeNull();

    // An open socket asked again (touch: false) does not keep a session from its idle end.
    const watched = await signIn.signIn('lead1', 'leader password 1', null);
    if (!watched.ok) throw new Error('sign-in failed');
    t += 20 * MIN;
    expect(await sessions.resolve(watched.cookie, { touch: false }), 'asked again after 20 min').not.toBeNull();
    t += 11 * MIN;
    expect(await sessions.resolve(watched.cookie, { touch: false }), 'unused for 31 min').toBeNull();
    // Why, for the 401 (Problem.reason): expired; a live session, a forged cookie: nothing to say.
    expect(await sessions.endReason(watched.cookie)).toBe('expired');
    expect(await sessions.endReason('forged.value')).toBeNull();

    const busy = await signIn.signIn('lead1', 'leader password 1', null);
    if (!busy.ok) throw new Error('sign-in failed');
    for (let h = 0; h < 8 * 3; h++) {
      t += 20 * MIN;
      const alive = await sessions.resolve(busy.cookie);
      if (h < 8 * 3 - 1) expect(alive, `after ${(h + 1) * 20} min`).not.toBeNull();
      else expect(alive).toBeNull();
    }

    const fresh = await signIn.signIn('lead1', 'leader password 1', null);
    if (!fresh.ok) throw new Error('sign-in failed');
    // A new role is seen at once; a new password ends the session.
    await users.patch('lead1', { role: 'operator' }, () => []);
    expect(await sessions.resolve(fresh.cookie)).toMatchObject({ role: 'operator' });
    expect(await sessions.endReason(fresh.cookie), 'a live session').toBeNull();
    await users.patch('lead1', { password: 'another password 2' }, () => []);
    expect(await sessions.resolve(fresh.cookie)).toBeNull();
    expect(await sessions.endReason(fresh.cookie), 'after a new password').toBe('revoked');
  }, 120_000);
});
