import { describe, expect, it } from 'vitest';
import { generateSecret, secretMatches } from './secret.ts';

describe('generated secrets', () => {
  it('never begin with "-" or "_" (read as an option by CLIs and shell tools), and are base64url of the asked size', () => {
    // Plain base64url begins with "-" or "_" once in 32: 20,000 draws would show several.
    for (let i = 0; i < 20_000; i += 1) {
      const s = generateSecret(12);
      expect(s).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{15}$/);
    }
  });

  it('match only themselves', () => {
    const s = generateSecret(32);
    expect(secretMatches(s, s)).toBe(true);
    expect(secretMatches(`${s}x`, s)).toBe(false);
  });
});
