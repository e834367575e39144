import { describe, expect, it } from 'vitest';
import { alarmBuilding, alertFoldKey, alertGroupKey, alertRank, alertText } from './alerts.ts';
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

  it('issue 8 §5: 40 gas alarms of one building 0.2 m apart across a cell edge fold into one group; a far pair stays two', () => {
    const gas = (i: number, address?: string): Alert => ({
      ...base, id: `g${i}`, kind: 'alarm', code: 'gas_leak', location: { lng: i % 2 ? 106.520251 : 106.520249, lat: 29.55 }, ...(address ? { address } : {}),
    });
    // By the building its address names (normalised), wherever the fix falls.
    const addressed = new Set(Array.from({ length: 40 }, (_, i) => alertGroupKey(gas(i, i % 3 ? '大坪正街 8栋' : ' 大坪正街\u3000 8栋 '))));
    expect(addressed.size).toBe(1);
    expect(alarmBuilding('石油路５栋2单元1201')).toBe('石油路5栋');
    expect(alarmBuilding('大坪正街8号')).toBeNull();
    // Without an address the two fixes sit in two cells, and a store joins the held near one.
    expect(alertGroupKey(gas(0))).not.toBe(alertGroupKey(gas(1)));
    const held = new Map<string, { lng: number; lat: number }>();
    for (let i = 0; i < 40; i += 1) {
      const a = gas(i);
      const key = alertFoldKey(a, (k) => held.get(k));
      if (!held.has(key)) held.set(key, a.location!);
    }
    expect(held.size).toBe(1);
    // Two points 0.001° (about 100 m) apart, on either side of the same edge: never one group.
    const far = [106.51975, 106.52075].map((lng, i): Alert => ({ ...base, id: `f${i}`, kind: 'alarm', code: 'gas_leak', location: { lng, lat: 29.55 } }));
    const farHeld = new Map<string, { lng: number; lat: number }>();
    for (const a of far) {
      const key = alertFoldKey(a, (k) => farHeld.get(k));
      if (!farHeld.has(key)) farHeld.set(key, a.location!);
    }
    expect(farHeld.size).toBe(2);
    // Two buildings named apart stay apart even at one spot; one kind never folds with another.
    expect(alertGroupKey({ ...gas(0), address: '大坪正街8栋' })).not.toBe(alertGroupKey({ ...gas(0), address: '大坪正街9栋' }));
    expect(alertGroupKey({ ...gas(0), address: '大坪正街8栋' })).not.toBe(alertGroupKey({ ...gas(0), code: 'smoke', address: '大坪正街8栋' }));
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
