module.exports = { ...require('../../../jest.preset.js'), displayName: 'bench-judge', rootDir: __dirname };
