import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests start a Discord simulator and an OpenAI-compatible server on loopback.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
