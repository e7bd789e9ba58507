module.exports = { ...require('../../jest.preset.js'), displayName: 'canary-routing', rootDir: __dirname };
