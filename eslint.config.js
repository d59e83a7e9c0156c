// ESLint 9 flat config: typescript-eslint's recommended rules for the TypeScript sources, ESLint's for the
// plain scripts (Node) and the editor resources (browser). Formatting is Prettier's job (`npm run lint` runs both).
// Type-aware rules are in eslint.typed.config.js (`npm run lint:typed`): about 3x slower, so not in `npm test`.
'use strict';
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = require('globals');

module.exports = tseslint.config(
  {
    ignores: [
      'dist/',
      'resources/flux/generated/',
      'node_modules/',
      'test-artifacts/',
      '.iot-center/',
      'coverage/',
      '.stryker-tmp/',
      'reports/',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node, ...globals.mocha } },
    rules: {
      // `_` marks a parameter a callback signature requires but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `import node = require('...')` is how TypeScript imports an `export =` module (the Node-RED node files).
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      // `const node = this` is the Node-RED idiom for the node inside its handlers.
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['node'] }],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  {
    // Editor and worker scripts that Node-RED serves from /resources/: classic browser scripts, with the
    // editor's globals (jQuery, Monaco, RED).
    files: ['resources/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { ...globals.browser, ...globals.worker, $: 'readonly', monaco: 'readonly', RED: 'readonly' },
    },
  },
);
