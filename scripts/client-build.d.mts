// Types of scripts/client-build.mjs for the TypeScript callers (tests).
import type { StdioOptions } from 'node:child_process';
export declare const root: string;
export declare function buildIsStale(): string | null;
export declare function buildClient(stdio?: StdioOptions): number;
