import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import kubeflashExtension from './pkg/kubeflash/eslint.rules.mjs';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**', '.tools/**', 'dist/**', 'dist-pkg/**', '**/dist/**', 'firmware/build*/**',
      'test-output/**', '**/babel.config.js', '**/vue.config.js', 'jest.config.js', '.kubeflash/**',
      'pkg/kubeflash/.shell/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { ecmaVersion: 2023, sourceType: 'module' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // The Rancher extension: .vue, TypeScript and JavaScript with the Rancher dashboard's rules.
  ...kubeflashExtension,
);
