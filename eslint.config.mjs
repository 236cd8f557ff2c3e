// Flat config shared by every workspace package; type-aware rules use each package's tsconfig.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** `no-restricted-properties` entries sending `Math.<name>` to the `@ppo/utils` version. */
function deterministicMath(names) {
  return names.map((property) => ({
    object: 'Math',
    property,
    message: `Use ${property} from @ppo/utils: it gives the same bits in every engine.`,
  }));
}

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.turbo/**',
      '**/coverage/**',
      'docs/.vitepress/cache/**',
      // Temporary files tsup and vite write beside their configs while a build or test runs in parallel.
      '**/*.bundled_*.mjs',
      '**/*.timestamp-*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/consistent-type-exports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },
  {
    // Engines differ in the last bit of these Math functions; @ppo/utils has versions that give
    // the same bits everywhere, so Node and browser runs stay identical. Later lists of such
    // functions join this one rule (a second rule entry would replace it, not add to it).
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', ...deterministicMath(['sin', 'cos', 'atan', 'atan2', 'hypot'])],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
