module.exports = { ...require('../../jest.preset.js'), displayName: 'environments', rootDir: __dirname };
