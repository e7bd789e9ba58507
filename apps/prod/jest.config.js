module.exports = { ...require('../../jest.preset.js'), displayName: 'prod', rootDir: __dirname };
