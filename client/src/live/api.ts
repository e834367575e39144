// The one place client code reaches Grid141: every path is prefixed with BASE_PATH, reads carry
// the wall's viewer token (a signed-in person's session cookie goes along by itself), and a 401
// is announced to whoever shows the page (the wall's "token refused" screen, the desk's /login).
import { pageParams } from '../composables/pageParams.ts';

/** An answer that was not 2xx: its status and, for problem+json, the problem's detail. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    readonly detail: string | null,
  ) {
    super(`${path}: ${status}${detail ? ` (${detail})` : ''}`);
    this.name = 'ApiError';
  }
}

/** What a page learns when the server refuses who is asking (HTTP 401 or a refused socket). */
export interface Unauthorized {
  /** 'missing': nothing was sent (no token, no session); 'refused': what was sent is not accepted. */
  reason: 'missing' | 'refused';
  /** The API path or 'socket'. */
  where: string;
  /** The problem's `reason` when the server gave one (sessions: 'expired', 'revoked'); else null. */
  serverReason: string | null;
}

type UnauthorizedListener = (event: Unauthorized) => void;
let acceptedBefore = false;

/**
 * Whether the server answered this page's session with a 2xx before (so a 401 now means the
 * sign-in ended, not that there never was one). With a viewer token, reads succeed on the token,
 * which says nothing about a session: false.
 */
export function wasAccepted(): boolean {
  return acceptedBefore && !pageParams.token;
}
const listeners = new Set<UnauthorizedListener>();

/** Called on every 401 (and refused socket handshake) until the returned function is called. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** For the socket, which learns of a refusal outside fetch. */
export function reportUnauthorized(where: string, serverReason: string | null = null): void {
  const event: Unauthorized = { reason: pageParams.token ? 'refused' : 'missing', where, serverReason };
  for (const listener of [...listeners]) listener(event);
}

/** `/api/v1/street` → `/grid141/api/v1/street` under BASE_PATH; a page path the same way. */
export function appUrl(path: string): string {
  return `${pageParams.basePath}${path.startsWith('/') ? path : `/${path}`}`;
}

/** The Socket.IO endpoint's path (engine.io `path` option). */
export function socketPath(): string {
  return appUrl('/socket.io');
}

/** fetch against Grid141, noting any 2xx answer (see wasAccepted). */
async function call(path: string, init: RequestInit): Promise<Response> {
  const response = await fetch(appUrl(path), init);
  if (response.ok) acceptedBefore = true;
  return response;
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  return pageParams.token ? { Authorization: `Bearer ${pageParams.token}`, ...extra } : extra;
}

async function failure(response: Response, path: string): Promise<ApiError> {
  let detail: string | null = null;
  let reason: string | null = null;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    const body = (await response.json().catch(() => null)) as { detail?: unknown; reason?: unknown } | null;
    detail = typeof body?.detail === 'string' ? body.detail : null;
    reason = typeof body?.reason === 'string' ? body.reason : null;
  }
  if (response.status === 401) reportUnauthorized(path, reason);
  return new ApiError(response.status, path, detail);
}

/** GET a JSON resource; throws ApiError on any non-2xx answer. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await call(path, { headers: headers(), signal: signal ?? null });
  if (!response.ok) throw await failure(response, path);
  return (await response.json()) as T;
}

/** Like getJson, but a 404 (an optional resource the server does not serve) is null. */
export async function getOptionalJson<T>(path: string, signal?: AbortSignal): Promise<T | null> {
  const response = await call(path, { headers: headers(), signal: signal ?? null });
  if (response.status === 404) return null;
  if (!response.ok) throw await failure(response, path);
  const type = response.headers.get('content-type') ?? '';
  // The SPA fallback answers unknown non-API paths with index.html; that is not data.
  if (!type.includes('json')) return null;
  return (await response.json()) as T;
}

export interface SendOptions {
  signal?: AbortSignal;
  /** Extra request headers, e.g. `If-Match` with an incident's ETag. */
  headers?: Record<string, string>;
}

/**
 * POST/PUT/PATCH/DELETE with a JSON body (none when `body` is undefined); the answer's JSON, or
 * null for 204 and non-JSON answers. Throws ApiError (with the problem's detail) on non-2xx.
 */
export async function sendJson<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, options: SendOptions = {}): Promise<T | null> {
  const init: RequestInit = {
    method,
    headers: headers({ ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...options.headers }),
    signal: options.signal ?? null,
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await call(path, init);
  if (!response.ok) throw await failure(response, path);
  if (response.status === 204 || !(response.headers.get('content-type') ?? '').includes('json')) return null;
  return (await response.json()) as T;
}

export interface JsonAnswer<T> {
  status: number;
  ok: boolean;
  /** The ETag header (an incident's version, quoted), when the server sent one. */
  etag: string | null;
  /** Retry-After in seconds (429, 423), when the server sent it. */
  retryAfter: number | null;
  body: T;
}

/**
 * Any method with a JSON body (the desk's actions): the session cookie goes along (same origin),
 * the viewer token too when the page has one. `ifMatch` is sent as If-Match ("<version>").
 * Never throws on an HTTP status: the caller reads 401/403/409/412 and shows what they mean.
 */
export async function requestJson<T>(method: string, path: string, body?: unknown, options: { ifMatch?: string | null; signal?: AbortSignal } = {}): Promise<JsonAnswer<T>> {
  const head = headers();
  if (body !== undefined) head['content-type'] = 'application/json';
  if (options.ifMatch) head['if-match'] = `"${options.ifMatch}"`;
  const response = await call(path, {
    method,
    headers: head,
    credentials: 'same-origin',
    signal: options.signal ?? null,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return readAnswer<T>(path, response);
}

/** An answer as requestJson and postForm give it: the JSON body (or the text as a title), and a 401 reported to the session guard. */
async function readAnswer<T>(path: string, response: Response): Promise<JsonAnswer<T>> {
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { title: text.slice(0, 200) };
  }
  if (response.status === 401) {
    const reason = (parsed as { reason?: unknown } | null)?.reason;
    reportUnauthorized(path, typeof reason === 'string' ? reason : null);
  }
  const retry = Number(response.headers.get('retry-after') ?? NaN);
  return { status: response.status, ok: response.ok, etag: response.headers.get('etag'), retryAfter: Number.isFinite(retry) ? retry : null, body: parsed as T };
}

/**
 * POST a multipart/form-data body (a file upload) under BASE_PATH, with the session cookie (and the
 * viewer token when the page has one). The browser sets the multipart boundary itself, so no
 * content-type is given here. Never throws on an HTTP status: the answer is read as
 * requestJson's (a problem+json body on 4xx).
 */
export async function postForm<T>(path: string, form: FormData, options: { signal?: AbortSignal } = {}): Promise<JsonAnswer<T>> {
  const response = await call(path, { method: 'POST', headers: headers(), body: form, credentials: 'same-origin', signal: options.signal ?? null });
  return readAnswer<T>(path, response);
}

/** GET a binary resource (a PNG snapshot, an export); throws ApiError on any non-2xx answer. */
export async function getBlob(path: string, signal?: AbortSignal): Promise<Blob> {
  const response = await call(path, { headers: headers(), signal: signal ?? null });
  if (!response.ok) throw await failure(response, path);
  return response.blob();
}
