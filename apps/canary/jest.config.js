module.exports = { ...require('../../jest.preset.js'), displayName: 'canary', rootDir: __dirname };
