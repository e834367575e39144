// Validation in pages served under Grid141's Content-Security-Policy (docs/security.md).
import { z } from 'zod';

/**
 * Makes zod validate without compiling code: by default it probes `new Function('')` when the first
 * object schema is made, to decide whether to JIT its parsers, and under `script-src 'self'` (no
 * 'unsafe-eval') that probe is a CSP violation report on every page load. Call once in a page's
 * entry before any schema exists (import `@grid141/shared/csp`, which holds no schema, first);
 * the server keeps the JIT.
 */
export function validateWithoutEval(): void {
  z.config({ jitless: true });
}
