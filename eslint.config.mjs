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
    // Math's transcendental functions round differently in different engines (Node and browsers
    // disagree in the last bit), which breaks "same seed, same metrics" across them: library and
    // app code uses @ppo/utils' fdlibm versions, which give the same bits everywhere.
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/test-*.ts', '**/*.bench.ts'],
    rules: {
      // One rule entry for every such function: a second entry would replace this one, not add to it.
      'no-restricted-properties': [
        'error',
        ...deterministicMath(['sin', 'cos', 'atan', 'atan2', 'hypot', 'exp', 'expm1', 'log', 'log1p', 'log10', 'tanh', 'pow']),
      ],
      'no-restricted-syntax': [
        'error',
        {
          // x ** y is Math.pow; squares and 2 ** (integer literal) are exact in every engine.
          selector:
            "BinaryExpression[operator='**']:not([right.value=2]):not([left.value=2][right.raw=/^[0-9]+$/]):not([left.value=2][right.operator='-'][right.argument.raw=/^[0-9]+$/])",
          message: 'x ** y differs between engines in the last bit: use pow from @ppo/utils (x ** 2 and 2 ** 31, 2 ** -149 are exact and allowed).',
        },
        {
          selector: "AssignmentExpression[operator='**=']",
          message: 'x **= y differs between engines in the last bit: use pow from @ppo/utils.',
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
