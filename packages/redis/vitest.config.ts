import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    typecheck: { include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file starts its own redis-server processes; run files one after another on 2 cores.
    fileParallelism: false,
    reporters: ['default', ['json', { outputFile: '.vitest-results/results.json' }]],
  },
});
