// The incident lifecycle of contract.md: statuses and the only moves allowed between them.
import { codeEnum } from './codes.ts';

export const STATUSES = [
  { code: 'reported', zh: '已上报', en: 'Reported', terminal: false },
  { code: 'accepted', zh: '已受理', en: 'Accepted', terminal: false },
  { code: 'dispatched', zh: '已派单', en: 'Dispatched', terminal: false },
  { code: 'on_site', zh: '已到场', en: 'On site', terminal: false },
  { code: 'handled', zh: '已处置（待核查）', en: 'Handled, to verify', terminal: false },
  { code: 'returned', zh: '退回重办', en: 'Returned for rework', terminal: false },
  { code: 'closed', zh: '已办结', en: 'Closed', terminal: true },
  { code: 'rejected', zh: '不予受理', en: 'Rejected', terminal: true },
  { code: 'merged', zh: '已合并', en: 'Merged', terminal: true },
] as const;
export type IncidentStatus = (typeof STATUSES)[number]['code'];
export const incidentStatusSchema = codeEnum(STATUSES);

export const TRANSITIONS: Readonly<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  reported: ['accepted', 'rejected', 'merged'],
  accepted: ['dispatched', 'closed', 'merged'],
  dispatched: ['on_site', 'handled', 'merged'],
  on_site: ['handled'],
  handled: ['closed', 'returned'],
  returned: ['dispatched'],
  closed: [],
  rejected: [],
  merged: [],
};

export const TERMINAL_STATUSES: readonly IncidentStatus[] = STATUSES.filter((s) => s.terminal).map((s) => s.code);

export function canTransition(from: IncidentStatus, to: IncidentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** "Open" is any status that is not terminal. */
export function isOpenStatus(status: IncidentStatus): boolean {
  return !TERMINAL_STATUSES.includes(status);
}

/** Which timestamp a move stamps, so response and resolution times can be measured. */
export const STATUS_TIMESTAMP: Readonly<Partial<Record<IncidentStatus, 'acceptedAt' | 'dispatchedAt' | 'onSiteAt' | 'handledAt' | 'closedAt'>>> = {
  accepted: 'acceptedAt',
  rejected: 'closedAt',
  merged: 'closedAt',
  dispatched: 'dispatchedAt',
  on_site: 'onSiteAt',
  handled: 'handledAt',
  closed: 'closedAt',
};

/**
 * Why a lifecycle move cannot have happened at `at`, or null when it can (docs/api.md, "Times"):
 * a move is not before the incident was reported, nor before the previous move. All epoch ms;
 * `previousAt` is the latest history entry's time (null without one). Otherwise a move dated
 * an hour before the report would show as a response time of −60 minutes.
 */
export function moveTimeFault(at: number, reportedAt: number, previousAt: number | null): string | null {
  if (at < reportedAt) return `at is before the incident was reported (${new Date(reportedAt).toISOString()})`;
  if (previousAt !== null && at < previousAt) return `at is before the previous move (${new Date(previousAt).toISOString()})`;
  return null;
}

/** When a move sent without `at` happened: now, but never before the report or the previous move (clocks drift). */
export function defaultMoveTime(now: number, reportedAt: number, previousAt: number | null): number {
  return Math.max(now, reportedAt, previousAt ?? -Infinity);
}
