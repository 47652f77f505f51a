import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Browser and e2e suites each start Chromium or several servers; two cores do not gain from more.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
