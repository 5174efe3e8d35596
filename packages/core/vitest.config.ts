import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    typecheck: { include: ['src/**/*.test-d.ts', 'test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 30_000,
    // The JSON report feeds scripts/test-summary.mjs, which prints the workspace's closing line.
    reporters: ['default', ['json', { outputFile: '.vitest-results/results.json' }]],
  },
});
