// Small building blocks of every record: coordinates, times, external ids.
import { z } from 'zod';

export const lngLatSchema = z.object({
  lng: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
});
export type LngLat = z.infer<typeof lngLatSchema>;

/** ISO 8601 with an offset (Z or ±hh:mm), as the contract requires. */
export const isoDateTimeSchema = z.iso.datetime({ offset: true });

export const externalIdSchema = z.string().trim().min(1).max(128);

/** Plain text: kept exactly as sent (HTML included), never interpreted. */
export function textSchema(max: number) {
  return z.string().max(max);
}

export const MAX_FUTURE_MS = 5 * 60_000;

/** A time at most five minutes ahead of the given clock (reporting devices drift). */
export function notFarFuture(clock: () => number) {
  return (value: string | undefined) => value === undefined || Date.parse(value) <= clock() + MAX_FUTURE_MS;
}

export const BATCH_MAX = 1000;
