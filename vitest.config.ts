import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Temporal workers misbehave in worker threads: each test file gets its own process.
    pool: 'forks',
    maxWorkers: 2,
    include: ['test/**/*.test.ts'],
    // The chaos suite brings its own processes and runs for minutes: `npm run test:chaos`.
    exclude: ['test/chaos/**', 'node_modules/**'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/file-database.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/report.json' },
  },
});
