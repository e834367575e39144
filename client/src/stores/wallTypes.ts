// Shapes of the static API answers the wall reads (GET /api/v1/street, /api/v1/taxonomy).
import type { Alert, DutyPayload, Named } from '@grid141/shared';

export interface I18nText {
  zh: string;
  en: string;
}

export interface StreetInfo {
  id: string;
  name: I18nText;
  title: I18nText;
  timeZone: string;
  centre?: { lng: number; lat: number };
  bbox?: [number, number, number, number];
  communities?: { id: string; name: string; nameEn?: string }[];
  gridCount?: number;
  /** Who was on duty when the street was read (an older server sends officer and leader only). */
  duty?: Partial<DutyPayload> | null;
}

export interface TaxonomyCategory extends Named {
  colour: string;
  board: string;
}

export interface Taxonomy {
  categories: TaxonomyCategory[];
  sources?: Named[];
  urgencies?: Named[];
  statuses?: Named[];
}

export type ConnectionState = 'connecting' | 'live' | 'stale' | 'down';
/** How /live reaches the server: WebSocket, or HTTP long-polling behind a proxy that refuses the upgrade. */
export type LiveTransport = 'websocket' | 'polling';
/** 'missing': the wall has no token (and no session); 'refused': the server refuses the one it has. */
export type WallAccess = 'ok' | 'missing' | 'refused';

export interface WallAlert extends Alert {
  /** Client clock when it arrived (ms). */
  receivedAt: number;
  acknowledged: boolean;
}
