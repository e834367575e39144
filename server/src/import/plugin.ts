// The server's side of imports: `POST /api/v1/admin/imported` {kind, created}, by which an import
// run elsewhere (the CLI against the same PostgreSQL) announces itself once; the figures are then
// rebuilt from the store and the walls get them in their next delta.
import { Router } from 'express';
import { z } from 'zod';
import type { Plugin } from '../app.ts';
import { zodProblem } from '../http/problem.ts';
import { IMPORT_KINDS } from './kinds.ts';

const announcement = z.object({
  kind: z.enum(IMPORT_KINDS),
  created: z.number().int().min(0),
});

export const importPlugin: Plugin = (ctx) => {
  const bus = ctx.use('bus');
  const router = Router();
  // The ingest key for now; an admin role check slots in here with sessions.
  router.post('/api/v1/admin/imported', ctx.auth.requireIngestKey, (req, res) => {
    const parsed = announcement.safeParse(req.body ?? {});
    if (!parsed.success) throw zodProblem(parsed.error);
    bus.emit('imported', parsed.data.kind, parsed.data.created);
    res.status(202).json({ rebuilding: true });
  });
  ctx.app.use(router);
};
