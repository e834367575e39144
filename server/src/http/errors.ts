// The API's edge guards and its last-resort error handler, all answering problem+json.
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { textFault, textFaultMessage } from '@grid141/shared';
import type { Logger } from '../logger.ts';
import { HttpProblem, sendProblem, zodProblem } from './problem.ts';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  if (length !== undefined) return Number(length) > 0;
  return headers['transfer-encoding'] !== undefined;
}

/** A write with a body must say it is JSON; anything else is 415 before it is parsed. */
export const requireJsonBody: RequestHandler = (req, res, next) => {
  if (!BODY_METHODS.has(req.method) || !hasBody(req.headers)) return next();
  if (req.is(['application/json', 'application/*+json'])) return next();
  const got = req.headers['content-type'] ?? 'none';
  sendProblem(res, 415, 'Unsupported media type', `send the body as application/json (got ${got})`);
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * body-parser's `verify` for JSON bodies: bytes that are not UTF-8 are a 400 naming `(body)`, never
 * silently replaced by U+FFFD (docs/api.md, "Text": text is kept exactly as sent, or refused).
 */
export function requireUtf8(_req: unknown, _res: unknown, body: Buffer): void {
  try {
    strictUtf8.decode(body);
  } catch {
    throw new HttpProblem(400, 'Invalid request', 'the body is not valid UTF-8', [{ path: '(body)', message: 'bytes that are not UTF-8' }]);
  }
}

const HEX = /^[0-9a-fA-F]{2}$/;

/**
 * Where a URL-encoded string breaks the bytes rule (docs/api.md, "Text"): a query string, or an
 * `application/x-www-form-urlencoded` body (Open311). A value whose percent-escapes are malformed
 * (`%ZZ`, `%E4%B`), or whose bytes (escaped or raw) are not UTF-8 (`%FF`, half of `%E4%BA%95`), is
 * refused naming its parameter: the parsers would otherwise keep it as U+FFFD (node:querystring,
 * body-parser's decoding) or leave every escape of it undecoded (qs), changing the text silently.
 * `raw` is the bytes, or a string whose characters are bytes (Node's `req.url` is Latin-1).
 * Each entry is `{path: the parameter's name, message}`; `whole` names a part without a name.
 */
export function urlEncodedFaults(raw: Buffer | string, whole = '(query)'): { path: string; message: string }[] {
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
  const errors: { path: string; message: string }[] = [];
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x26, start); // &
    if (end < 0) end = bytes.length;
    if (end > start) {
      const part = bytes.subarray(start, end);
      const eq = part.indexOf(0x3d); // =
      const name = unescaped(eq < 0 ? part : part.subarray(0, eq));
      const value = eq < 0 ? null : unescaped(part.subarray(eq + 1));
      const path = name.text === '' ? whole : name.text.slice(0, 64);
      const fault = name.fault ?? value?.fault;
      if (fault) errors.push({ path, message: fault });
    }
    start = end + 1;
  }
  return errors;
}

/** One name or value of a URL-encoded string: its text (leniently decoded, for naming it) and what is wrong with it, if anything. */
function unescaped(part: Buffer): { text: string; fault?: string } {
  const out: number[] = [];
  let fault: string | undefined;
  for (let i = 0; i < part.length; i += 1) {
    const b = part[i] as number;
    if (b === 0x2b) out.push(0x20); // +
    else if (b === 0x25) { // %
      const hex = part.subarray(i + 1, i + 3).toString('latin1');
      if (HEX.test(hex)) {
        out.push(Number.parseInt(hex, 16));
        i += 2;
      } else {
        fault ??= 'a malformed percent-escape';
        out.push(b);
      }
    } else out.push(b);
  }
  const decoded = Buffer.from(out);
  try {
    strictUtf8.decode(decoded);
  } catch {
    fault ??= 'bytes that are not UTF-8';
  }
  return { text: new TextDecoder().decode(decoded), ...(fault ? { fault } : {}) };
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Where a request's path segments and query parameters break the text rule (docs/api.md, "Text"):
 * they reach SQL too, and PostgreSQL refuses U+0000 with an error, not a row. A query parameter
 * whose percent-escapes are malformed or not UTF-8 is refused too (urlEncodedFaults), not read as
 * U+FFFD. Each entry names the parameter, or `(path)`.
 */
export function unstorableParams(req: Request): { path: string; message: string }[] {
  const errors: { path: string; message: string }[] = [];
  const query = req.originalUrl.indexOf('?');
  if (query >= 0) errors.push(...urlEncodedFaults(req.originalUrl.slice(query + 1).split('#')[0] as string));
  for (const segment of req.path.split('/')) {
    const fault = textFault(decoded(segment));
    if (fault) errors.push({ path: '(path)', message: textFaultMessage(fault) });
  }
  // A parameter already refused for its bytes is not named twice.
  const named = new Set(errors.map((e) => e.path));
  for (const [name, raw] of Object.entries(req.query)) {
    if (named.has(name)) continue;
    const values = Array.isArray(raw) ? raw : [raw];
    for (const value of values) {
      const fault = typeof value === 'string' ? textFault(value) : null;
      if (fault) errors.push({ path: name, message: textFaultMessage(fault) });
    }
  }
  return errors;
}

/** The text rule for paths and query parameters under /api: a 400 naming each, before any route runs. */
export const refuseUnstorableText: RequestHandler = (req, res, next) => {
  const errors = unstorableParams(req);
  if (errors.length === 0) return next();
  sendProblem(res, 400, 'Invalid request', errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
};

/** Anything under /api that no route answered. */
export const apiNotFound: RequestHandler = (req, res) => {
  sendProblem(res, 404, 'Not found', `no API route ${req.method} ${req.originalUrl.split('?')[0]}`);
};

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

// body-parser marks its errors with a `type`; these are the client's fault, not ours.
const BODY_PARSER_ERRORS: Record<string, [number, string]> = {
  'entity.parse.failed': [400, 'Malformed JSON'],
  'entity.too.large': [413, 'Request body too large'],
  'encoding.unsupported': [415, 'Unsupported content encoding'],
  'charset.unsupported': [415, 'Unsupported charset'],
  'request.aborted': [400, 'Request aborted'],
  'request.size.invalid': [400, 'Request size did not match Content-Length'],
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof HttpProblem) {
      if (error.headers) res.set(error.headers);
      return sendProblem(res, error.status, error.title, error.detail, error.errors, error.reason);
    }
    if (error instanceof ZodError) {
      const problem = zodProblem(error);
      return sendProblem(res, problem.status, problem.title, problem.detail, problem.errors);
    }
    // The router could not percent-decode a path parameter (`/api/v1/incidents/%ZZ`): the client's address is broken.
    if (error instanceof URIError) {
      return sendProblem(res, 400, 'Invalid request', 'the address has a malformed percent-escape', [{ path: '(path)', message: 'malformed percent-escape' }]);
    }
    const parserType = (error as BodyParserError | null)?.type;
    const known = parserType ? BODY_PARSER_ERRORS[parserType] : undefined;
    if (known) {
      const [status, title] = known;
      const detail =
        status === 413 ? `the limit is ${(error as BodyParserError).limit ?? 1_048_576} bytes` : (error as Error).message;
      return sendProblem(res, status, title, detail);
    }
    logger.error({ err: error, method: req.method, url: withoutSecrets(req.originalUrl) }, 'unhandled error');
    sendProblem(res, 500, 'Internal server error', 'the error was logged');
  };
}

/** A request URL fit for a log line: the value of a `token` (or `key`) parameter replaced by '…'. */
export function withoutSecrets(url: string): string {
  return url.replace(/([?&](?:token|key|api_key)=)[^&#]*/gi, '$1…');
}
