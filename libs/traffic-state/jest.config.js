module.exports = { ...require('../../jest.preset.js'), displayName: 'traffic-state', rootDir: __dirname };
