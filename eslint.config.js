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
// The one way into worker/ from models/ and lib/: the request contract (modes, limits, request, image metadata) is
// defined once, in the worker protocol, and the pipeline's request and the PNG metadata derive from it. The
// protocol is pure (its own rule below), so this exception brings in no worker runtime.
const notTheProtocol = '!**/worker/protocol.ts';
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
    { group: ['**/ui/**', '**/store/**', '**/worker/**', notTheProtocol, '**/paint/**', '**/library/**'], message: 'models/ composes engine ops; it knows no UI, store or worker.' },
  ], noReact),
  layer(['src/ui/**'], [
    { group: ['**/engine/**', '**/models/**', '**/weights/**', '**/library/**', '**/worker/**'], message: 'ui/ talks only to the store (src/store), never to the engine, models, weights or worker.' },
  ]),
  layer(['src/store/**'], [
    { group: ['**/engine/**', '**/models/**', '**/ui/**'], message: 'The store talks to the worker client, not to the engine or models directly.' },
  ]),
  layer(['src/paint/**'], [
    { group: ['**/engine/**', '**/models/**', '**/ui/**', '**/store/**', '**/worker/**', '**/weights/**', '**/library/**'], message: 'paint/ and lib/ are pure and stand alone.' },
  ], noReact),
  layer(['src/lib/**'], [
    { group: ['**/engine/**', '**/models/**', '**/ui/**', '**/store/**', '**/worker/**', notTheProtocol, '**/weights/**', '**/library/**'], message: 'paint/ and lib/ are pure and stand alone (lib/ may read the request contract in worker/protocol.ts).' },
  ], noReact),
  // The protocol is imported by every layer but ui/: it may import lib/ only, never the worker's runtime or a model.
  // Its model-library half (modelsProtocol.ts) follows the same rule; the two halves import each other's types only.
  layer(['src/worker/protocol.ts', 'src/worker/modelsProtocol.ts'], [
    { group: ['**/engine/**', '**/models/**', '**/ui/**', '**/store/**', '**/weights/**', '**/library/**', '**/paint/**', './*', '!./protocol.ts', '!./modelsProtocol.ts'], message: 'worker/protocol.ts is pure: it may import lib/ only.' },
  ], [...noReact, { name: 'comlink', message: 'worker/protocol.ts is pure: it may import lib/ only.' }]),
);
