import { configDefaults, defineConfig } from 'vitest/config';
import { TEST_DATA_KEY } from '../db/src/testing-key.ts';

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
    // ID numbers at rest (db/src/data-key.ts): one fixed key for every test database of a run, on
    // both engines, and for the processes tests start. Never a production key.
    env: { QINGFENG_DATA_KEY: TEST_DATA_KEY, QINGFENG_DATA_KEY_PREVIOUS: '', QINGFENG_DATA_KEY_FILE: '' },
    fileParallelism: true,
  },
});
