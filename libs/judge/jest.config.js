module.exports = { ...require('../../jest.preset.js'), displayName: 'judge', rootDir: __dirname };
