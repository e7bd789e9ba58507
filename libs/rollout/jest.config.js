module.exports = { ...require('../../jest.preset.js'), displayName: 'rollout', rootDir: __dirname };
