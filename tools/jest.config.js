// tools/bench/judge is a project of its own (bench-judge) with its own tests.
module.exports = { ...require('../jest.preset.js'), displayName: 'tools', rootDir: __dirname, testPathIgnorePatterns: ['/node_modules/', '<rootDir>/bench/judge/'] };
