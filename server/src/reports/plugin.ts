// Reports, snapshots and exports (docs/reports.md): read-only, for the viewer token or any
// signed-in role. The weekly figures come from the store; the deck and the snapshot are drawn
// by Chromium from this server's own pages; the schedule renders last week's deck on Mondays.
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { isoDateTimeSchema, parseDesignSize, type Incident } from '@grid141/shared';
import type { Plugin } from '../app.ts';
import { HttpProblem } from '../http/problem.ts';
import { ChromiumMissingError } from '../render/chromium.ts';
import type { IncidentFilter } from '../store/types.ts';
import { incidentsCsv, incidentsXlsx, weeklyXlsx, type ExportLang } from './exports.ts';
import { listRendered, servableName, weekDir } from './folder.ts';
import { Renderer, SnapshotPages, renderDeck } from './render.ts';
import { scheduleWeeklyReport } from './schedule.ts';
import { WeeklyReports, lastWeek, parseWeekParam, weeklyReport } from './weekly.ts';

const route = (fn: (req: Request, res: Response) => Promise<void>): RequestHandler => (req, res, next) => {
  fn(req, res).catch(next);
};

/** Incidents in one export at most (about 20 MB of XLSX); narrow from/to for more. */
export const EXPORT_MAX_ROWS = 100_000;
const EXPORT_PAGE = 500;
/** How long after the start a missed scheduled render is looked for (the start settles first). */
const CATCH_UP_DELAY_MS = 5_000;
/** The largest snapshot: a 4×2 splice of 1920×1080 panels. */
const SNAPSHOT_MAX = { width: 7680, height: 4320 };

function langOf(raw: unknown): ExportLang {
  if (raw === undefined || raw === 'zh' || raw === 'zh-CN') return 'zh';
  if (raw === 'en') return 'en';
  throw new HttpProblem(400, 'Invalid query', 'lang: expected zh or en', [{ path: 'lang', message: 'expected zh or en' }]);
}

function timeParam(query: Record<string, unknown>, name: 'from' | 'to'): Date | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !isoDateTimeSchema.safeParse(raw).success) {
    throw new HttpProblem(400, 'Invalid query', `${name}: expected an ISO 8601 date-time with offset`,
      [{ path: name, message: 'expected an ISO 8601 date-time with offset' }]);
  }
  return new Date(raw);
}

declare module '../app.ts' {
  interface Services {
    renderer: Renderer;
  }
}

export const reportsPlugin: Plugin = (ctx) => {
  // ctx.street per request: a replaced map names its grids and communities at once.
  const { auth, config } = ctx;
  const store = ctx.use('store');
  const tz = config.timeZone;
  const renderer = new Renderer();
  const weeks = new WeeklyReports((week, now) => weeklyReport(store, ctx.street, tz, week, now), tz, ctx.use('bus'));
  const snapshots = new SnapshotPages();
  ctx.provide('renderer', renderer);
  ctx.onClose(async () => {
    weeks.close();
    await snapshots.close();
    await renderer.close();
  });
  let baseUrl: string | null = null;
  ctx.onListen((url) => { baseUrl = url; });
  const ownUrl = () => {
    if (!baseUrl) throw new HttpProblem(503, 'Not ready', 'the server is still starting');
    return baseUrl;
  };
  const viewerToken = ctx.credentials.viewerToken;
  const router = Router();

  router.get('/api/v1/reports/weekly', auth.requireViewer, route(async (req, res) => {
    const week = parseWeekParam(req.query.week, Date.now(), tz);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await weeks.get(week, Date.now()));
  }));

  router.get('/api/v1/reports/weekly.xlsx', auth.requireViewer, route(async (req, res) => {
    const week = parseWeekParam(req.query.week, Date.now(), tz);
    const lang = langOf(req.query.lang);
    const report = await weeks.get(week, Date.now());
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.attachment(`grid141-${week.key}${lang === 'en' ? '-en' : ''}.xlsx`);
    res.send(await weeklyXlsx(report, ctx.street, lang));
  }));

  router.get('/api/v1/reports', auth.requireViewer, route(async (_req, res) => {
    const rendered = await listRendered(config.dataDir);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      items: rendered.map((r) => ({
        week: r.week,
        renderedAt: r.renderedAt,
        pdf: r.pdf.map((f) => `/api/v1/reports/${r.week}/${f}`),
        png: r.png.map((f) => `/api/v1/reports/${r.week}/${f}`),
      })),
    });
  }));

  router.get('/api/v1/reports/:week/:file', auth.requireViewer, route(async (req, res) => {
    const week = String(req.params.week);
    const file = String(req.params.file);
    const known = (await listRendered(config.dataDir)).find((r) => r.week === week);
    if (!known || !servableName(file) || ![...known.pdf, ...known.png].includes(file)) {
      throw new HttpProblem(404, 'Not found', `no rendered file ${week}/${file}; GET /api/v1/reports lists them`);
    }
    res.type(file.endsWith('.pdf') ? 'application/pdf' : 'image/png');
    if (file.endsWith('.pdf')) res.attachment(file);
    createReadStream(path.join(weekDir(config.dataDir, week), file)).on('error', (error) => res.destroy(error)).pipe(res);
  }));

  for (const format of ['csv', 'xlsx'] as const) {
    router.get(`/api/v1/exports/incidents.${format}`, auth.requireViewer, route(async (req, res) => {
      const query = req.query as Record<string, unknown>;
      const lang = langOf(query.lang);
      const filter: IncidentFilter = {};
      const from = timeParam(query, 'from');
      const to = timeParam(query, 'to');
      if (from && to && to < from) throw new HttpProblem(400, 'Invalid query', 'to: to is before from', [{ path: 'to', message: 'to is before from' }]);
      if (from) filter.from = from;
      if (to) filter.to = to;
      const incidents: Incident[] = [];
      let cursor: string | null = null;
      do {
        const page = await store.listIncidents(filter, EXPORT_PAGE, cursor);
        incidents.push(...page.items);
        cursor = page.nextCursor;
        if (incidents.length > EXPORT_MAX_ROWS) {
          throw new HttpProblem(400, 'Too many rows', `more than ${EXPORT_MAX_ROWS} incidents match: narrow from and to`,
            [{ path: 'from', message: `more than ${EXPORT_MAX_ROWS} incidents match` }]);
        }
      } while (cursor);
      const name = `incidents${lang === 'en' ? '-en' : ''}.${format}`;
      res.attachment(name);
      if (format === 'csv') {
        res.type('text/csv; charset=utf-8').send(incidentsCsv(incidents, ctx.street, tz, lang));
      } else {
        res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await incidentsXlsx(incidents, ctx.street, tz, lang));
      }
    }));
  }

  router.get('/api/v1/snapshot.png', auth.requireViewer, route(async (req, res) => {
    const raw = req.query.layout;
    const size = raw === undefined ? { width: 1920, height: 1080 } : parseDesignSize(typeof raw === 'string' ? raw : null);
    if (!size || size.width > SNAPSHOT_MAX.width || size.height > SNAPSHOT_MAX.height) {
      throw new HttpProblem(400, 'Invalid query', `layout: expected WxH from 640x360 to ${SNAPSHOT_MAX.width}x${SNAPSHOT_MAX.height}`,
        [{ path: 'layout', message: 'expected WxH such as 1920x1080' }]);
    }
    const lang = langOf(req.query.lang) === 'en' ? 'en' : 'zh-CN';
    const url = ownUrl();
    try {
      const png = await renderer.run((browser) => snapshots.take(browser, { baseUrl: url, viewerToken, ...size, lang }));
      res.type('image/png').setHeader('Cache-Control', 'no-store');
      res.send(png);
    } catch (error) {
      if (error instanceof ChromiumMissingError) throw new HttpProblem(503, 'No browser', error.message);
      throw error;
    }
  }));

  ctx.app.use(router);

  if (config.reportSchedule) {
    const schedule = scheduleWeeklyReport({
      pattern: config.reportSchedule,
      timeZone: tz,
      dataDir: config.dataDir,
      logger: ctx.logger,
      weekAt: (now) => lastWeek(now, tz),
      render: (week, outDir) => renderer.run((browser) =>
        renderDeck(browser, { baseUrl: ownUrl(), viewerToken, week: week.key, lang: 'zh-CN', scale: 1, outDir })),
    });
    // A week whose scheduled run fell while the server was down is drawn once the start has settled.
    let catchUp: NodeJS.Timeout | null = null;
    ctx.onListen(() => {
      catchUp = setTimeout(() => {
        schedule.catchUp().catch((error: unknown) => ctx.logger.error({ err: error }, 'weekly report catch-up failed'));
      }, CATCH_UP_DELAY_MS);
      catchUp.unref();
    });
    ctx.beforeClose(() => {
      if (catchUp) clearTimeout(catchUp);
      schedule.stop();
    });
  }
};
