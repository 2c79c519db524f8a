import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The scale-out tests start their own servers: vitest.ha.config.ts (`pnpm test:ha`).
    exclude: [...configDefaults.exclude, 'src/**/*.ha.test.ts'],
    globalSetup: ['src/testing/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // PGlite start-up and argon2 are CPU-heavy; two cores.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
