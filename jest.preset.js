// Shared jest settings: @swc/jest compiles TypeScript (no type-check; `typecheck` targets do that),
// and @canaryfleet/* imports resolve to library sources exactly as tsconfig.base.json maps them.
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([name, [target]]) => [
    `^${name.replace('/', '\\/')}$`,
    path.join(__dirname, target),
  ]),
);

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  setupFilesAfterEnv: [path.join(__dirname, 'tools', 'jest', 'cdktf-matchers.js')],
  testMatch: ['<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // A full-stack synth can take seconds on a busy 2-core CI machine; this is a hang guard, not a timing check.
  testTimeout: 30_000,
};
