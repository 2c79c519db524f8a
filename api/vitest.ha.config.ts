import { defineConfig } from 'vitest/config';
import { TEST_DATA_KEY } from '../db/src/testing-key.ts';

// `pnpm test:ha` (and `pnpm test` with QINGFENG_HA=1): the scale-out tests of issue 12 start their
// own PostgreSQL servers (a replica, a pg_auto_failover formation) on loopback ports. One file at a
// time: each starts several servers on a two-core machine.
export default defineConfig({
  test: {
    include: ['src/**/*.ha.test.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    maxWorkers: 1,
    // ID numbers at rest: the servers these tests start need a data key (PostgreSQL refuses to start without one).
    env: { QINGFENG_DATA_KEY: TEST_DATA_KEY, QINGFENG_DATA_KEY_PREVIOUS: '', QINGFENG_DATA_KEY_FILE: '' },
  },
});
