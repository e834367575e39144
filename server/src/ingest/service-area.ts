// The service area (docs/api.md, "Service area"): a record placed farther than SERVICE_AREA_KM
// from the street's boundary is refused naming `location`, for every record kind with a place.
import type { ProblemFieldError } from '@grid141/shared';
import type { Locator } from '../street/locate.ts';

/**
 * The field error for a point beyond the service area, or null. Points in the street or near it
 * (the locator's `outsideArea` rule, nearest grid within 100 m) are never refused here; only
 * the far ones pay for the distance, once, for the message.
 */
export function serviceAreaError(locator: Locator, location: { lng: number; lat: number }): ProblemFieldError | null {
  if (!locator.outsideServiceArea(location.lng, location.lat)) return null;
  const km = locator.boundaryDistanceM(location.lng, location.lat) / 1000;
  const shown = km >= 100 ? Math.round(km).toLocaleString('en') : km.toFixed(1);
  // The 0,0 hint only where it can be the cause: a point within a degree of Null Island.
  const nullIsland = Math.abs(location.lng) < 1 && Math.abs(location.lat) < 1 ? '; a device without a fix sends 0,0' : '';
  return {
    path: 'location',
    message: `outside the service area: ${shown} km from the street's boundary, farther than ${locator.serviceAreaM / 1000} km (SERVICE_AREA_KM)${nullIsland}`,
  };
}
