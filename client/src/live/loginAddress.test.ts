import { describe, expect, it } from 'vitest';
import { loginAddress, safeReturnPath } from './loginAddress.ts';

describe('loginAddress', () => {
  it('keeps where the person was, relative to BASE_PATH', () => {
    expect(loginAddress('expired', '/duty/42?tab=history', '')).toBe('/login?reason=expired&next=%2Fduty%2F42%3Ftab%3Dhistory');
    expect(loginAddress('revoked', '/grid141/admin/users', '/grid141')).toBe('/grid141/login?reason=revoked&next=%2Fadmin%2Fusers');
    expect(loginAddress('expired', '/grid141/', '/grid141')).toBe('/grid141/login?reason=expired');
  });

  it('on /login itself keeps the next it had (a second 401 does not lose the way back)', () => {
    expect(loginAddress('expired', '/login?reason=required&next=%2Fduty', '')).toBe('/login?reason=expired&next=%2Fduty');
  });
});

describe('safeReturnPath', () => {
  it('follows paths inside Grid141', () => {
    expect(safeReturnPath('/duty/42?tab=history#note')).toBe('/duty/42?tab=history#note');
    expect(safeReturnPath('/')).toBe('/');
  });

  it.each(['//evil.example/x', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', 'https://evil.example/', 'javascript:alert(1)', '', null, undefined, 42, '/login?next=/x', 'duty'])(
    'refuses %s',
    (raw) => expect(safeReturnPath(raw)).toBeNull(),
  );
});
