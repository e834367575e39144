import { describe, expect, it } from 'vitest';
import { messageReason, rowReasoner } from './reasons.ts';

const NOW = Date.parse('2026-11-05T06:00:00Z');
const drill = (over: Record<string, unknown>) => ({ externalId: 'D-1', occurredAt: '2026-11-01T02:00:00.000Z', level: 'community', kind: 'evacuation', participants: 30, ...over });

describe('the reasons of a refused row', () => {
  const reasons = rowReasoner('fire-drills', () => NOW);

  it('says a negative count in a sentence, Chinese first', () => {
    const out = reasons(drill({ participants: -3 }), [{ path: 'participants', message: 'Too small: expected number to be >=0' }]);
    expect(out).toEqual([{ path: 'participants', message: '不能为负数，应为 0 或更大 / must not be negative (0 or more)' }]);
  });

  it('says a fraction where a whole number is wanted, and a missing value as required', () => {
    expect(reasons(drill({ participants: 2.5 }), [])).toEqual([{ path: 'participants', message: '必须是整数 / must be a whole number' }]);
    expect(reasons(drill({ participants: undefined }), [])).toEqual([{ path: 'participants', message: '必填项为空 / required, empty' }]);
  });

  it('says a time without an offset lacks it, and names an offset no zone has (tester item 12)', () => {
    expect(reasons(drill({ occurredAt: '2026-11-01T10:00:00' }), [])).toEqual([{ path: 'occurredAt', message: expect.stringMatching(/^缺少时区偏移.*\/ no UTC offset/) }]);
    expect(reasons(drill({ occurredAt: '2026-11-01T10:00:00+14:30' }), [])).toEqual([{ path: 'occurredAt', message: expect.stringMatching(/^时区偏移 \+14:30 超出 ±14:00 \/ /) }]);
    expect(reasons(drill({ occurredAt: 'soon' }), [])).toEqual([{ path: 'occurredAt', message: '不是有效的时间 / not a valid time' }]);
  });

  it('gives 1e308 one reason on its path, not one per failed check', () => {
    const out = reasons(drill({ participants: 1e308 }), [
      { path: 'participants', message: 'Invalid input: expected int, received number' },
      { path: 'participants', message: 'Too big: expected number to be <=9007199254740991' },
    ]);
    expect(out).toHaveLength(1);
    expect(out[0]?.path).toBe('participants');
    expect(out[0]?.message).toBe('数字太大 / the number is too large');
  });

  it('puts Chinese before the shared rules\' English and keeps one reason per path', () => {
    const hazards = rowReasoner('hazard-inspections', () => NOW);
    const out = hazards({ externalId: 'H-1', occurredAt: '2026-11-01T02:00:00.000Z', kind: 'routine', hazardsFound: 2, hazardsRectified: 5 }, [
      { path: 'hazardsRectified', message: 'hazardsRectified cannot exceed hazardsFound' },
    ]);
    expect(out).toEqual([{ path: 'hazardsRectified', message: '已整改数不能大于隐患数 / hazardsRectified cannot exceed hazardsFound' }]);
    expect(messageReason('outside the service area: 1,200 km from the street')).toMatch(/^位置超出本街道服务范围.* \/ outside the service area/);
    expect(messageReason('something new')).toBe('不符合要求 / something new');
    expect(messageReason('本街道没有食堂')).toBe('本街道没有食堂');
  });
});
