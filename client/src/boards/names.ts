// Display names for ids the figures are keyed by (communities, canteens), from the street's static data.
import type { StreetInfo } from '../stores/wallTypes.ts';

interface NamedPlace {
  id: string;
  name: string;
  nameEn?: string;
}

function pick(places: readonly NamedPlace[] | undefined, id: string, lang: 'zh' | 'en'): string | null {
  const place = places?.find((entry) => entry.id === id);
  if (!place) return null;
  return lang === 'en' && place.nameEn ? place.nameEn : place.name;
}

export function communityName(street: StreetInfo | null, id: string | null, lang: 'zh' | 'en'): string {
  if (id === null) return '—';
  return pick(street?.communities, id, lang) ?? id;
}

/** Canteens are not in StreetInfo's type yet; read them when the server sends them. */
export function canteenName(street: StreetInfo | null, id: string, lang: 'zh' | 'en'): string {
  const canteens = (street as { canteens?: NamedPlace[] } | null)?.canteens;
  return pick(canteens, id, lang) ?? id;
}

/**
 * A canteen's name on a chart axis titled "by canteen" (about 7 characters of room): the words
 * the title already says go, 煤建新村社区食堂 → 煤建新村食堂, 茶亭北路老年助餐点 → 茶亭北路助餐点.
 */
export function canteenAxisName(street: StreetInfo | null, id: string, lang: 'zh' | 'en'): string {
  const name = canteenName(street, id, lang);
  // A Chinese name (also on an English wall when the street has no English one) loses the words.
  if (!/[\u4e00-\u9fff]/.test(name)) return name;
  return name.replace(/社区|老年|长者/g, '') || name;
}

/** A community's name where a narrow column shows it (the ticker): "… Community" goes in English. */
export function communityShortName(street: StreetInfo | null, id: string | null, lang: 'zh' | 'en'): string {
  const name = communityName(street, id, lang);
  return lang === 'en' ? name.replace(/\s+Community$/i, '') : name;
}
