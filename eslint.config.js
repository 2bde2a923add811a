// @ts-check
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/', '.dev/', 'coverage/', 'test-results/', 'docs/', 'dist/'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Workflow code is replayed: no Node built-ins, no I/O, activities as types only.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Workflow code must stay deterministic: no Node built-ins.',
          })),
          patterns: [
            {
              group: [
                'postgres',
                'fastify',
                'pino',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
              ],
              message: 'No I/O in workflow code.',
            },
            {
              group: [
                ...['activities', 'db', 'smile', 'decide', 'runtime', 'api'].flatMap((dir) => [
                  `../${dir}/**`,
                  `../../${dir}/**`,
                ]),
                // The table of Smile's data kinds is pure data.
                '!../smile/kinds.js',
                '!../../smile/kinds.js',
              ],
              allowTypeImports: true,
              message: 'Workflow code imports the side-effect layers as types only.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'No environment in workflow code.' },
        { name: 'fetch', message: 'No I/O in workflow code.' },
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
      ],
    },
  },
  {
    // The API and the activities share the data layer (db/), the Smile contract (smile/) and the engine
    // (decide/); neither reaches into the other.
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../activities/**', '../../activities/**'],
              message: 'The API does not import activities: use db/, smile/ or decide/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../api/**', '../../api/**'],
              message: 'Activities do not import the API: use db/, smile/ or decide/.',
            },
          ],
        },
      ],
    },
  },
);
