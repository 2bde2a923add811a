import { defineConfig } from 'vitest/config';

/** `npm run test:chaos`: one long test that brings its own processes (no shared dev server). */
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/chaos/**/*.test.ts'],
    testTimeout: 15 * 60_000,
    hookTimeout: 5 * 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/chaos-report.json' },
  },
});
