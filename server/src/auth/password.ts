// Password hashes: scrypt (node:crypto), N=2^15, r=8, p=1, a 16-byte salt, a 32-byte key,
// stored as `scrypt$<N>$<r>$<p>$<salt>$<key>` (base64url) so the cost can be raised later and
// old hashes still verify. About 50–100 ms and 32 MiB per hash on this class of machine
// (OWASP Password Storage Cheat Sheet: scrypt N=2^17 r=8 p=1 is the high end; 2^15 keeps a
// burst of sign-ins on a two-core box answerable).
import crypto from 'node:crypto';
import { generateSecret } from './secret.ts';

const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(password.normalize('NFC'), salt, KEY_BYTES, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** true when `password` matches `stored`; false for a malformed hash (never throws on input). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![n, r, p].every((v) => Number.isInteger(v) && v > 0) || n > 2 ** 20) return false;
  const expected = Buffer.from(parts[5] as string, 'base64url');
  const key = await scrypt(password, Buffer.from(parts[4] as string, 'base64url'), n, r, p);
  return expected.length === key.length && crypto.timingSafeEqual(expected, key);
}

/** A hash of a random password: verifying against it costs the same as a real one (unknown users). */
export const DUMMY_HASH_PROMISE = (): Promise<string> => hashPassword(generateSecret(16));
