import { defineConfig } from 'vitest/config';

/**
 * `npm run test:chaos`: one long test that brings its own processes (no shared dev server).
 * `-- --cluster` (test/chaos/run.ts sets CHAOS_TARGET) runs it on the production-shaped stack.
 */
const cluster = process.env.CHAOS_TARGET === 'cluster';

export default defineConfig({
  test: {
    pool: 'forks',
    include: [cluster ? 'test/chaos/cluster.test.ts' : 'test/chaos/chaos.test.ts'],
    testTimeout: 20 * 60_000,
    hookTimeout: 5 * 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: cluster ? 'test-results/chaos-cluster-report.json' : 'test-results/chaos-report.json' },
  },
});
