// The server's side of imports.
// - `POST /uploads/imports?kind=KIND[&dryRun=1]` (multipart: `file`, optional `mapping` JSON), for a
//   signed-in admin: the same import as the CLI, run in the server, then announced once. It sits
//   outside /api, whose body check takes JSON only. The answer is the summary and a preview of
//   the first rows as the columns were read.
// - `POST /uploads/imports?kind=grids[&crs=gcj02][&dryRun=1]` (multipart `file`: GeoJSON): the
//   street's map replaced, and taken up by this server at once (no restart).
// - `POST /api/v1/admin/imported` {kind, created}: an import run elsewhere (the CLI against the same
//   PostgreSQL) announces itself once; the figures are rebuilt from the store.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';
import multer from 'multer';
import { z } from 'zod';
import { textFault, textFaultMessage } from '@grid141/shared';
import type { Plugin } from '../app.ts';
import type { Principal } from '../auth/auth.ts';
import { HttpProblem, zodProblem } from '../http/problem.ts';
import { mappingSchema, type Mapping } from './convert.ts';
import { IMPORT_KINDS, isImportKind } from './kinds.ts';
import { previewTable, runImport } from './run.ts';
import { importGrids, type Crs } from './grids.ts';

const announcement = z.object({
  kind: z.enum(IMPORT_KINDS),
  created: z.number().int().min(0),
});

/** Largest file the upload takes (bytes): a 100,000-row XLSX is about 5 MB. */
export const UPLOAD_MAX_BYTES = 64 * 1024 * 1024;
const PROBLEMS_SHOWN = 1_000;

/**
 * The uploaded file's own name: browsers send it in UTF-8, multipart's default reading is Latin-1.
 * It is written to the audit log, so it keeps the API's text rule (docs/api.md, "Text"): a name
 * with a NUL or another control character is a 400 naming `file`, never a failed audit write.
 */
function uploadName(file: Express.Multer.File): string {
  const name = Buffer.from(file.originalname, 'latin1').toString('utf8');
  const fault = textFault(name);
  if (fault) throw new HttpProblem(400, 'Invalid upload', `the file name ${textFaultMessage(fault)}`, [{ path: 'file', message: `the file name ${textFaultMessage(fault)}` }]);
  return name;
}

export const importPlugin: Plugin = (ctx) => {
  const bus = ctx.use('bus');
  const store = ctx.use('store');
  const targets = ctx.use('targets');
  const router = Router();
  // The ingest key for now; an admin role check slots in here with sessions.
  router.post('/api/v1/admin/imported', ctx.auth.requireServerKey, (req, res) => {
    const parsed = announcement.safeParse(req.body ?? {});
    if (!parsed.success) throw zodProblem(parsed.error);
    bus.emit('imported', parsed.data.kind, parsed.data.created);
    res.status(202).json({ rebuilding: true });
  });

  // A grid map: the street's files are replaced (the previous kept as a version), then this server
  // takes the new map up (street/plugin.ts: placing, every record placed again, figures, walls).
  const importMap = async (input: { file: string; name: string; crs: Crs; dryRun: boolean; actor: string; address: string | null }) => {
    const report = await importGrids({
      file: input.file, streetsDir: ctx.config.streetsDir, streetId: ctx.street.meta.id, crs: input.crs, dryRun: input.dryRun,
      store, relocate: false, serviceAreaM: ctx.config.serviceAreaKm * 1000, actor: input.actor, actorKind: 'user',
    });
    const reloaded = input.dryRun ? null : await ctx.use('map').reload({ name: input.actor, kind: 'user', address: input.address }, 'upload');
    if (reloaded?.relocated) report.lines.push(`已按新网格重新归属 ${reloaded.relocated.incidents} 条事件、${reloaded.relocated.feedRecords} 条台账记录；大屏已通知重新载入地图`);
    return { kind: 'grids' as const, file: input.name, dryRun: input.dryRun, ...report, relocated: reloaded?.relocated ?? null, mapVersion: reloaded?.version ?? ctx.street.version };
  };

  const uploads = mkdtempSync(path.join(os.tmpdir(), 'grid141-uploads-'));
  ctx.onClose(() => rmSync(uploads, { recursive: true, force: true }));
  const upload = multer({
    storage: multer.diskStorage({
      destination: uploads,
      // Keep the extension: the reader tells XLSX from CSV by content, the summary names the file.
      filename: (_req, file, done) => done(null, `${Date.now()}-${Math.random().toString(36).slice(2)}${path.extname(file.originalname).toLowerCase()}`),
    }),
    limits: { fileSize: UPLOAD_MAX_BYTES, files: 1, fields: 4 },
  }).single('file');
  const receive = (req: Request, res: Response, next: NextFunction) => {
    upload(req, res, (error: unknown) => {
      if (!error) return next();
      const code = (error as { code?: string }).code;
      if (code === 'LIMIT_FILE_SIZE') return next(new HttpProblem(413, 'File too large', `at most ${UPLOAD_MAX_BYTES / 2 ** 20} MB`, [{ path: 'file', message: 'too large' }]));
      next(new HttpProblem(400, 'Invalid upload', (error as Error).message, [{ path: code === 'LIMIT_UNEXPECTED_FILE' ? 'file' : '(body)', message: (error as Error).message }]));
    });
  };

  router.post('/uploads/imports', ctx.auth.requireRole('admin'), receive, (req, res, next) => {
    const file = req.file;
    void (async () => {
      try {
        const kind = String(req.query.kind ?? '');
        if (kind === 'grids') {
          if (!file) throw new HttpProblem(400, 'Invalid request', 'send the map as multipart/form-data field "file"', [{ path: 'file', message: 'missing' }]);
          const crs = String(req.query.crs ?? 'wgs84');
          if (crs !== 'wgs84' && crs !== 'gcj02') throw new HttpProblem(400, 'Invalid request', 'crs must be wgs84 or gcj02', [{ path: 'crs', message: 'wgs84 or gcj02' }]);
          const dryRun = req.query.dryRun === '1' || req.query.dryRun === 'true';
          const principal = res.locals.principal as Principal;
          const name = uploadName(file);
          res.status(200).json(await importMap({ file: file.path, name, crs, dryRun, actor: principal.username ?? 'admin', address: req.ip ?? null }));
          return;
        }
        if (!isImportKind(kind)) throw new HttpProblem(400, 'Invalid request', `kind must be one of ${IMPORT_KINDS.join(', ')}`, [{ path: 'kind', message: 'unknown kind' }]);
        if (!file) throw new HttpProblem(400, 'Invalid request', 'send the file as multipart/form-data field "file"', [{ path: 'file', message: 'missing' }]);
        let mapping: Mapping | undefined;
        const rawMapping = (req.body as Record<string, unknown> | undefined)?.mapping;
        if (typeof rawMapping === 'string' && rawMapping.trim() !== '') {
          let json: unknown;
          try {
            json = JSON.parse(rawMapping);
          } catch {
            throw new HttpProblem(400, 'Invalid request', 'mapping is not JSON', [{ path: 'mapping', message: 'not JSON' }]);
          }
          const parsed = mappingSchema.safeParse(json);
          if (!parsed.success) throw zodProblem(parsed.error, ['mapping']);
          mapping = parsed.data;
        }
        const dryRun = req.query.dryRun === '1' || req.query.dryRun === 'true';
        const name = uploadName(file);
        const principal = res.locals.principal as Principal;
        const preview = await previewTable(kind, file.path, ctx.street, mapping, 10);
        const summary = await runImport({
          kind, file: file.path, store, street: ctx.street, locator: ctx.locator, dryRun, rejectedFile: null,
          actor: principal.username ?? 'admin', actorKind: 'user', address: req.ip ?? null, displayName: name, ...(mapping ? { mapping } : {}),
          // Stamped with the time targets as they stand, as the API stamps a report.
          targetsOf: (profile) => targets.targets(profile),
        });
        if (!dryRun && summary.created > 0) bus.emit('imported', kind, summary.created);
        // A file of many bad rows: the first thousand problems are enough to act on.
        const problems = summary.problems.slice(0, PROBLEMS_SHOWN);
        res.status(200).json({ ...summary, problems, problemsLeftOut: summary.problems.length - problems.length, file: name, preview });
      } catch (error) {
        const known = error instanceof Error && ['UnreadableFileError', 'HeaderError', 'ImportFailedError', 'GridImportError'].includes(error.name);
        next(known ? new HttpProblem(422, 'File not imported', (error as Error).message, [{ path: 'file', message: (error as Error).message }]) : error);
      } finally {
        if (file) rmSync(file.path, { force: true });
      }
    })();
  });
  ctx.app.use(router);
};
