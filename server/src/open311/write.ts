// The one write Open311 makes: an incident, through the write service (ingest/service.ts), so it
// gets the same checks, placing, duplicate mark, group commit, history, audit and announcement
// as a report to POST /api/v1/incidents. Only the retry key is Open311's own.
import type { Incident } from '@grid141/shared';
import type { Actor } from '../auth/actor.ts';
import type { WriteService } from '../ingest/service.ts';
import type { Store } from '../store/types.ts';
import { Open311Failure } from './format.ts';
import { open311Field, type CreateRequest } from './requests.ts';

/** A retry of the same device_id + description + location within this long gets the same request. */
export const RETRY_WINDOW_MS = 60_000;

export interface Open311WriterDeps {
  store: Store;
  writes: WriteService;
  clock?: () => number;
}

export type Open311Create = (request: CreateRequest, actor: Actor) => Promise<{ created: boolean; incident: Incident }>;

/**
 * Creates the incident of an Open311 POST. The externalId is the request's retry key and the
 * minute it arrived in; a request whose key was taken in this or the previous minute, less
 * than RETRY_WINDOW_MS ago, answers that incident. Throws Open311Failure(400) naming the form
 * field when the shared incident schema refuses the input (403 when the key may not write incidents).
 */
export function open311Writer(deps: Open311WriterDeps): Open311Create {
  const clock = deps.clock ?? Date.now;
  return async (request, actor) => {
    const now = clock();
    const minute = Math.floor(now / 60_000);
    const externalIds = [`o311-${request.retryKey}-${minute}`, `o311-${request.retryKey}-${minute - 1}`];
    const earlier = await deps.store.listIncidents({ source: ['open311'], externalIds }, 2, null);
    const retry = earlier.items.find((i) => now - Date.parse(i.receivedAt) <= RETRY_WINDOW_MS);
    if (retry) return { created: false, incident: retry };

    let results;
    try {
      results = await deps.writes.ingest('incidents', [{ ...request.input, externalId: externalIds[0] }], { actor, source: 'open311', path: () => [] });
    } catch (error) {
      if (error instanceof Error && 'status' in error && error.status === 403) throw Open311Failure.of(403, 'api_key may not report incidents');
      throw error;
    }
    const [result] = results;
    if (!result) throw new Error('the write service answered no result for one incident');
    if (result.status === 'invalid') {
      throw new Open311Failure(400, result.errors.map((e) => ({ code: 400, description: `${open311Field(e.path)}: ${e.message}` })));
    }
    return { created: result.status === 'created', incident: result.record };
  };
}
