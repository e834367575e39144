// Open311 service requests <-> Grid141 incidents: the POST form read into an incident input,
// and an incident written as a GeoReport v2 "request" (docs/open311.md has the field table).
import { createHash } from 'node:crypto';
import {
  DESCRIPTION_MAX, SLA_PROFILES, URGENCIES, isOpenStatus, isoWithOffset,
  type CategoryCode, type Incident, type IncidentInput, type IncidentStatus, type LngLat, type Urgency,
} from '@grid141/shared';
import type { LoadedStreet } from '../street/load.ts';
import { Open311Failure, type Open311Error } from './format.ts';
import { ADDRESS_DETAIL_MAX, ATTRIBUTE_CODES, findCategory, serviceName, type Lang } from './services.ts';

/** Our statuses that Open311 calls `closed`; every other one is `open`. */
export const CLOSED_STATUSES: readonly IncidentStatus[] = ['closed', 'rejected', 'merged'];

export function open311Status(status: IncidentStatus): 'open' | 'closed' {
  return isOpenStatus(status) ? 'open' : 'closed';
}

/** GeoReport v2 "request", fields in the spec's order. */
export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string;
  address: string | null;
  address_id: null;
  zipcode: null;
  lat: number;
  long: number;
  media_url: string | null;
  [key: string]: string | number | null;
}

/**
 * An incident as an Open311 request. `timeline` is its public history: `note` the last note of
 * it (what the desk wrote with a move, or a merge's), `movedAt` the time of its last entry
 * (the last move; the desk's own notes and other desk changes are not moves). Times carry the
 * street's offset, to the second.
 */
export function toOpen311Request(incident: Incident, timeline: { note: string | null; movedAt: string | null }, lang: Lang, tz: string): Open311Request {
  const time = (iso: string) => isoWithOffset(Date.parse(iso), tz);
  const profile = SLA_PROFILES.find((p) => p.code === incident.slaProfile);
  return {
    service_request_id: incident.id,
    status: open311Status(incident.status),
    status_notes: timeline.note,
    service_name: serviceName(incident.category, lang),
    service_code: incident.category,
    description: incident.description,
    agency_responsible: incident.assignee,
    service_notice: profile ? (lang === 'zh' ? `办理时限：${profile.zh}` : `Time target: ${profile.en}`) : null,
    requested_datetime: time(incident.reportedAt),
    updated_datetime: time(timeline.movedAt ?? incident.updatedAt),
    expected_datetime: time(incident.dueAt),
    address: incident.address,
    address_id: null,
    zipcode: null,
    lat: incident.location.lat,
    long: incident.location.lng,
    media_url: incident.photos[0] ?? null,
  };
}

/** A place name the street's map knows (a POI or a road), for `address_string` without lat/long. */
export interface NamedPlace {
  name: string;
  at: LngLat;
}

export function namedPlaces(street: LoadedStreet): NamedPlace[] {
  const places: NamedPlace[] = [];
  for (const f of street.pois.features) {
    const [lng, lat] = f.geometry.coordinates as [number, number];
    places.push({ name: f.properties.name, at: { lng, lat } });
  }
  for (const f of street.roads.features) {
    const g = f.geometry as { type: string; coordinates: unknown };
    const line = (g.type === 'MultiLineString' ? (g.coordinates as number[][][])[0] : (g.coordinates as number[][])) ?? [];
    const mid = line[Math.floor(line.length / 2)];
    if (mid) places.push({ name: f.properties.name, at: { lng: mid[0] as number, lat: mid[1] as number } });
  }
  // Longest first: "煤建新村社区微型消防站" before "煤建新村".
  return places.sort((a, b) => b.name.length - a.name.length);
}

/** The first (longest) known place named in the address, or null. */
export function placeAddress(places: readonly NamedPlace[], address: string): LngLat | null {
  return places.find((p) => address.includes(p.name))?.at ?? null;
}

// The spec: "may contain line breaks, but not html or code".
const HTML_TAG = /<\s*\/?\s*[a-zA-Z!?][^>]*>/;

/** What a POST requests.{format} asks for, read and checked; the write path checks the rest. */
export interface CreateRequest {
  input: Omit<IncidentInput, 'externalId'>;
  /**
   * The form sent again: device_id, description and location, and everything else the form
   * asked for (service, attributes, reporter, photo). Equal keys within a minute are one request;
   * a form that differs in any field is another (and is checked as one: an invalid field is never
   * answered with an earlier request's id).
   */
  retryKey: string;
  serviceCode: CategoryCode;
}

type Params = Record<string, unknown>;

function single(params: Params, name: string, errors: Open311Error[]): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    errors.push({ code: 400, description: `${name} was given more than once or in a form this service does not read` });
    return undefined;
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

// The spec's media_url is one URL; FixMyStreet with multi_photos sends the field once per photo.
// Each becomes a photo (the incident schema checks them: http(s), at most 10).
function photoUrls(raw: unknown, errors: Open311Error[]): string[] {
  if (raw === undefined) return [];
  const values = Array.isArray(raw) ? raw : [raw];
  if (!values.every((v): v is string => typeof v === 'string')) {
    errors.push({ code: 400, description: 'media_url must be a URL (the field may repeat, one photo each)' });
    return [];
  }
  return values.map((v) => v.trim()).filter((v) => v !== '');
}

function coordinate(name: 'lat' | 'long', raw: string, errors: Open311Error[]): number | undefined {
  const limit = name === 'lat' ? 90 : 180;
  const value = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || Math.abs(value) > limit) {
    errors.push({ code: 400, description: `${name} must be a WGS84 decimal degree between -${limit} and ${limit} (got "${raw.slice(0, 40)}")` });
    return undefined;
  }
  return value;
}

/**
 * Reads the form of a POST requests.{format}. Throws Open311Failure: 400 with every missing
 * or malformed field, 404 for an unknown service_code.
 */
export function readCreateRequest(params: Params, places: readonly NamedPlace[]): CreateRequest {
  const errors: Open311Error[] = [];
  const code = single(params, 'service_code', errors);
  if (code === undefined && errors.length === 0) errors.push({ code: 400, description: 'service_code was not provided' });
  const category = code === undefined ? undefined : findCategory(code);
  if (code !== undefined && !category) throw Open311Failure.of(404, `service_code ${code.slice(0, 64)} was not found`);

  const latRaw = single(params, 'lat', errors);
  const longRaw = single(params, 'long', errors);
  const addressString = single(params, 'address_string', errors);
  let location: LngLat | undefined;
  if (latRaw !== undefined || longRaw !== undefined) {
    if (latRaw === undefined || longRaw === undefined) {
      // Said once: a field sent twice (refused above) is not also "not provided".
      const missing = latRaw === undefined ? 'lat' : 'long';
      if (params[missing] === undefined || params[missing] === '') errors.push({ code: 400, description: `${missing} was not provided (lat and long come together)` });
    } else {
      const lat = coordinate('lat', latRaw, errors);
      const lng = coordinate('long', longRaw, errors);
      if (lat !== undefined && lng !== undefined) location = { lng, lat };
    }
  } else if (addressString !== undefined) {
    location = placeAddress(places, addressString) ?? undefined;
    if (!location) errors.push({ code: 400, description: 'address_string names no place this street\'s map knows; send lat and long' });
  } else {
    errors.push({ code: 400, description: 'a location was not provided: send lat and long, or address_string' });
  }

  const attributes = params.attribute ?? {};
  let urgency: Urgency = 'normal';
  let subcategory: string | undefined;
  let addressDetail: string | undefined;
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    errors.push({ code: 400, description: 'attribute must be sent as attribute[code]=value' });
  } else {
    const attr = attributes as Params;
    const read = (name: (typeof ATTRIBUTE_CODES)[number]) => single(attr, name, errors);
    const u = read('urgency');
    if (u !== undefined) {
      if (URGENCIES.some((x) => x.code === u)) urgency = u as Urgency;
      else errors.push({ code: 400, description: `attribute[urgency] must be one of ${URGENCIES.map((x) => x.code).join(', ')}` });
    }
    subcategory = read('subcategory');
    addressDetail = read('address_detail');
    if (addressDetail !== undefined && addressDetail.length > ADDRESS_DETAIL_MAX) {
      errors.push({ code: 400, description: `attribute[address_detail] is longer than ${ADDRESS_DETAIL_MAX} characters` });
    }
  }

  const given = single(params, 'description', errors);
  if (given !== undefined && given.length > DESCRIPTION_MAX) errors.push({ code: 400, description: `description is longer than ${DESCRIPTION_MAX} characters` });
  if (given !== undefined && HTML_TAG.test(given)) errors.push({ code: 400, description: 'description must be plain text (no HTML or code)' });

  const first = single(params, 'first_name', errors);
  const last = single(params, 'last_name', errors);
  const email = single(params, 'email', errors);
  const phone = single(params, 'phone', errors);
  const accountId = single(params, 'account_id', errors);
  const deviceId = single(params, 'device_id', errors) ?? '';
  const mediaUrls = photoUrls(params.media_url, errors);
  const title = single(params, 'title', errors);

  if (errors.length > 0 || !category || !location) throw new Open311Failure(400, errors);

  const description = given ?? subcategory ?? category.zh;
  const name = [first, last].filter(Boolean).join(' ');
  const contact = [email, phone].filter(Boolean).join(' / ');
  const address = [addressString, addressDetail].filter(Boolean).join(' ');
  const reporter = name || contact || accountId
    ? { kind: 'resident' as const, ...(name ? { name } : {}), ...(contact ? { contact } : {}), ...(accountId ? { accountId } : {}) }
    : undefined;
  const input: Omit<IncidentInput, 'externalId'> = {
    source: 'open311',
    category: category.code,
    urgency,
    description,
    location,
    ...(subcategory ? { subcategory } : {}),
    ...(title ? { title } : {}),
    ...(address ? { address } : {}),
    ...(reporter ? { reporter } : {}),
    ...(mediaUrls.length > 0 ? { photos: mediaUrls } : {}),
  };
  // `input` is built in one fixed key order, so its JSON is the same for the same form.
  const retryKey = createHash('sha256')
    .update(JSON.stringify([deviceId, description, location.lng.toFixed(6), location.lat.toFixed(6), addressString ?? '', input]))
    .digest('base64url')
    .slice(0, 24);
  return { input, retryKey, serviceCode: category.code };
}

/** Names the Open311 form field behind a path of the incident schema, for the error list. */
export function open311Field(path: string): string {
  const map: [RegExp, string][] = [
    [/^location\.lat/, 'lat'],
    [/^location\.lng/, 'long'],
    [/^location/, 'lat'],
    [/^address/, 'address_string'],
    [/^photos/, 'media_url'],
    [/^reporter\.name/, 'first_name'],
    [/^reporter\.contact/, 'email'],
    [/^reporter\.accountId/, 'account_id'],
    [/^subcategory/, 'attribute[subcategory]'],
    [/^urgency/, 'attribute[urgency]'],
    [/^category/, 'service_code'],
  ];
  for (const [re, name] of map) if (re.test(path)) return name;
  return path;
}
