// The demo feed's HTTP client: posts records through the public API with X-Api-Key, in batches,
// retrying network errors and 5xx with backoff (same externalIds, so a replay is harmless);
// a 4xx is a bug in the feed or the server: logged once with the problem's detail and skipped.
import type { FeedKind } from '@grid141/shared';
import type { Logger } from '../logger.ts';

export const BATCH_SIZE = 500;

export interface PostedRecord {
  id: string;
  /** The incident's status as the server has it (a replay may answer a later one). */
  status?: string;
}

/** Answers as HTTP would give them: the in-process feed moves incidents through the write service. */
export interface DirectMoves {
  transition(id: string, body: Record<string, unknown>): Promise<Answer>;
  resolveAlarm(id: string, body: Record<string, unknown>): Promise<Answer>;
  purge(): Promise<Answer>;
}

export interface PosterOptions {
  url: string;
  key: string;
  /** Lifecycle moves and the purge need a person: the in-process feed acts as the server itself ... */
  direct?: DirectMoves;
  /** ... and the separate process signs in (an operator for moves, an admin for the purge). */
  account?: { username: string; password: string };
  logger: Logger;
  signal: AbortSignal;
  /** Longest wait between retries. */
  maxBackoffMs?: number;
}

export class FatalPostError extends Error {
  override name = 'FatalPostError';
}

export interface Answer {
  status: number;
  body: unknown;
}

const RETRY_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function problemText(body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as { title?: unknown; detail?: unknown; errors?: { path?: unknown; message?: unknown }[] };
    const fields = Array.isArray(b.errors) ? b.errors.map((e) => `${Array.isArray(e.path) ? e.path.join('.') : String(e.path ?? '')}: ${String(e.message ?? '')}`).join('; ') : '';
    return [b.title, b.detail, fields].filter((x) => typeof x === 'string' && x !== '').join(' — ');
  }
  return String(body ?? '');
}

export class Poster {
  readonly stats = { posted: 0, replayed: 0, skipped: 0, transitions: 0, conflicts: 0, retries: 0 };
  private readonly seenProblems = new Set<string>();
  private readonly base: string;
  private cookie: string | null = null;

  constructor(private readonly options: PosterOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  /** One request, retried until it gets an answer that is not a transient failure. */
  async request(method: string, path: string, body?: unknown): Promise<Answer> {
    const { signal, logger } = this.options;
    const maxBackoff = this.options.maxBackoffMs ?? 30_000;
    let delay = 500;
    let warned = false;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      try {
        const response = await fetch(`${this.base}${path}`, {
          method,
          headers: { 'content-type': 'application/json', 'x-api-key': this.options.key, ...(this.cookie ? { cookie: this.cookie } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.any([signal, AbortSignal.timeout(60_000)]),
        });
        const setCookie = response.headers.get('set-cookie');
        if (setCookie && path === '/api/v1/session') this.cookie = setCookie.split(';')[0] ?? null;
        const text = await response.text();
        let parsed: unknown = null;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch {
          parsed = text;
        }
        if (!RETRY_STATUSES.has(response.status)) return { status: response.status, body: parsed };
        if (!warned) logger.warn({ path, status: response.status, detail: problemText(parsed) }, 'simulator: server busy or failing, retrying');
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        if (!warned) logger.warn({ path, err: (error as Error).message }, `simulator: server not reachable at ${this.base}, retrying`);
      }
      warned = true;
      this.stats.retries += 1;
      await abortableSleep(delay, signal);
      delay = Math.min(maxBackoff, delay * 2);
    }
  }

  private reportProblem(path: string, status: number, body: unknown, externalId?: string): void {
    if (status === 401 || status === 403) {
      const who = /transitions|purge/.test(path) ? 'the account (--user/--password)' : 'the ingest key';
      throw new FatalPostError(`the server refused ${who} (${status} on ${path}): ${problemText(body)}`);
    }
    this.stats.skipped += 1;
    const detail = problemText(body);
    const key = `${path.replace(/\/[0-9a-f-]{8,}/gi, '/:id')}|${status}|${detail}`;
    if (this.seenProblems.has(key)) return;
    this.seenProblems.add(key);
    this.options.logger.error({ path, status, detail, externalId }, 'simulator: record refused (logged once per problem; skipped)');
  }

  /** Posts records in batches; each result is the stored record, or null when refused. */
  async postMany(path: string, items: readonly { externalId: string }[]): Promise<(PostedRecord | null)[]> {
    const out: (PostedRecord | null)[] = [];
    for (let i = 0; i < items.length; i += BATCH_SIZE) {
      const chunk = items.slice(i, i + BATCH_SIZE);
      const answer = await this.request('POST', path, { items: chunk });
      const results = (answer.body as { results?: unknown[] } | null)?.results;
      if (answer.status >= 400 || !Array.isArray(results)) {
        this.reportProblem(path, answer.status, answer.body, chunk[0]?.externalId);
        this.stats.skipped += chunk.length - 1;
        out.push(...chunk.map(() => null));
        continue;
      }
      chunk.forEach((item, k) => out.push(this.readResult(path, results[k], item.externalId)));
    }
    return out;
  }

  private readResult(path: string, result: unknown, externalId: string): PostedRecord | null {
    // In a batch, `status` is the item's HTTP status and an incident's own status is `incidentStatus`.
    const r = (result ?? {}) as { id?: unknown; status?: unknown; incidentStatus?: unknown; errors?: unknown; created?: unknown };
    const code = typeof r.status === 'number' ? r.status : null;
    if (typeof r.id !== 'string' || (code !== null && code >= 400) || Array.isArray(r.errors)) {
      this.reportProblem(path, code ?? 400, result, externalId);
      return null;
    }
    if (code === 200 || r.created === false) this.stats.replayed += 1;
    else this.stats.posted += 1;
    const status = typeof r.incidentStatus === 'string' ? r.incidentStatus : typeof r.status === 'string' ? r.status : undefined;
    return status ? { id: r.id, status } : { id: r.id };
  }

  postIncidents(items: readonly { externalId: string }[]) {
    return this.postMany('/api/v1/incidents', items);
  }

  postFeed(kind: FeedKind, items: readonly { externalId: string }[]) {
    return this.postMany(`/api/v1/${kind}`, items);
  }

  /** A request that needs a signed-in person: signs in first (again when the session ended). */
  private async asPerson(method: string, path: string, body: unknown): Promise<Answer> {
    const account = this.options.account;
    if (!account) return this.request(method, path, body);
    if (!this.cookie) await this.signIn(account);
    const answer = await this.request(method, path, body);
    if (answer.status !== 401) return answer;
    this.cookie = null;
    await this.signIn(account);
    return this.request(method, path, body);
  }

  private async signIn(account: { username: string; password: string }): Promise<void> {
    const answer = await this.request('POST', '/api/v1/session', account);
    if (answer.status !== 200) throw new FatalPostError(`could not sign in as ${account.username} (${answer.status}): ${problemText(answer.body)}`);
  }

  /** A lifecycle move; 'conflict' when the incident is already past it (a replay after a restart). */
  async transition(
    id: string,
    body: { to: string; at?: string; note?: string; assignee?: string },
  ): Promise<{ outcome: 'ok' | 'conflict' | 'refused'; incident: Record<string, unknown> | null }> {
    const path = `/api/v1/incidents/${encodeURIComponent(id)}/transitions`;
    const answer = this.options.direct ? await this.options.direct.transition(id, body) : await this.asPerson('POST', path, body);
    if (answer.status < 300) {
      this.stats.transitions += 1;
      return { outcome: 'ok', incident: (answer.body ?? null) as Record<string, unknown> | null };
    }
    if (answer.status === 409) {
      this.stats.conflicts += 1;
      return { outcome: 'conflict', incident: null };
    }
    this.reportProblem(path, answer.status, answer.body);
    return { outcome: 'refused', incident: null };
  }

  async resolveAlarm(id: string, body: { outcome: string; resolvedAt?: string }): Promise<boolean> {
    const path = `/api/v1/alarms/${encodeURIComponent(id)}/resolve`;
    const answer = this.options.direct ? await this.options.direct.resolveAlarm(id, body) : await this.request('POST', path, body);
    if (answer.status < 300 || answer.status === 409) return true;
    this.reportProblem(path, answer.status, answer.body);
    return false;
  }

  async purge(): Promise<unknown> {
    const answer = this.options.direct ? await this.options.direct.purge() : await this.asPerson('POST', '/api/v1/admin/purge-simulated', {});
    if (answer.status >= 300) throw new FatalPostError(`purge failed (${answer.status}): ${problemText(answer.body)}`);
    return answer.body;
  }
}
