// tools/data-plane is its own project (its own jest config).
const preset = require('../jest.preset.js');

module.exports = { ...preset, displayName: 'tools', rootDir: __dirname, testPathIgnorePatterns: [...preset.testPathIgnorePatterns, '<rootDir>/data-plane/'] };
