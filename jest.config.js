/** Tests run against real Postgres (embedded PGlite and the server at 127.0.0.1:5432), so they are slow-ish. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: 'tsconfig.json' }] },
  testTimeout: 180000,
  maxWorkers: 2,
  verbose: true
}
