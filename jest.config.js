/** Tests run TypeScript through ts-jest in transpile-only mode; `npm test` type-checks first with tsc. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 20000,
  globalSetup: '<rootDir>/test/support/build-once.js',
  setupFiles: ['<rootDir>/test/support/quiet-output.js'],
};
