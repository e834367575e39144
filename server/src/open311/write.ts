// The one write Open311 makes: an incident, through the same checks, placing and store call
// as the JSON API (incidentChecker, insertIncidents, then the record bus after COMMIT).
import type { Incident } from '@grid141/shared';
import type { RecordBus } from '../engine/bus.ts';
import { incidentChecker } from '../ingest/incidents.ts';
import type { Logger } from '../logger.ts';
import type { Locator } from '../street/locate.ts';
import type { Store } from '../store/types.ts';
import { Open311Failure } from './format.ts';
import { open311Field, type CreateRequest } from './requests.ts';

/** A retry of the same device_id + description + location within this long gets the same request. */
export const RETRY_WINDOW_MS = 60_000;

export interface Open311WriterDeps {
  streetId: string;
  locator: Locator;
  store: Store;
  bus: RecordBus;
  logger: Logger;
  clock?: () => number;
}

export type Open311Create = (request: CreateRequest) => Promise<{ created: boolean; incident: Incident }>;

/**
 * Creates the incident of an Open311 POST. The externalId is the request's retry key and the
 * minute it arrived in; a request whose key was taken in this or the previous minute, less
 * than RETRY_WINDOW_MS ago, answers that incident. Throws Open311Failure(400) naming the form
 * field when the shared incident schema refuses the input.
 */
export function open311Writer(deps: Open311WriterDeps): Open311Create {
  const clock = deps.clock ?? Date.now;
  const check = incidentChecker(deps.streetId, deps.locator, clock);
  return async (request) => {
    const now = clock();
    const minute = Math.floor(now / 60_000);
    const externalIds = [`o311-${request.retryKey}-${minute}`, `o311-${request.retryKey}-${minute - 1}`];
    const earlier = await deps.store.listIncidents({ source: ['open311'], externalIds }, 2, null);
    const retry = earlier.items.find((i) => now - Date.parse(i.receivedAt) <= RETRY_WINDOW_MS);
    if (retry) return { created: false, incident: retry };

    const checked = check({ ...request.input, externalId: externalIds[0] }, []);
    if (!checked.ok) {
      throw new Open311Failure(400, checked.errors.map((e) => ({ code: 400, description: `${open311Field(e.path)}: ${e.message}` })));
    }
    const [written] = await deps.store.insertIncidents([checked.row]);
    if (!written) throw new Error('the store answered no row for one incident');
    if (written.created) {
      try {
        deps.bus.emit('incidents', [{ before: null, after: written.record }]);
      } catch (error) {
        // Committed already: a failing listener is logged, never turned into an error answer.
        deps.logger.error({ err: error }, 'a record bus listener failed');
      }
    }
    return { created: written.created, incident: written.record };
  };
}
