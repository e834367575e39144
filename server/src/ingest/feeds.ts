// Board-feed ingest: the shared schema of each kind, placed from its location (a canteen
// meal from its canteen's POI), idempotent on (kind, externalId).
import { randomUUID } from 'node:crypto';
import { makeFeedSchemas, type FeedKind, type FeedRecord, type ProblemFieldError } from '@grid141/shared';
import type { LoadedStreet } from '../street/load.ts';
import type { Locator } from '../street/locate.ts';
import type { NewFeedRecord } from '../store/types.ts';
import { checkItem, type Checked } from './batch.ts';
import { serviceAreaError } from './service-area.ts';

const CANTEEN_KINDS = new Set(['canteen', 'meal_point']);

export function feedChecker(kind: FeedKind, street: LoadedStreet, locator: Locator, clock: () => number = Date.now) {
  const schema = makeFeedSchemas(clock)[kind];
  const canteens = new Map(
    street.pois.features.filter((f) => CANTEEN_KINDS.has(f.properties.kind)).map((f) => [f.properties.id, f.properties]),
  );
  return (item: unknown, prefix: readonly PropertyKey[]): Checked<NewFeedRecord> =>
    checkItem(schema, item, prefix, (input): NewFeedRecord | ProblemFieldError[] => {
      const fields = input as Record<string, unknown>;
      let gridId: string | null = null;
      let communityId: string | null = null;
      if (kind === 'canteen-meals') {
        const canteen = canteens.get(fields.canteenId as string);
        if (!canteen) return [{ path: 'canteenId', message: `no canteen or meal point ${String(fields.canteenId)} in this street` }];
        gridId = canteen.gridId;
        communityId = canteen.communityId;
      } else if (fields.location) {
        const { lng, lat } = fields.location as { lng: number; lat: number };
        const place = locator.locate(lng, lat);
        const far = place.outsideArea ? serviceAreaError(locator, { lng, lat }) : null;
        if (far) return [far];
        gridId = place.gridId;
        communityId = place.communityId;
      }
      return {
        ...fields,
        feed: kind,
        id: randomUUID(),
        streetId: street.meta.id,
        receivedAt: new Date(clock()).toISOString(),
        gridId,
        communityId,
      } as unknown as NewFeedRecord;
    });
}

export function describeFeedRecord(record: FeedRecord): Record<string, unknown> {
  return { id: record.id, externalId: record.externalId, gridId: record.gridId, communityId: record.communityId };
}
