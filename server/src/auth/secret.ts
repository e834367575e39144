// Generated secrets, and constant-time comparison of a presented secret with the expected one.
import crypto from 'node:crypto';

/**
 * A random secret of `bytes` bytes as base64url (A–Z a–z 0–9 - _) that begins with a letter or
 * digit: one that begins with "-" is read as an option by `npm run simulate -- --key <key>` and
 * by most shell tools, and about one in 32 would begin with "-" or "_" otherwise (issue 14).
 * Every secret Grid141 generates (keys, tokens, passwords) comes from here.
 */
export function generateSecret(bytes: number): string {
  for (;;) {
    const value = crypto.randomBytes(bytes).toString('base64url');
    if (/^[A-Za-z0-9]/.test(value)) return value;
  }
}

export function secretMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string' || presented === '') return false;
  // Hashing first gives equal lengths, so timingSafeEqual leaks nothing about the length.
  const a = crypto.createHash('sha256').update(presented).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}
