// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', '.bench-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The analysis core is pure: no editor or LSP runtime may leak into it.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['vscode', 'vscode-*', '!vscode-jsonrpc', '!vscode-languageserver-protocol'],
              message: 'shared/ is the pure analysis core: no vscode imports.',
            },
          ],
        },
      ],
    },
  },
  {
    // The webview renders hostile manifest data: text only through textContent, no markup sinks.
    files: ['client/webview/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'createContextualFragment', 'srcdoc'].map(
          (property) => ({
            property,
            message:
              'The webview builds DOM with client/webview/dom.ts (textContent only), never from markup.',
          }),
        ),
        { object: 'document', property: 'write', message: 'No document.write in the webview.' },
        { object: 'document', property: 'writeln', message: 'No document.writeln in the webview.' },
        {
          property: 'style',
          message: 'No inline styles built from data: use classes from reachability.css.',
        },
        {
          property: 'cssText',
          message: 'No style strings built from data: use classes from reachability.css.',
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'CallExpression[callee.property.name=/^(setAttribute|setAttributeNS)$/]',
          message: 'Set attributes with setAttr/setSvgAttr from client/webview/dom.ts (allow-listed names).',
        },
        {
          selector: "NewExpression[callee.name='DOMParser']",
          message: 'The webview never parses markup.',
        },
      ],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    // dom.ts is where allow-listed attributes are set.
    files: ['client/webview/dom.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly' },
    },
  },
);
