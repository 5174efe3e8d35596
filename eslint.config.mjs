// One flat config for the whole workspace; each package runs `eslint .` against it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Real time and real timers may only be read through the injected Clock (design habit 1). */
const realTimeRules = {
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Read time from the injected Clock (clock.now()).' },
    { object: 'performance', property: 'now', message: 'Read time from the injected Clock (clock.now()).' },
    { object: 'globalThis', property: 'setTimeout', message: 'Use clock.setTimeout().' },
    { object: 'globalThis', property: 'setInterval', message: 'Breakwater keeps no interval timers; use clock.setTimeout().' },
    { object: 'globalThis', property: 'clearTimeout', message: 'Use clock.clearTimeout().' },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'setTimeout', message: 'Use clock.setTimeout() so that tests can drive time.' },
    { name: 'clearTimeout', message: 'Use clock.clearTimeout().' },
    { name: 'setInterval', message: 'Breakwater keeps no interval timers; use clock.setTimeout().' },
    { name: 'clearInterval', message: 'Breakwater keeps no interval timers.' },
    { name: 'setImmediate', message: 'Use the injected Clock.' },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "NewExpression[callee.name='Date'][arguments.length=0]",
      message: 'new Date() reads real time; use clock.now().',
    },
  ],
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**', 'apps/example/artifacts/**', '**/tsup.config.bundled_*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        globalThis: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        queueMicrotask: 'readonly',
        structuredClone: 'readonly',
        AggregateError: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        performance: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/clock/system-clock.ts', 'packages/core/src/**/*.test.ts', 'packages/core/src/**/*.test-d.ts'],
    rules: realTimeRules,
  },
  {
    files: ['**/*.test.ts', '**/*.test-d.ts', '**/test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
