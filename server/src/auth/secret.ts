// Constant-time comparison of a presented secret with the expected one.
import crypto from 'node:crypto';

export function secretMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string' || presented === '') return false;
  // Hashing first gives equal lengths, so timingSafeEqual leaks nothing about the length.
  const a = crypto.createHash('sha256').update(presented).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}
