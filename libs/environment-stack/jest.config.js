module.exports = { ...require('../../jest.preset.js'), displayName: 'environment-stack', rootDir: __dirname };
