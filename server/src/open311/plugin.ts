// Open311 GeoReport v2 under /open311/v2/ (docs/open311.md): discovery, services, service
// definitions, and service requests (POST create, GET list and one), in XML and JSON.
import express, { Router, type Request, type Response, type NextFunction } from 'express';
import { isoWithOffset } from '@grid141/shared';
import type { Plugin } from '../app.ts';
import { actorOf } from '../auth/auth.ts';
import { unstorableParams, urlEncodedFaults } from '../http/errors.ts';
import { Open311Failure, sendErrors, sendOpen311, type Json, type Open311Format } from './format.ts';
import { readRequestsQuery } from './query.ts';
import { namedPlaces, readCreateRequest, toOpen311Request } from './requests.ts';
import { findCategory, serviceDefinition, services, type Lang } from './services.ts';
import { open311Writer } from './write.ts';

export const OPEN311_BASE = '/open311/v2';
const SPEC_URL = 'http://wiki.open311.org/GeoReport_v2';

// /discovery.xml, /services.json, /services/{code}.xml, /requests.json, /requests/{id}.xml
const ROUTE = /^\/(discovery|services|requests)(?:\/([^/]+))?\.(json|xml)$/;

// body-parser marks its errors with a `type`; these are the client's fault.
const BODY_ERRORS: Record<string, number> = {
  'entity.parse.failed': 400,
  'entity.too.large': 413,
  'encoding.unsupported': 415,
  'charset.unsupported': 415,
  'parameters.too.many': 413,
  'request.aborted': 400,
  'request.size.invalid': 400,
};

/**
 * body-parser's `verify` for the form: a field whose bytes (raw or percent-escaped) are not UTF-8,
 * or whose percent-escapes are malformed, is refused with the spec's error list naming the field
 * (docs/api.md, "Text"), as the JSON API refuses such a body; the parser would otherwise read it
 * as U+FFFD, or keep the escapes undecoded. A form that says `charset=iso-8859-1` is Latin-1,
 * where every byte is a character (docs/open311.md); the parser refuses any other charset (415).
 */
function utf8Form(_req: unknown, _res: unknown, body: Buffer, encoding: string | null): void {
  if (encoding === 'iso-8859-1') return;
  const faults = urlEncodedFaults(body, '(body)');
  if (faults.length > 0) throw new Open311Failure(400, faults.map((e) => ({ code: 400, description: `${e.path}: ${e.message}` })));
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function formatOf(req: Request): Open311Format {
  return req.path.endsWith('.json') ? 'json' : 'xml';
}

function langOf(req: Request): Lang {
  const best = req.acceptsLanguages('zh', 'zh-CN', 'en', 'en-US', 'en-GB');
  return typeof best === 'string' && best.startsWith('en') ? 'en' : 'zh';
}

export const open311Routes: Plugin = (ctx) => {
  const { street, config } = ctx;
  const store = ctx.use('store');
  const tz = config.timeZone;
  const places = namedPlaces(street);
  const create = open311Writer({ store, writes: ctx.use('writes') });
  const changeset = isoWithOffset(ctx.startedAt.getTime(), tz);

  // Reads and writes of requests need an ingest key (requests carry addresses); the spec lets a
  // jurisdiction ask for api_key. Accepted as api_key (form or query) or the X-Api-Key header.
  // Any API key the admin made (or INGEST_API_KEY) that may write incidents; a revoked key is refused at once.
  const requireKey = async (req: Request, params: Record<string, unknown>) => {
    const key = typeof params.api_key === 'string' && params.api_key !== '' ? params.api_key : req.headers['x-api-key'];
    const principal = await ctx.auth.keyOf(key);
    if (!principal) throw Open311Failure.of(403, 'api_key was not provided or is invalid');
    if (principal.kinds && !principal.kinds.includes('incidents')) throw Open311Failure.of(403, 'this api_key may not report incidents');
    return actorOf(req, principal);
  };
  // An empty jurisdiction_id is an absent one; any other than this street's is unknown.
  const checkJurisdiction = (params: Record<string, unknown>) => {
    const j = params.jurisdiction_id;
    if (j === undefined || j === '') return;
    if (j !== street.meta.id) throw Open311Failure.of(404, `jurisdiction_id ${String(j).slice(0, 64)} was not found (this endpoint serves ${street.meta.id})`);
  };

  const router = Router();
  router.post(/.*/, (req, _res, next) => {
    // Bodies are forms (the spec); JSON or multipart is refused before it is read.
    const length = req.headers['content-length'];
    const hasBody = length !== undefined ? Number(length) > 0 : req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is('application/x-www-form-urlencoded')) {
      return next(Open311Failure.of(415, `send the form as application/x-www-form-urlencoded; charset=utf-8 (got ${req.headers['content-type'] ?? 'none'})`));
    }
    next();
  }, express.urlencoded({ extended: true, limit: '64kb', parameterLimit: 100, verify: utf8Form }));

  router.use(async (req: Request, res: Response, next: NextFunction) => {
    try {
      await answer(req, res);
    } catch (error) {
      next(error);
    }
  });

  async function answer(req: Request, res: Response): Promise<void> {
    const format = formatOf(req);
    // The text rule (docs/api.md, "Text") for ids and query parameters; the form goes through the incident schema.
    const unstorable = unstorableParams(req);
    if (unstorable.length > 0) throw new Open311Failure(400, unstorable.map((e) => ({ code: 400, description: `${e.path}: ${e.message}` })));
    const match = ROUTE.exec(req.path);
    if (!match) throw Open311Failure.of(404, `no Open311 resource ${req.method} ${OPEN311_BASE}${req.path}`);
    const [, resource, id] = match;
    const query = req.query as Record<string, unknown>;
    const lang = langOf(req);
    const allow = (method: string) => {
      if (req.method !== method && !(method === 'GET' && req.method === 'HEAD')) {
        // requests.{format} takes POST as well (a new request); every other resource is read-only.
        res.set('Allow', resource === 'requests' && id === undefined ? 'GET, HEAD, POST' : 'GET, HEAD');
        throw Open311Failure.of(405, `${req.method} is not allowed on ${OPEN311_BASE}${req.path}`);
      }
    };

    if (resource === 'discovery' && id === undefined) {
      allow('GET');
      const url = `${req.protocol}://${req.get('host') ?? 'localhost'}${OPEN311_BASE}`;
      sendOpen311(res, format, 200, {
        changeset,
        contact: street.meta.title[lang],
        key_service: lang === 'zh' ? '向指挥中心申请上报密钥（api_key）' : 'Ask the command centre for an ingest key (api_key)',
        endpoints: [{ specification: SPEC_URL, url, changeset, type: 'production', formats: ['text/xml', 'application/json'] }],
      }, 'discovery');
      return;
    }

    if (resource === 'services') {
      allow('GET');
      checkJurisdiction(query);
      if (id === undefined) {
        sendOpen311(res, format, 200, services(lang) as Json, 'services', 'service');
        return;
      }
      const category = findCategory(decoded(id));
      if (!category) throw Open311Failure.of(404, `service_code ${decoded(id).slice(0, 64)} was not found`);
      sendOpen311(res, format, 200, serviceDefinition(category.code, lang) as unknown as Json, 'service_definition');
      return;
    }

    if (resource === 'requests' && req.method === 'POST' && id === undefined) {
      const params = { ...query, ...(req.body as Record<string, unknown> | undefined ?? {}) };
      const actor = await requireKey(req, params);
      checkJurisdiction(params);
      const request = readCreateRequest(params, places);
      const { incident } = await create(request, actor);
      const notice = incident.outsideArea && incident.gridId === null
        ? (lang === 'zh' ? '已登记；位置不在本街道范围内，待核实' : 'Registered; the location is outside the street and will be checked')
        : (lang === 'zh' ? `已登记，网格 ${incident.gridId ?? ''}` : `Registered in grid ${incident.gridId ?? ''}`);
      // The spec answers 200 with the one-element list, for a new request and a retried one alike
      // (account_id is left out: Grid141 keeps no accounts, and the community schema allows no null there).
      sendOpen311(res, format, 200, [{ service_request_id: incident.id, service_notice: notice }], 'service_requests', 'request');
      return;
    }

    if (resource === 'requests') {
      allow('GET');
      await requireKey(req, query);
      checkJurisdiction(query);
      if (id !== undefined) {
        const incident = await store.getIncident(decoded(id));
        if (!incident) throw Open311Failure.of(404, `service_request_id ${decoded(id).slice(0, 64)} was not found`);
        const note = [...incident.history].reverse().find((h) => h.note !== null)?.note ?? null;
        const movedAt = incident.history.at(-1)?.at ?? null;
        sendOpen311(res, format, 200, [toOpen311Request(incident, { note, movedAt }, lang, tz)], 'service_requests', 'request');
        return;
      }
      const { filter, limit } = readRequestsQuery(query, Date.now());
      const page = await store.listIncidents(filter, limit, null);
      const moves = await store.lastMoves(page.items.map((i) => i.id));
      const items = page.items.map((i) => toOpen311Request(i, moves.get(i.id) ?? { note: null, movedAt: null }, lang, tz));
      sendOpen311(res, format, 200, items, 'service_requests', 'request');
      return;
    }
    throw Open311Failure.of(404, `no Open311 resource ${req.method} ${OPEN311_BASE}${req.path}`);
  }

  // Every error under /open311 is the spec's error list, in the format the path asked for.
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const format = formatOf(req);
    if (error instanceof Open311Failure) return sendErrors(res, format, error);
    const parserType = (error as { type?: string } | null)?.type;
    const status = parserType ? BODY_ERRORS[parserType] : undefined;
    if (status !== undefined) return sendErrors(res, format, Open311Failure.of(status, (error as Error).message));
    ctx.logger.error({ err: error, path: req.path }, 'open311 request failed');
    sendErrors(res, format, Open311Failure.of(500, 'the server failed; the request was not taken'));
  });

  ctx.app.use(OPEN311_BASE, router);
};
