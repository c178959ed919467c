// jest project of the Rancher extension pkg/kubeflash: Vue 3 SFCs through vue3-jest, JS/TS through babel,
// jsdom, and the webpack aliases of the shell (@shell, @components, @pkg) mapped to their folders.
const root = '<rootDir>';
const shell = `${ root }/node_modules/@rancher/shell`;

module.exports = {
  displayName:             'extension',
  // Every test starts with empty mock call records (e.g. the shell's downloadFile, mocked per file).
  clearMocks:              true,
  testEnvironment:         'jsdom',
  testEnvironmentOptions:  { customExportConditions: ['node', 'node-addons'] },
  globalSetup:             `${ root }/tests/extension/jest/flasher-bundle.cjs`,
  setupFilesAfterEnv:      [`${ root }/tests/extension/jest/setup.cjs`],
  moduleFileExtensions:    ['js', 'cjs', 'mjs', 'json', 'vue', 'ts'],
  testMatch:               [`${ root }/pkg/kubeflash/**/__tests__/**/*.spec.ts`],
  // First match wins: assets before the @shell alias (shell components import their svg/png/css).
  moduleNameMapper:        {
    '\\.(jpg|jpeg|png|gif|svg|eot|otf|webp|ttf|woff|woff2|mp4|webm|wav|mp3|m4a|aac|oga)$': `${ root }/tests/extension/jest/file-stub.cjs`,
    '\\.(css|scss|sass|less)$':                                                             `${ root }/tests/extension/jest/file-stub.cjs`,
    '^@shell/(.*)$':                                                                         `${ shell }/$1`,
    '^~shell/(.*)$':                                                                         `${ shell }/$1`,
    '^@components/(.*)$':                                                                    `${ shell }/rancher-components/$1`,
    '^@pkg/kubeflash/(.*)$':                                                                 `${ root }/pkg/kubeflash/$1`,
    '^@pkg/(.*)$':                                                                           `${ root }/pkg/kubeflash/$1`,
    '^~/(.*)$':                                                                              `${ root }/$1`,
    '^@kubeflash/flasher$':                                                                  `${ root }/tests/extension/jest/flasher.cjs`,
    '^@kubeflash/flasher/simulator$':                                                        `${ root }/tests/extension/jest/flasher-simulator.cjs`,
    '^@kubeflash/esp$':                                                                      `${ root }/tests/extension/jest/esp.cjs`,
    '^@kubeflash/esp/node$':                                                                 `${ root }/tests/extension/jest/esp-node.cjs`,
    '^@kubeflash/api$':                                                                      `${ root }/tests/extension/jest/api.cjs`,
    '^color$':                                                                               `${ root }/tests/extension/jest/color-stub.cjs`,
    '^clipboard-polyfill$':                                                                  `${ root }/node_modules/clipboard-polyfill/dist/es6/clipboard-polyfill.es6.js`,
  },
  transform: {
    '^.+\\.(js|mjs|ts)$': 'babel-jest',
    '^.+\\.vue$':         `${ root }/tests/extension/jest/vue3-jest-ts.cjs`,
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(@rancher/shell|@vue|jsonpath-plus|vue-select|floating-vue|color|color-string|color-name|vee-validate|@vee-validate|clipboard-polyfill|esptool-js|@noble|pako)/)',
  ],
  modulePathIgnorePatterns: [`${ root }/dist-pkg/`, `${ root }/.tools/`, `${ root }/firmware/`, `${ root }/pkg/kubeflash/.shell/`],
};
