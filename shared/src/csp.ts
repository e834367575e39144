// Validation in pages served under Grid141's Content-Security-Policy (docs/security.md).
import { z } from 'zod';

/**
 * Makes zod validate without compiling code: by default it probes `new Function('')` when the first
 * object schema is made, to decide whether to JIT its parsers, and under `script-src 'self'` (no
 * 'unsafe-eval') that probe is a CSP violation report on every page load. Called below in a
 * browser before any schema exists; the server keeps the JIT.
 */
export function validateWithoutEval(): void {
  z.config({ jitless: true });
}

// In a browser, before any schema of this package exists: shared/src/index.ts imports this file
// first, so the order holds however a bundler splits the page into chunks (a chunk shared by two
// routes is evaluated before the entry's own code, and so before a call made there).
if (typeof (globalThis as { document?: unknown }).document !== 'undefined') validateWithoutEval();
