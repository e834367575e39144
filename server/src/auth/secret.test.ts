import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

  it('are the only secrets: no other source file turns random bytes into text (viewer token, API keys, session ids, passwords)', () => {
    // admin.ts, keys.ts and sessions.ts once made their own with randomBytes(…).toString('base64url').
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'node_modules' && entry.name !== 'dist') walk(file);
        } else if (/\.(ts|mts|mjs|vue)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) && file !== fileURLToPath(new URL('./secret.ts', import.meta.url))) {
          const text = fs.readFileSync(file, 'utf8');
          if (/randomBytes\([^)]*\)\s*\.toString\(|getRandomValues\(/.test(text)) offenders.push(path.relative(root, file));
        }
      }
    };
    for (const dir of ['server/src', 'shared/src', 'client/src', 'scripts']) walk(path.join(root, dir));
    expect(offenders).toEqual([]);
  });
});
