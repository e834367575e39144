// GETs against Grid141's own API with the wall's viewer token; nothing else is fetched.
import { pageParams } from '../composables/pageParams.ts';

function headers(): HeadersInit {
  return pageParams.token ? { Authorization: `Bearer ${pageParams.token}` } : {};
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: headers(), signal: signal ?? null });
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
  return (await response.json()) as T;
}

/** Like getJson, but a 404 (an optional resource the server does not serve) is null. */
export async function getOptionalJson<T>(path: string, signal?: AbortSignal): Promise<T | null> {
  const response = await fetch(path, { headers: headers(), signal: signal ?? null });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  // The SPA fallback answers unknown non-API paths with index.html; that is not data.
  if (!type.includes('json')) return null;
  return (await response.json()) as T;
}
