module.exports = { ...require('../../jest.preset.js'), displayName: 'plan-review', rootDir: __dirname };
