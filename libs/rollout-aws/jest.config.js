module.exports = { ...require('../../jest.preset.js'), displayName: 'rollout-aws', rootDir: __dirname };
