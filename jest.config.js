// Test projects: operator unit tests (beside the sources) and cross-component integration suites (tests/).
// Both run as native ESM (node --experimental-vm-modules) because @kubernetes/client-node 1.x is ESM-only.
const tsTransform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.base.json' }],
};

const common = {
  testEnvironment: '<rootDir>/tests/jest-environment.cjs',
  // Workspace packages resolve to their TypeScript sources (see scripts/build-lib.mjs).
  testEnvironmentOptions: { customExportConditions: ['kubeflash-source', 'node', 'node-addons'] },
  extensionsToTreatAsEsm: ['.ts'],
  transform: tsTransform,
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  modulePathIgnorePatterns: ['<rootDir>/dist-pkg/', '<rootDir>/.tools/', '<rootDir>/firmware/'],
};

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/operator/src/**/*.test.ts', '<rootDir>/pkg/{api,broker,cli,devcluster,esp,flasher,install,protocol,virtual-device}/src/**/*.test.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/tests/**/*.test.ts', '<rootDir>/pkg/*/test/**/*.test.ts'],
    },
    // The Rancher extension (pkg/kubeflash): CommonJS through babel and vue3-jest in jsdom, like the shell's own suite.
    require('./tests/extension/jest/project.cjs'),
  ],
};
