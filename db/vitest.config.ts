import { defineConfig } from 'vitest/config';
import { TEST_DATA_KEY } from './src/testing-key.ts';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['src/test-global-setup.ts'],
    // PGlite's initdb is CPU-heavy on two cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    // ID numbers at rest (db/src/data-key.ts): one fixed key for every test database of a run, on
    // both engines, and for the processes tests start. Never a production key.
    env: { QINGFENG_DATA_KEY: TEST_DATA_KEY, QINGFENG_DATA_KEY_PREVIOUS: '', QINGFENG_DATA_KEY_FILE: '' },
  },
});
