import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // tfjs backends are process-global state: one file per worker, no isolation games.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
