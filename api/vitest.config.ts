import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['src/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite start-up and argon2 are CPU-heavy; two cores.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
