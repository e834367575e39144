import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canTransition, defaultMoveTime, isOpenStatus, moveTimeFault, STATUSES, TRANSITIONS, type IncidentStatus } from './lifecycle.ts';

const codes = STATUSES.map((s) => s.code);

describe('incident lifecycle', () => {
  it('allows exactly the moves of the contract', () => {
    expect(canTransition('reported', 'accepted')).toBe(true);
    expect(canTransition('reported', 'rejected')).toBe(true);
    expect(canTransition('reported', 'merged')).toBe(true);
    expect(canTransition('accepted', 'closed')).toBe(true);
    expect(canTransition('dispatched', 'handled')).toBe(true);
    expect(canTransition('handled', 'returned')).toBe(true);
    expect(canTransition('returned', 'dispatched')).toBe(true);
  });

  it('refuses moves the contract does not list', () => {
    expect(canTransition('reported', 'closed')).toBe(false);
    expect(canTransition('reported', 'dispatched')).toBe(false);
    expect(canTransition('on_site', 'closed')).toBe(false);
    expect(canTransition('returned', 'closed')).toBe(false);
    expect(canTransition('closed', 'reported')).toBe(false);
    expect(canTransition('rejected', 'accepted')).toBe(false);
    expect(canTransition('merged', 'accepted')).toBe(false);
  });

  it('has no way out of a terminal status and a way out of every open one', () => {
    for (const status of codes) {
      expect(TRANSITIONS[status].length === 0).toBe(!isOpenStatus(status));
    }
    expect(codes.filter((s) => !isOpenStatus(s)).sort()).toEqual(['closed', 'merged', 'rejected']);
  });

  it('every terminal status is reachable from reported and no walk leaves the status set', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(10), { maxLength: 30 }), (choices) => {
        let status: IncidentStatus = 'reported';
        for (const choice of choices) {
          const next = TRANSITIONS[status];
          if (next.length === 0) break;
          const to = next[choice % next.length] as IncidentStatus;
          expect(canTransition(status, to)).toBe(true);
          status = to;
        }
        expect(codes).toContain(status);
      }),
    );
  });
});

describe('move times (moveTimeFault)', () => {
  const reported = Date.parse('2026-11-25T09:00:00Z');
  const HOUR = 3_600_000;

  it('refuses a move before the report or before the previous move, and names which', () => {
    expect(moveTimeFault(reported - HOUR, reported, null)).toMatch(/before the incident was reported/);
    expect(moveTimeFault(reported + HOUR, reported, reported + 2 * HOUR)).toMatch(/before the previous move/);
    expect(moveTimeFault(reported, reported, null)).toBeNull();
    expect(moveTimeFault(reported + 2 * HOUR, reported, reported + 2 * HOUR)).toBeNull();
  });

  it('dates a move sent without a time never before the report or the previous move', () => {
    fc.assert(
      fc.property(fc.integer({ min: -HOUR, max: HOUR }), fc.option(fc.integer({ min: -HOUR, max: HOUR })), (dNow, dPrev) => {
        const previous = dPrev === null ? null : reported + Math.abs(dPrev);
        const at = defaultMoveTime(reported + dNow, reported, previous);
        expect(moveTimeFault(at, reported, previous)).toBeNull();
      }),
    );
  });
});
