import { describe, expect, it } from 'vitest';
import { countdownTone, duration } from './countdown.ts';

describe('desk countdowns', () => {
  const start = '2026-11-30T12:00:00.000Z';
  const t = (iso: string) => Date.parse(iso);
  it('turns amber at half of a short stage and at 30 minutes of a long one, red once late', () => {
    expect(countdownTone('2026-11-30T12:01:00.000Z', start, t('2026-11-30T12:00:20.000Z'))).toBe('ok');
    expect(countdownTone('2026-11-30T12:01:00.000Z', start, t('2026-11-30T12:00:40.000Z'))).toBe('soon');
    expect(countdownTone('2026-11-30T14:00:00.000Z', start, t('2026-11-30T13:20:00.000Z'))).toBe('ok');
    expect(countdownTone('2026-11-30T14:00:00.000Z', start, t('2026-11-30T13:40:00.000Z'))).toBe('soon');
    expect(countdownTone('2026-11-30T14:00:00.000Z', start, t('2026-11-30T14:00:01.000Z'))).toBe('late');
  });
  it('shows the two largest units', () => {
    expect(duration(3 * 86_400_000 + 4 * 3_600_000, 'zh')).toBe('3天4时');
    expect(duration(-(2 * 3_600_000 + 5 * 60_000), 'zh')).toBe('2时05分');
    expect(duration(4 * 60_000 + 7_000, 'en')).toBe('4m 07s');
  });
});
