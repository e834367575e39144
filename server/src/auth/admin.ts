// The admin API (admin sessions only; docs/api.md, Administration): users, API keys, the wall's
// viewer token, and the audit log, which nothing here can edit or delete. Every change writes
// its audit entry in its own transaction; no answer and no entry holds a password, key or hash.
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import {
  AUDIT_KINDS, isoDateTimeSchema, newApiKeySchema, QUERY_RANGE_ISSUE, queryRangeOk, newUserSchema, userPatchSchema, type AuditKind, type UserPatch,
} from '@grid141/shared';
import type { Plugin } from '../app.ts';
import { BadAuditCursorError, listAudit, writeAudit, type NewAuditEntry } from '../audit/log.ts';
import { HttpProblem, zodProblem } from '../http/problem.ts';
import { actorOf } from './auth.ts';
import { createKeys } from './keys.ts';
import { generateSecret } from './secret.ts';
import { publicUser, UserExistsError } from './users.ts';

const route = (fn: (req: Request, res: Response) => Promise<void>): RequestHandler => (req, res, next) => {
  fn(req, res).catch(next);
};

const AUDIT_LIMIT_MAX = 200;
/** How often an instance re-reads a viewer token another instance may have rotated. */
const TOKEN_REFRESH_MS = 30_000;

const auditQuerySchema = z.object({
  actor: z.string().max(64).optional(),
  kind: z.string().optional().transform((v) => (v ? v.split(',') : undefined))
    .refine((v) => !v || v.every((k) => (AUDIT_KINDS as readonly string[]).includes(k)), { message: `one or more of ${AUDIT_KINDS.join(', ')}` }),
  from: isoDateTimeSchema.optional(),
  to: isoDateTimeSchema.optional(),
  cursor: z.string().max(24).optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_LIMIT_MAX).default(50),
}).refine(queryRangeOk, QUERY_RANGE_ISSUE);

export const adminPlugin: Plugin = async (ctx) => {
  const db = ctx.use('store').sql;
  const { users } = ctx.use('accounts');
  const keys = createKeys(db);
  const admin = ctx.auth.requireRole('admin');

  ctx.auth.addKeyResolver(async (presented) => {
    const key = await keys.resolve(presented);
    return key ? { role: 'operator', via: 'api-key', keyName: key.name, keyId: key.id, kinds: key.kinds } : null;
  });

  // The viewer token: a rotated one lives in the database and wins over the environment's.
  const rotated = await db.query<{ value: string }>("SELECT value FROM settings WHERE key = 'viewer_token'");
  if (rotated[0]) ctx.credentials.viewerToken = rotated[0].value;
  const refresh = setInterval(() => {
    db.query<{ value: string }>("SELECT value FROM settings WHERE key = 'viewer_token'").then(
      (rows) => {
        if (!rows[0] || rows[0].value === ctx.credentials.viewerToken) return;
        // Another instance rotated it: this instance's walls on the old one end now too.
        ctx.credentials.viewerToken = rows[0].value;
        ctx.live.recheckSoon();
      },
      (error: unknown) => ctx.logger.warn({ err: error }, 'could not re-read the viewer token'),
    );
  }, TOKEN_REFRESH_MS);
  refresh.unref();
  ctx.onClose(() => clearInterval(refresh));

  const who = (req: Request, res: Response) => actorOf(req, res.locals.principal);
  const entry = (req: Request, res: Response, kind: AuditKind, target: string | null, detail: Record<string, unknown> = {}): NewAuditEntry => {
    const actor = who(req, res);
    return { actor: actor.name, actorKind: actor.kind, address: actor.address ?? null, kind, target, detail };
  };
  const router = Router();

  router.get('/api/v1/users', admin, route(async (_req, res) => {
    const now = Date.now();
    res.set('Cache-Control', 'no-store').json({ items: (await users.list()).map((u) => publicUser(u, now)) });
  }));

  router.post('/api/v1/users', admin, route(async (req, res) => {
    const parsed = newUserSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw zodProblem(parsed.error);
    const { password: _password, ...shown } = parsed.data;
    try {
      const user = await users.create(parsed.data, entry(req, res, 'user.created', parsed.data.username, { role: shown.role, displayName: shown.displayName ?? shown.username }));
      res.status(201).json(publicUser(user, Date.now()));
    } catch (error) {
      if (error instanceof UserExistsError) throw new HttpProblem(409, 'User exists', `a user named ${parsed.data.username} exists`, [{ path: 'username', message: 'taken' }]);
      throw error;
    }
  }));

  router.patch('/api/v1/users/:username', admin, route(async (req, res) => {
    const parsed = userPatchSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw zodProblem(parsed.error);
    const username = String(req.params.username);
    const patch: UserPatch = parsed.data;
    const self = who(req, res).name.toLowerCase() === username.toLowerCase();
    // The last admin cannot leave: someone must be able to sign in and administer.
    if ((patch.disabled === true || (patch.role !== undefined && patch.role !== 'admin'))) {
      const target = await users.get(username);
      if (target?.role === 'admin' && !target.disabled && (await users.countAdmins()) <= 1) {
        throw new HttpProblem(409, 'Last admin', 'there must stay at least one admin who can sign in', [{ path: patch.disabled ? 'disabled' : 'role', message: 'the last admin' }]);
      }
    }
    const user = await users.patch(username, patch, (before) => {
      const changes: Record<string, unknown> = {};
      if (patch.role !== undefined && patch.role !== before.role) changes.role = { from: before.role, to: patch.role };
      if (patch.disabled !== undefined && patch.disabled !== before.disabled) changes.disabled = patch.disabled;
      if (patch.displayName !== undefined && patch.displayName !== before.displayName) changes.displayName = patch.displayName;
      if (patch.password !== undefined) changes.passwordChanged = true;
      const out: NewAuditEntry[] = [];
      if (Object.keys(changes).length > 0) out.push(entry(req, res, 'user.changed', before.username, { ...changes, ...(self ? { self: true } : {}) }));
      if (patch.unlock) out.push(entry(req, res, 'user.unlocked', before.username));
      return out;
    });
    if (!user) throw new HttpProblem(404, 'Not found', `no user ${username}`);
    // Disabled or a new password: the user's sessions ended, and so do their open sockets.
    if (patch.disabled === true || patch.password !== undefined) ctx.live.recheckSoon();
    res.json(publicUser(user, Date.now()));
  }));

  router.get('/api/v1/keys', admin, route(async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ items: await keys.list() });
  }));

  router.post('/api/v1/keys', admin, route(async (req, res) => {
    const parsed = newApiKeySchema.safeParse(req.body ?? {});
    if (!parsed.success) throw zodProblem(parsed.error);
    const kinds = parsed.data.kinds ?? null;
    const created = await keys.create({ name: parsed.data.name, kinds }, who(req, res).name, (info) =>
      entry(req, res, 'key.created', info.id, { name: info.name, kinds }));
    // The only time the key is shown.
    res.status(201).set('Cache-Control', 'no-store').json({ ...created.info, key: created.key });
  }));

  router.delete('/api/v1/keys/:id', admin, route(async (req, res) => {
    const id = String(req.params.id);
    const info = await keys.revoke(id, (k) => entry(req, res, 'key.revoked', k.id, { name: k.name }));
    if (!info) throw new HttpProblem(404, 'Not found', `no key ${id}`);
    res.json(info);
  }));

  router.post('/api/v1/viewer-token', admin, route(async (req, res) => {
    const token = generateSecret(24);
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO settings (key, value, updated_at) VALUES ('viewer_token', $1, now())
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
        [token],
      );
      await writeAudit(tx, entry(req, res, 'viewer-token.rotated', null));
    });
    ctx.credentials.viewerToken = token;
    // Walls on the old token are cut now and refused when they reconnect: they show why (issue 16).
    ctx.live.recheckSoon();
    res.status(200).set('Cache-Control', 'no-store').json({ token });
  }));

  router.get('/api/v1/audit', admin, route(async (req, res) => {
    const parsed = auditQuerySchema.safeParse(req.query);
    if (!parsed.success) throw zodProblem(parsed.error);
    const q = parsed.data;
    try {
      const page = await listAudit(db, {
        ...(q.actor ? { actor: q.actor } : {}),
        ...(q.kind ? { kind: q.kind as AuditKind[] } : {}),
        ...(q.from ? { from: new Date(q.from) } : {}),
        ...(q.to ? { to: new Date(q.to) } : {}),
      }, q.limit, q.cursor ?? null);
      res.set('Cache-Control', 'no-store').json(page);
    } catch (error) {
      if (error instanceof BadAuditCursorError) throw new HttpProblem(400, 'Invalid request', error.message, [{ path: 'cursor', message: error.message }]);
      throw error;
    }
  }));

  ctx.app.use(router);
};
