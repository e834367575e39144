// How one incident moves through its lifecycle, with the delays of domain.md §4.2
// (accept median 4 min, dispatch +6, on site +25, close 3 h / 20 h / days; critical fast;
// a few late, a few returned, a few rejected). Pure: the same draws give the same plan.
import { canTransition, type CategoryCode, type IncidentStatus, type Urgency } from '@grid141/shared';
import { targetsFor, slaProfileFor } from '@grid141/shared';
import type { Rng } from './prng.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface LifecycleStep {
  to: IncidentStatus;
  /** Simulated time of the move (ms). */
  at: number;
  note?: string;
  assignee?: string;
}

export interface LifecyclePlan {
  steps: LifecycleStep[];
  /** Whether the plan closes after the incident's close target (it will show as overdue). */
  late: boolean;
}

export interface LifecycleInput {
  category: CategoryCode;
  urgency: Urgency;
  reportedAt: number;
}

/** Who takes the ticket, by category (departments named by code, shown by the client). */
const ASSIGNEES: Partial<Record<CategoryCode, readonly string[]>> = {
  city_mgmt: ['城管执法中队', '环卫所', '网格员'],
  safety_hazard: ['安全生产办', '微型消防站', '物业'],
  dispute: ['人民调解委员会', '司法所'],
  public_order: ['派出所', '平安法治岗'],
  livelihood: ['民政岗', '社区'],
  environment: ['生态环境岗', '城管执法中队'],
  enterprise: ['经济发展岗'],
  party_org: ['党建岗'],
  emergency: ['应急办', '微型消防站'],
};

/** Stages that need no visit (policy advice, Party tasks). */
const NO_SITE_VISIT: readonly CategoryCode[] = ['enterprise', 'party_org'];

function closeMedianMs(input: LifecycleInput): { median: number; sigma: number } {
  if (input.urgency === 'critical') return { median: 3 * HOUR, sigma: 0.6 };
  if (input.urgency === 'urgent') return { median: 6 * HOUR, sigma: 0.7 };
  switch (slaProfileFor(input.category, input.urgency)) {
    case 'normal_simple':
      return { median: 3 * HOUR, sigma: 0.9 };
    case 'complex':
      return { median: 4 * DAY, sigma: 0.45 };
    default:
      return { median: 20 * HOUR, sigma: 0.75 };
  }
}

/** Marking handled says what was done (a rule of the write service, moveFieldFaults). */
const HANDLED_NOTE = '已处置，待核查';

export function planLifecycle(rng: Rng, input: LifecycleInput): LifecyclePlan {
  const critical = input.urgency === 'critical';
  const targets = targetsFor(input.category, input.urgency);
  const steps: LifecycleStep[] = [];
  let t = input.reportedAt;
  const push = (to: IncidentStatus, delay: number, extra: Omit<LifecycleStep, 'to' | 'at'> = {}) => {
    // Every move at least 20 s after the one before, so the order of times matches the order of moves.
    t += Math.max(20_000, Math.round(delay));
    steps.push({ to, at: t, ...extra });
  };

  const acceptDelay = critical ? rng.logNormal(0.5 * MIN, 0.3) : rng.logNormal(4 * MIN, 1.256);
  const roll = rng.next();
  if (!critical && roll < 0.03) {
    push('rejected', acceptDelay, { note: '重复或无效上报' });
    return { steps, late: false };
  }
  if (!critical && roll < 0.04) {
    push('merged', acceptDelay, { note: '与已有事件合并' });
    return { steps, late: false };
  }
  push('accepted', acceptDelay);

  // Small household matters are often settled on the spot at acceptance.
  if (input.urgency === 'normal' && input.category === 'city_mgmt' && rng.chance(0.12)) {
    push('closed', rng.logNormal(20 * MIN, 0.6), { note: '现场处置，当场销号' });
    return { steps, late: false };
  }

  const assignee = rng.pick(ASSIGNEES[input.category] ?? ['网格员']);
  const late = !critical && rng.chance(0.03);
  const { median, sigma } = closeMedianMs(input);
  let closeAt = input.reportedAt + rng.logNormal(median, sigma);
  const closeBy = input.reportedAt + targets.closeMin * MIN;
  // A few run past their target on purpose; the rest finish before it.
  if (late) closeAt = closeBy + rng.uniform(0.1, 1.0) * targets.closeMin * MIN;
  else if (closeAt > closeBy) closeAt = input.reportedAt + rng.uniform(0.6, 0.95) * targets.closeMin * MIN;

  push('dispatched', critical ? rng.logNormal(1 * MIN, 0.3) : rng.logNormal(6 * MIN, 0.8), { assignee });
  if (!NO_SITE_VISIT.includes(input.category)) {
    push('on_site', critical ? rng.logNormal(4 * MIN, 0.4) : rng.logNormal(25 * MIN, 0.7));
  }
  const verify = rng.logNormal(40 * MIN, 0.6);
  const returned = rng.chance(0.03);
  if (returned) {
    // Handled, found wanting at verification, sent back, handled again.
    const firstHandled = t + Math.max(5 * MIN, (closeAt - t) * 0.4);
    push('handled', firstHandled - t, { note: HANDLED_NOTE });
    push('returned', verify, { note: '核查未通过，退回重办' });
    push('dispatched', rng.logNormal(15 * MIN, 0.5), { assignee });
  }
  const handledAt = Math.max(t + 10 * MIN, closeAt - verify);
  push('handled', handledAt - t, { note: HANDLED_NOTE });
  push('closed', verify);
  return { steps, late };
}

/** The plan is a legal walk through the lifecycle starting at `reported` (used by tests). */
export function isLegalPlan(plan: LifecyclePlan): boolean {
  let from: IncidentStatus = 'reported';
  let last = -Infinity;
  for (const step of plan.steps) {
    if (!canTransition(from, step.to) || step.at <= last) return false;
    from = step.to;
    last = step.at;
  }
  return true;
}

/** The status after every step due at or before `time`. */
export function statusAt(plan: LifecyclePlan, time: number): IncidentStatus {
  let status: IncidentStatus = 'reported';
  for (const step of plan.steps) if (step.at <= time) status = step.to;
  return status;
}
