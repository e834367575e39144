// Who is asking: the ingest key (reporting systems), the viewer token (walls), or a
// session (people; resolvers are added by the session feature through addSessionResolver).
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { ROLES, roleAtLeast as sharedRoleAtLeast, type Role as SharedRole, type SessionEndReason } from '@grid141/shared';
import { HttpProblem } from '../http/problem.ts';
import type { Actor } from './actor.ts';
import type { Credentials } from './credentials.ts';
import { secretMatches } from './secret.ts';

export type Role = SharedRole;
/** Each role has every right of the ones before it (docs/security.md). */
export const ROLE_ORDER: readonly Role[] = ROLES;
export const roleAtLeast = sharedRoleAtLeast;

export interface Principal {
  role: Role;
  via: 'ingest-key' | 'api-key' | 'viewer-token' | 'session';
  /** Sessions: the signed-in user, their display name, the session (SHA-256 of its id) and its absolute expiry. */
  username?: string;
  displayName?: string;
  sessionId?: string;
  expiresAt?: string;
  /** API keys: the key's name and id, and the record kinds it may write (null: all). */
  keyName?: string;
  keyId?: string;
  kinds?: readonly string[] | null;
}

/** The name the ingest key from the environment acts under in history and the audit log. */
export const INGEST_KEY_NAME = 'INGEST_API_KEY';

/** The actor behind a request's principal (set by a require* guard), with the client's address. */
export function actorOf(req: Request, principal: Principal | undefined): Actor {
  const address = req.ip ?? null;
  if (!principal) return { kind: 'anonymous', name: 'anonymous', role: null, address };
  switch (principal.via) {
    case 'session':
      return { kind: 'user', name: principal.username ?? 'unknown', role: principal.role, address };
    case 'api-key':
      return { kind: 'key', name: principal.keyName ?? 'key', role: null, kinds: principal.kinds ?? null, address };
    case 'ingest-key':
      return { kind: 'key', name: INGEST_KEY_NAME, role: null, kinds: null, address };
    case 'viewer-token':
      return { kind: 'anonymous', name: 'viewer-token', role: null, address };
  }
}

/** Finds the API key behind a presented `X-Api-Key` (the keys made by the admin); null when none or revoked. */
export type KeyResolver = (presented: string) => Principal | null | Promise<Principal | null>;

/**
 * Finds the session of a request (HTTP or the socket's handshake); null when none. `touch: false`
 * asks without counting it as a use (an open socket asked again, which must not keep a session from
 * its idle end).
 */
export type SessionResolver = (req: IncomingMessage, options?: { touch?: boolean }) => Principal | null | Promise<Principal | null>;

/** Why a request's session cookie is no longer accepted (sessions.ts endReason); null when it has none or unknown. */
export type SessionEndFinder = (req: IncomingMessage) => SessionEndReason | null | Promise<SessionEndReason | null>;

export interface Auth {
  readonly credentials: Credentials;
  addSessionResolver(resolver: SessionResolver): void;
  /** The accounts plugin says why a session ended; every 401 to a request with a session cookie carries it as `reason`. */
  setSessionEndFinder(finder: SessionEndFinder): void;
  /** Why the request's (or a socket handshake's) session ended: 'expired', 'revoked', or null. */
  sessionEndReason(req: IncomingMessage): Promise<SessionEndReason | null>;
  addKeyResolver(resolver: KeyResolver): void;
  /** The key principal of a presented X-Api-Key: INGEST_API_KEY first, then the admin's keys. */
  keyOf(presented: unknown): Promise<Principal | null>;
  /** Reporting systems: `X-Api-Key`, or an operator session. */
  requireIngestKey: RequestHandler;
  /** Reads: `Authorization: Bearer <viewer token>`, `?token=`, or any session. */
  requireViewer: RequestHandler;
  /** People with at least `role` (sessions only). */
  requireRole(role: Role): RequestHandler;
  /**
   * The server's own tools: INGEST_API_KEY (what `npm run import` reads from DATA_DIR to tell a
   * running server it changed the store), or an admin session. A reporting system's named key is
   * 403: it may write records, never make the server rebuild its figures or its map.
   */
  requireServerKey: RequestHandler;
  /** The viewer token on a socket's `auth.token`; null when it does not match. */
  checkSocketToken(token: unknown): Principal | null;
  /**
   * Token first, then sessions from the handshake's cookies. `recheck`: an open socket asked again
   * (live/channel.ts), which does not count as a use of the session.
   */
  authenticateSocket(token: unknown, request: IncomingMessage, recheck?: boolean): Promise<Principal | null>;
}

declare module 'express-serve-static-core' {
  interface Locals {
    principal?: Principal;
  }
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(.+)$/i.exec(header) : null;
  if (match?.[1]) return match[1].trim();
  const query = req.query.token;
  return typeof query === 'string' ? query : undefined;
}

const unauthorized = (detail: string, reason: SessionEndReason | null = null) =>
  new HttpProblem(401, 'Unauthorized', detail, undefined, { 'WWW-Authenticate': 'Bearer realm="grid141"' }, reason ?? undefined);

export function createAuth(credentials: Credentials): Auth {
  const resolvers: SessionResolver[] = [];
  const keyResolvers: KeyResolver[] = [];
  let endFinder: SessionEndFinder = () => null;
  // A failing lookup only loses the detail: the 401 stands without a reason.
  const sessionEndReason = async (req: IncomingMessage) => (await Promise.resolve().then(() => endFinder(req)).catch(() => null)) ?? null;

  async function keyOf(presented: unknown): Promise<Principal | null> {
    if (typeof presented !== 'string' || presented === '') return null;
    if (secretMatches(presented, credentials.ingestKey)) return { role: 'operator', via: 'ingest-key', keyName: INGEST_KEY_NAME, kinds: null };
    for (const resolve of keyResolvers) {
      const principal = await resolve(presented);
      if (principal) return principal;
    }
    return null;
  }

  async function sessionOf(req: IncomingMessage, options?: { touch?: boolean }): Promise<Principal | null> {
    for (const resolve of resolvers) {
      const principal = await resolve(req, options);
      if (principal) return principal;
    }
    return null;
  }

  const checkSocketToken = (token: unknown): Principal | null =>
    secretMatches(token, credentials.viewerToken) ? { role: 'viewer', via: 'viewer-token' } : null;

  return {
    credentials,
    addSessionResolver(resolver) {
      resolvers.push(resolver);
    },
    addKeyResolver(resolver) {
      keyResolvers.push(resolver);
    },
    setSessionEndFinder(finder) {
      endFinder = finder;
    },
    sessionEndReason,
    keyOf,
    requireIngestKey: async (req, res, next) => {
      const key = await keyOf(req.headers['x-api-key']);
      if (key) {
        res.locals.principal = key;
        return next();
      }
      const session = await sessionOf(req);
      if (session && roleAtLeast(session.role, 'operator')) {
        res.locals.principal = session;
        return next();
      }
      if (session) return next(new HttpProblem(403, 'Forbidden', 'writing records needs the operator role'));
      const given = req.headers['x-api-key'] === undefined ? 'missing' : 'wrong';
      next(unauthorized(`the X-Api-Key header is ${given}`, await sessionEndReason(req)));
    },
    requireViewer: async (req, res, next) => {
      const token = bearerToken(req);
      if (secretMatches(token, credentials.viewerToken)) {
        res.locals.principal = { role: 'viewer', via: 'viewer-token' };
        return next();
      }
      const session = await sessionOf(req);
      if (session) {
        res.locals.principal = session;
        return next();
      }
      next(unauthorized(token === undefined ? 'send the viewer token (Authorization: Bearer or ?token=) or sign in' : 'the viewer token is wrong', await sessionEndReason(req)));
    },
    requireRole(role) {
      return async (req, res, next) => {
        const session = await sessionOf(req);
        if (!session) {
          // A reporting system's key is known but can never act as a person.
          if (req.headers['x-api-key'] !== undefined && (await keyOf(req.headers['x-api-key']))) {
            return next(new HttpProblem(403, 'Forbidden', `an API key cannot do this; it needs a signed-in user with the ${role} role`));
          }
          return next(unauthorized('sign in first', await sessionEndReason(req)));
        }
        if (!roleAtLeast(session.role, role)) return next(new HttpProblem(403, 'Forbidden', `this needs the ${role} role`));
        res.locals.principal = session;
        next();
      };
    },
    requireServerKey: async (req, res, next) => {
      const presented = req.headers['x-api-key'];
      if (presented !== undefined) {
        const key = await keyOf(presented);
        if (key?.via === 'ingest-key') {
          res.locals.principal = key;
          return next();
        }
        if (key) return next(new HttpProblem(403, 'Forbidden', `only the server's own key (${INGEST_KEY_NAME}) or an admin may do this; a reporting system's key may only write records`));
        return next(unauthorized('the X-Api-Key header is wrong'));
      }
      const session = await sessionOf(req);
      if (!session) return next(unauthorized('the X-Api-Key header is missing', await sessionEndReason(req)));
      if (!roleAtLeast(session.role, 'admin')) return next(new HttpProblem(403, 'Forbidden', 'this needs the admin role'));
      res.locals.principal = session;
      next();
    },
    checkSocketToken,
    async authenticateSocket(token, request, recheck = false) {
      return checkSocketToken(token) ?? (await sessionOf(request, { touch: !recheck }));
    },
  };
}
