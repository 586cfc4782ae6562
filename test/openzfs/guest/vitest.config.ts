import { defineConfig } from 'vitest/config';

/**
 * The configuration for test files run inside the OpenZFS guest by test/openzfs/in-guest.test.ts:
 * the clone is shared read-only there, so vite's cache lives in the guest's /tmp.
 */
export default defineConfig({
  cacheDir: '/tmp/xrepl-vitest-cache',
  test: {
    root: new URL('../../..', import.meta.url).pathname,
    include: ['test/integration/zfs-contract.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
