// Incident bodies as a reporting system posts them: random points in the street's bbox,
// categories, sources and urgencies from the shared taxonomy (no critical ones: they flash).
import { CATEGORIES, SOURCES } from '@grid141/shared';
import type { StreetMeta } from '@grid141/shared';
import { mulberry32, pick } from './rng.ts';

export interface IncidentBody {
  externalId: string;
  source: string;
  category: string;
  urgency: 'normal' | 'urgent';
  description: string;
  location: { lng: number; lat: number };
  address: string;
  /** ISO 8601; absent: the server takes the time of receipt. */
  reportedAt?: string;
}

export function makeBodies(meta: Pick<StreetMeta, 'bbox'>, count: number, prefix: string, seed = 141): IncidentBody[] {
  const rng = mulberry32(seed);
  const [w, s, e, n] = meta.bbox;
  return Array.from({ length: count }, (_, i) => {
    const category = pick(CATEGORIES, rng);
    return {
      externalId: `${prefix}-${i}`,
      source: pick(SOURCES, rng).code,
      category: category.code,
      urgency: rng() < 0.1 ? 'urgent' : 'normal',
      description: `${pick(category.examples, rng)}（基准测试 ${i}）`,
      location: { lng: w + (e - w) * rng(), lat: s + (n - s) * rng() },
      address: `石油路 ${1 + Math.floor(rng() * 300)} 号`,
    };
  });
}

export interface PostResult {
  status: number;
  /** Per item status for batches; the single status otherwise. */
  statuses: number[];
}

export async function postIncidents(url: string, key: string, items: IncidentBody[]): Promise<PostResult> {
  const res = await fetch(`${url}/api/v1/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify(items.length === 1 ? items[0] : { items }),
  });
  const body = (await res.json()) as { results?: { status?: number }[] };
  return { status: res.status, statuses: body.results ? body.results.map((r) => r.status ?? 0) : [res.status] };
}
