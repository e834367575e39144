// People: users, sessions and sign-in (docs/security.md). Registered after the store: creates
// the admin at the first start, keeps the session secret in the database, plugs the session
// cookie into ctx.auth (HTTP and /live both accept it), and serves /api/v1/session.
import type { IncomingMessage } from 'node:http';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { signInSchema, type SessionInfo } from '@grid141/shared';
import type { Plugin } from '../app.ts';
import { HttpProblem, zodProblem } from '../http/problem.ts';
import type { SqlDriver } from '../store/types.ts';
import { generateSecret } from './secret.ts';
import { createSessions, SESSION_COOKIE, type Sessions } from './sessions.ts';
import { createSignIn } from './signin.ts';
import { createUsers, type Users } from './users.ts';

export interface Accounts {
  users: Users;
  sessions: Sessions;
}

declare module '../app.ts' {
  interface Services {
    accounts: Accounts;
  }
}

const route = (fn: (req: Request, res: Response) => Promise<void>): RequestHandler => (req, res, next) => {
  fn(req, res).catch(next);
};

/** The value of one cookie in a Cookie header; null when absent. */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const raw = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    try {
      return decodeURIComponent(raw);
    } catch {
      return null;
    }
  }
  return null;
}

/** A setting kept in the database (table settings); created with `make` when missing. */
export async function setting(db: SqlDriver, key: string, make: () => string): Promise<string> {
  await db.query('INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, now()) ON CONFLICT (key) DO NOTHING', [key, make()]);
  const rows = await db.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]);
  return (rows[0] as { value: string }).value;
}

export const accountsPlugin: Plugin = async (ctx) => {
  const db = ctx.use('store').sql;
  const { config, logger } = ctx;
  const users = createUsers(db);
  // One secret per database: every instance on it accepts the others' cookies; another database's are refused.
  const secret = await setting(db, 'session_secret', () => generateSecret(32));
  const sessions = createSessions(db, secret, config.sessions);
  const signIn = createSignIn({ db, users, sessions, lockMs: config.sessions.lockMs });

  // The admin exists from the first start, with ADMIN_PASSWORD or the generated one (printed once by main).
  if ((await users.countAdmins()) === 0) {
    try {
      await users.create(
        { username: 'admin', password: ctx.credentials.adminPassword, role: 'admin', displayName: '管理员' },
        { actor: 'system', actorKind: 'system', kind: 'user.created', target: 'admin', detail: { role: 'admin', firstStart: true } },
      );
      logger.info({}, 'admin user created');
    } catch (error) {
      logger.warn({ err: error }, 'could not create the admin user (a user named admin without the admin role exists?)');
    }
  }

  const resolve = async (req: IncomingMessage, options: { touch?: boolean } = {}) => {
    const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (!cookie) return null;
    const session = await sessions.resolve(cookie, options);
    if (!session) return null;
    return {
      role: session.role,
      via: 'session' as const,
      username: session.username,
      displayName: session.displayName,
      sessionId: session.idHash,
      expiresAt: session.expiresAt,
    };
  };
  ctx.auth.addSessionResolver(resolve);
  ctx.auth.setSessionEndFinder((req) => {
    const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
    return cookie ? sessions.endReason(cookie) : null;
  });

  const sweep = setInterval(() => {
    sessions.sweep().catch((error: unknown) => logger.warn({ err: error }, 'session sweep failed'));
  }, 3_600_000);
  sweep.unref();
  ctx.onClose(() => clearInterval(sweep));

  const cookiePath = config.basePath || '/';
  const router = Router();

  router.post('/api/v1/session', route(async (req, res) => {
    const parsed = signInSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw zodProblem(parsed.error);
    const outcome = await signIn.signIn(parsed.data.username, parsed.data.password, req.ip ?? null);
    if (!outcome.ok) {
      if (outcome.status === 429) {
        throw new HttpProblem(429, 'Too many sign-in attempts', `try again in ${outcome.retryAfterS} s`, undefined, { 'Retry-After': String(outcome.retryAfterS) });
      }
      if (outcome.status === 423) {
        throw new HttpProblem(423, 'Account locked', `too many failed sign-ins; try again in ${Math.ceil(outcome.retryAfterS / 60)} min or ask an admin to unlock it`, undefined, { 'Retry-After': String(outcome.retryAfterS) });
      }
      throw new HttpProblem(401, 'Sign-in failed', 'wrong username or password');
    }
    // Secure whenever the request came over HTTPS (directly or through the trusted proxy).
    res.cookie(SESSION_COOKIE, outcome.cookie, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: cookiePath, expires: outcome.expiresAt });
    const body: SessionInfo = { username: outcome.user.username, displayName: outcome.user.displayName, role: outcome.user.role, expiresAt: outcome.expiresAt.toISOString() };
    res.status(200).json(body);
  }));

  router.get('/api/v1/session', route(async (req, res) => {
    const principal = await resolve(req);
    if (!principal) throw new HttpProblem(401, 'Unauthorized', 'not signed in', undefined, undefined, (await ctx.auth.sessionEndReason(req)) ?? undefined);
    const body: SessionInfo = { username: principal.username, displayName: principal.displayName, role: principal.role, expiresAt: principal.expiresAt };
    res.set('Cache-Control', 'no-store').json(body);
  }));

  router.delete('/api/v1/session', route(async (req, res) => {
    const principal = await resolve(req);
    if (principal) {
      await sessions.revoke(principal.sessionId, {
        actor: principal.username, actorKind: 'user', address: req.ip ?? null, kind: 'session.signout', target: principal.username,
      });
      // The desk's open socket on this session ends now (docs/security.md).
      ctx.live.recheckSoon();
    }
    res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: cookiePath });
    res.status(204).end();
  }));

  ctx.app.use(router);
  ctx.provide('accounts', { users, sessions });
};
