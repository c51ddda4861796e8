import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

// Layering (design.md §1): engine/ knows no model, React or DOM; models/ no React; ui/ talks only to the store;
// paint/ and lib/ are pure. These rules make a wrong import a lint error.
const noReact = [
  { name: 'react', message: 'This layer must not depend on React.' },
  { name: 'react-dom', message: 'This layer must not depend on React.' },
  { name: 'zustand', message: 'This layer must not depend on the store.' },
];
const layer = (files, patterns, paths = []) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns, paths }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'bench-results/**', 'dev-dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  layer(['src/engine/**'], [
    { group: ['**/models/**', '**/ui/**', '**/store/**', '**/worker/**', '**/weights/**', '**/library/**', '**/paint/**'], message: 'engine/ knows no model, UI, store, worker or weight files.' },
  ], noReact),
  layer(['src/weights/**'], [
    { group: ['**/models/**', '**/ui/**', '**/store/**', '**/worker/**', '**/paint/**', '**/library/**'], message: 'weights/ knows file formats and engine formats only.' },
  ], noReact),
  layer(['src/library/**'], [
    { group: ['**/models/**', '**/ui/**', '**/store/**', '**/worker/**', '**/paint/**', '**/engine/**'], message: 'library/ (catalog, downloads, IndexedDB store, import) knows file formats and lib/, not the engine, models or UI.' },
  ], noReact),
  layer(['src/models/**'], [
    { group: ['**/ui/**', '**/store/**', '**/worker/**', '**/paint/**', '**/library/**'], message: 'models/ composes engine ops; it knows no UI, store or worker.' },
  ], noReact),
  layer(['src/ui/**'], [
    { group: ['**/engine/**', '**/models/**', '**/weights/**', '**/library/**', '**/worker/**'], message: 'ui/ talks only to the store (src/store), never to the engine, models, weights or worker.' },
  ]),
  layer(['src/store/**'], [
    { group: ['**/engine/**', '**/models/**', '**/ui/**'], message: 'The store talks to the worker client, not to the engine or models directly.' },
  ]),
  layer(['src/paint/**', 'src/lib/**'], [
    { group: ['**/engine/**', '**/models/**', '**/ui/**', '**/store/**', '**/worker/**', '**/weights/**', '**/library/**'], message: 'paint/ and lib/ are pure and stand alone.' },
  ], noReact),
);
