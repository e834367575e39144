import { describe, expect, it } from 'vitest';
import { canteenAxisName, communityShortName } from './names.ts';
import type { StreetInfo } from '../stores/wallTypes.ts';

const street = {
  communities: [{ id: 'C1', name: '煤建新村社区', nameEn: 'Meijianxincun Community' }],
  canteens: [
    { id: 'P1', name: '煤建新村社区食堂' },
    { id: 'P2', name: '茶亭北路老年助餐点' },
  ],
} as unknown as StreetInfo;

describe('canteenAxisName', () => {
  it('drops the words the axis title already says', () => {
    expect(canteenAxisName(street, 'P1', 'zh')).toBe('煤建新村食堂');
    expect(canteenAxisName(street, 'P2', 'zh')).toBe('茶亭北路助餐点');
  });
  it('keeps the id of an unknown canteen; a Chinese name is shortened on an English wall too', () => {
    expect(canteenAxisName(street, 'P9', 'zh')).toBe('P9');
    expect(canteenAxisName(street, 'P2', 'en')).toBe('茶亭北路助餐点');
  });
});

describe('communityShortName', () => {
  it('drops "Community" in English only', () => {
    expect(communityShortName(street, 'C1', 'en')).toBe('Meijianxincun');
    expect(communityShortName(street, 'C1', 'zh')).toBe('煤建新村社区');
    expect(communityShortName(street, null, 'en')).toBe('—');
  });
});
