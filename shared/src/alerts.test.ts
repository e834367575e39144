import { describe, expect, it } from 'vitest';
import { alertGroupKey, alertRank, alertText } from './alerts.ts';
import type { Alert } from './events.ts';

const base = { at: '2026-11-25T02:00:00Z', communityId: 'c1', gridId: 'g1', simulated: false } as const;
const alarm = (id: string, code: string, lng: number): Alert => ({ ...base, id, kind: 'alarm', code, location: { lng, lat: 29.5 } });

describe('alert severity and folding', () => {
  it('ranks a person in danger above a building, a building above a deadline', () => {
    expect(alertRank({ kind: 'critical-incident', code: 'emergency' })).toBe(3);
    for (const code of ['sos', 'fall', 'abnormal_hr']) expect(alertRank({ kind: 'alarm', code })).toBe(3);
    for (const code of ['smoke', 'gas_leak']) expect(alertRank({ kind: 'alarm', code })).toBe(2);
    expect(alertRank({ kind: 'overdue', code: 'emergency' })).toBe(1);
  });

  it('folds alarms of one type from one building, never two types, two buildings or two critical incidents', () => {
    expect(alertGroupKey(alarm('a', 'smoke', 106.50001))).toBe(alertGroupKey(alarm('b', 'smoke', 106.50009)));
    expect(alertGroupKey(alarm('a', 'smoke', 106.5))).not.toBe(alertGroupKey(alarm('b', 'sos', 106.5)));
    expect(alertGroupKey(alarm('a', 'smoke', 106.5))).not.toBe(alertGroupKey(alarm('b', 'smoke', 106.502)));
    const critical = (id: string): Alert => ({ ...base, id, kind: 'critical-incident', code: 'emergency', location: { lng: 106.5, lat: 29.5 } });
    expect(alertGroupKey(critical('x'))).not.toBe(alertGroupKey(critical('y')));
  });

  it('says what happened in at most 80 code points, cut with an ellipsis, never half an emoji', () => {
    expect(alertText('  ', '井盖缺失\n\n行人险些跌落')).toBe('井盖缺失 行人险些跌落');
    expect(alertText('5栋起火', 'long words')).toBe('5栋起火');
    expect(alertText(null, '')).toBeUndefined();
    const emoji = '🔥'.repeat(100);
    const cut = alertText(null, emoji)!;
    expect([...cut]).toHaveLength(80);
    expect(cut.endsWith('🔥…')).toBe(true);
    expect(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(cut), 'a lone surrogate').toBe(false);
  });
});
