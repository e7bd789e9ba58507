module.exports = { ...require('../../jest.preset.js'), displayName: 'fleet-metrics', rootDir: __dirname };
