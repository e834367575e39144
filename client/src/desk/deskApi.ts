// The desk's calls, typed; every one goes through live/api.ts (session cookie, BASE_PATH later).
import type { DuplicateRule, HandoverSheet, HistoryEntry, Incident, IncidentStatus, QueuePage, TargetProfile, TargetStage, EmergencyPayload } from '@grid141/shared';
import { requestJson, type JsonAnswer } from '../live/api.ts';

export interface DeskNote {
  at: string;
  kind: 'escalation' | 'evaluation' | 'reclassification' | 'note' | 'dispatch';
  by: string | null;
  detail: Record<string, unknown>;
}

export interface IncidentDetail {
  incident: Incident;
  version: string;
  history: HistoryEntry[];
  notes: DeskNote[];
  breaches: { stage: TargetStage; dueAt: string; foundAt: string }[];
  moves: IncidentStatus[];
  canReclassify: boolean;
  /** The caller may undo a merge (leaders and up); the desk shows 撤销合并 only then. */
  canUnmerge?: boolean;
  /** The radius (m) and window (min) a possible duplicate of its category is found within on this server. */
  duplicateRule: DuplicateRule;
}

export interface Problem {
  title?: string;
  detail?: string;
  errors?: { path: string; message: string }[];
  current?: Incident;
  version?: string;
  changedBy?: string | null;
  changedAt?: string;
}

export const getQueue = (search: string, signal?: AbortSignal) => requestJson<QueuePage & Problem>('GET', `/api/v1/duty/queue${search}`, undefined, { ...(signal ? { signal } : {}) });
export const getIncidentDetail = (id: string) => requestJson<IncidentDetail & Problem>('GET', `/api/v1/duty/incidents/${encodeURIComponent(id)}`);

/** A lifecycle move or a desk action on the incident at `version`; the answer is the incident or a problem. */
export function act(id: string, action: 'transitions' | 'escalations' | 'evaluation' | 'classification' | 'notes', body: unknown, version: string): Promise<JsonAnswer<Incident & Problem>> {
  return requestJson('POST', `/api/v1/duty/incidents/${encodeURIComponent(id)}/${action}`, body, { ifMatch: version });
}

export const getTargets = () => requestJson<{ profiles: TargetProfile[] } & Problem>('GET', '/api/v1/duty/targets');
export const putTargets = (code: string, body: Pick<TargetProfile, 'acceptMin' | 'arriveMin' | 'handleMin' | 'closeMin'>) =>
  requestJson<TargetProfile & Problem>('PUT', `/api/v1/duty/targets/${encodeURIComponent(code)}`, body);

export const listHandovers = () => requestJson<{ items: HandoverSheet[] } & Problem>('GET', '/api/v1/duty/handovers');
export const getHandover = (id: string) => requestJson<HandoverSheet & Problem>('GET', `/api/v1/duty/handovers/${encodeURIComponent(id)}`);
export const makeHandover = (notes: string) => requestJson<HandoverSheet & Problem>('POST', '/api/v1/duty/handovers', { notes });
export const signHandover = (id: string, role: 'outgoing' | 'incoming') =>
  requestJson<HandoverSheet & Problem>('POST', `/api/v1/duty/handovers/${encodeURIComponent(id)}/signatures`, { role });

export const getEmergency = () => requestJson<EmergencyPayload & Problem>('GET', '/api/v1/duty/emergency');
export const startEmergency = (incidentId: string) => requestJson<Problem>('POST', '/api/v1/duty/emergency', { incidentId });
export const endEmergency = () => requestJson<Problem>('DELETE', '/api/v1/duty/emergency');

/** Merges the duplicate `id` (at `version`) into `into`; the answer is the merged incident or a problem. */
export const mergeInto = (id: string, into: string, version: string) =>
  requestJson<Incident & Problem>('POST', `/api/v1/incidents/${encodeURIComponent(id)}/merge`, { into }, { ifMatch: version });
/** Undoes the merge of `id` (a leader, within a day). */
export const undoMerge = (id: string, version: string) =>
  requestJson<Incident & Problem>('POST', `/api/v1/incidents/${encodeURIComponent(id)}/unmerge`, {}, { ifMatch: version });
