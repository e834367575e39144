import { describe, expect, it } from 'vitest';
import { withoutSecrets } from './errors.ts';

describe('withoutSecrets', () => {
  it('hides token and key values in a logged URL, keeping the rest', () => {
    expect(withoutSecrets('/api/v1/street?token=s3cret&layout=3840x2160')).toBe('/api/v1/street?token=…&layout=3840x2160');
    expect(withoutSecrets('/x?a=1&key=abc#h')).toBe('/x?a=1&key=…#h');
    expect(withoutSecrets('/x?tokens=1')).toBe('/x?tokens=1');
  });
});
