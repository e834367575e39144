import { defineConfig } from 'vitest/config';

// Three projects: fast unit tests beside the code, whole-system integration tests
// (real server, real sockets, real store), and browser tests in Debian's Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/src/**/*.test.ts', 'server/src/**/*.test.ts', 'client/src/**/*.test.ts', 'scripts/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two files at a time (scripts/test.mjs: --maxWorkers=2): every test has its own server,
          // port, DATA_DIR and throwaway database, and most of a file's time is spent waiting
          // (shift boundaries, restarts, idle sockets), so two files overlap their waits.
        },
      },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // One file at a time: their hang guards (15–30 s) were set for one Chromium on the CPU.
          fileParallelism: false,
        },
      },
    ],
  },
});
