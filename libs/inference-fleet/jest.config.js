module.exports = { ...require('../../jest.preset.js'), displayName: 'inference-fleet', rootDir: __dirname };
