// tools/bench/judge (bench-judge) and tools/data-plane (data-plane) are projects of their own, with their own tests.
const preset = require('../jest.preset.js');

module.exports = { ...preset, displayName: 'tools', rootDir: __dirname, testPathIgnorePatterns: [...preset.testPathIgnorePatterns, '<rootDir>/bench/judge/', '<rootDir>/data-plane/'] };
