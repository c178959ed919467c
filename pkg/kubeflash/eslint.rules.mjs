// ESLint flat config of the Rancher extension (pkg/kubeflash): the rules the Rancher dashboard lints
// itself and its extensions with at the shell version we build against (@rancher/shell 3.0.8, tag
// shell-pkg-v3.0.8 of rancher/dashboard: .eslintrc.default.js + .eslintrc.js), expressed as flat config:
// eslint-plugin-vue's vue3-recommended set, the dashboard's overrides for .vue templates, its formatting
// rules for scripts, and its one local rule (v-tooltip is forbidden: v-clean-tooltip sanitises) written
// with vue/no-restricted-syntax. Not carried over: eslint-config-standard, and the import, node, jest and
// cypress plugins (the repository's own rules cover the same ground for TypeScript).
import globals from 'globals';
import pluginVue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';

const files = ['pkg/kubeflash/**/*.{js,ts,vue}'];
const scoped = (config) => ({ ...config, files: config.files ? config.files.map((f) => `pkg/kubeflash/${ f.replace(/^\*\*\//, '**/') }`) : files });

/**
 * Formatting rules of the dashboard's .eslintrc.default.js (3.0.8), as warnings like there; where it gave only a
 * severity, the options are those it inherited from eslint-config-standard (as rancher/dashboard's flat config
 * eslint.config.base.mjs records them).
 */
const dashboardStyle = {
  'array-bracket-spacing':       ['warn', 'never'],
  'arrow-parens':                ['warn'],
  'arrow-spacing':               ['warn', { before: true, after: true }],
  'block-spacing':               ['warn', 'always'],
  'brace-style':                 ['warn', '1tbs'],
  'comma-dangle':                ['warn', 'only-multiline'],
  'comma-spacing':               ['warn', { before: false, after: true }],
  indent:                        ['warn', 2],
  'keyword-spacing':             ['warn', { before: true, after: true }],
  'newline-per-chained-call':    ['warn', { ignoreChainWithDepth: 4 }],
  'no-trailing-spaces':          'warn',
  'func-call-spacing':           ['warn', 'never'],
  'lines-between-class-members': ['warn', 'always', { exceptAfterSingleLine: true }],
  'multiline-ternary':           ['warn', 'never'],
  'no-whitespace-before-property': 'warn',
  'object-curly-spacing':        ['warn', 'always'],
  'object-property-newline':     ['warn', { allowAllPropertiesOnSameLine: false, allowMultiplePropertiesPerLine: true }],
  'object-shorthand':            'warn',
  'padded-blocks':               ['warn', 'never'],
  'quote-props':                 ['warn', 'as-needed'],
  'rest-spread-spacing':         ['warn', 'never'],
  semi:                          ['warn', 'always'],
  'space-before-function-paren': ['warn', 'never'],
  'space-infix-ops':             'warn',
  'spaced-comment':              ['warn', 'always', {
    line:  { markers: ['*package', '!', '/', ',', '='] },
    block: { balanced: true, markers: ['*package', '!', ',', ':', '::', 'flow-include'], exceptions: ['*'] },
  }],
  'switch-colon-spacing':        'warn',
  'template-curly-spacing':      ['warn', 'always'],
  'yield-star-spacing':          ['warn', 'both'],
  'key-spacing':                 ['warn', {
    align:     { beforeColon: false, afterColon: true, on: 'value', mode: 'strict' },
    multiLine: { beforeColon: false, afterColon: true },
  }],
  'object-curly-newline': ['warn', {
    ObjectExpression:  { multiline: true, minProperties: 3 },
    ObjectPattern:     { multiline: true, minProperties: 4 },
    ImportDeclaration: { multiline: true, minProperties: 5 },
    ExportDeclaration: { multiline: true, minProperties: 3 },
  }],
  'padding-line-between-statements': ['warn',
    { blankLine: 'always', prev: '*', next: 'return' },
    { blankLine: 'always', prev: 'function', next: 'function' },
    { blankLine: 'always', prev: ['const', 'let', 'var'], next: '*' },
    { blankLine: 'any', prev: ['const', 'let', 'var'], next: ['const', 'let', 'var'] },
  ],
  quotes:            ['warn', 'single', { avoidEscape: true, allowTemplateLiterals: true }],
  'space-unary-ops': ['warn', { words: true, nonwords: false }],
};

/** Rules the dashboard's root .eslintrc.js (3.0.8) sets for everything it lints. */
const dashboardRoot = {
  curly:                                        'warn',
  eqeqeq:                                       'warn',
  'implicit-arrow-linebreak':                   'warn',
  'no-caller':                                  'warn',
  'no-cond-assign':                             ['warn', 'except-parens'],
  'no-console':                                 'warn',
  'no-debugger':                                'warn',
  'no-eq-null':                                 'warn',
  'no-eval':                                    'warn',
  'prefer-arrow-callback':                      'warn',
  'prefer-template':                            'warn',
  'vue/no-unused-components':                   'warn',
  'vue/order-in-components':                    'off',
  'vue/no-lone-template':                       'off',
  'vue/v-slot-style':                           'off',
  'vue/component-tags-order':                   'off',
  'vue/no-mutating-props':                      'off',
  'vue/multi-word-component-names':             'off',
  'vue/no-reserved-component-names':            'off',
  'vue/no-useless-template-attributes':         'off',
  'vue/attribute-hyphenation':                  'off',
  'vue/valid-next-tick':                        'off',
  'vue/no-computed-properties-in-data':         'off',
  'vue/no-side-effects-in-computed-properties': 'off',
  'vue/one-component-per-file':                 'off',
  'vue/no-deprecated-slot-attribute':           'off',
  'vue/v-on-event-hyphenation':                 'off',
  'vue/require-explicit-emits':                 'error',
  'vue/require-toggle-inside-transition':       'off',
  '@typescript-eslint/no-explicit-any':         'off',
  '@typescript-eslint/no-this-alias':           'off',
  '@typescript-eslint/no-empty-function':       'off',
};

/** The dashboard's overrides for .vue files. */
const dashboardTemplates = {
  'vue/no-v-html':                    'error',
  'vue/html-indent':                  ['error', 2],
  'vue/html-closing-bracket-newline': ['error', { singleline: 'never', multiline: 'always' }],
  'vue/html-closing-bracket-spacing': 'error',
  'vue/html-end-tags':                'error',
  'vue/html-quotes':                  'error',
  'vue/html-self-closing':            ['error', {
    html: { void: 'never', normal: 'always', component: 'always' }, svg: 'always', math: 'always',
  }],
  'vue/max-attributes-per-line': ['error', { singleline: { max: 1 }, multiline: { max: 1 } }],
  // The dashboard's local rule v-clean-tooltip: v-tooltip renders unsanitised HTML.
  'vue/no-restricted-syntax':    ['error', {
    selector: 'VDirectiveKey[name.name="tooltip"]',
    message:  'Use v-clean-tooltip instead of v-tooltip (v-tooltip renders unsanitised HTML).',
  }],
};

export default [
  ...pluginVue.configs['flat/recommended'].map(scoped),
  {
    files,
    languageOptions: {
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'], sourceType: 'module' },
      globals:       { ...globals.browser },
    },
    rules: { ...dashboardStyle, ...dashboardRoot },
  },
  { files: ['pkg/kubeflash/**/*.vue'], rules: dashboardTemplates },
  // The dashboard's override for tests.
  {
    files:           ['pkg/kubeflash/**/__tests__/**/*.ts'],
    languageOptions: { globals: { ...globals.jest, ...globals.node } },
    rules:           { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
