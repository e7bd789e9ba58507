module.exports = { ...require('../../jest.preset.js'), displayName: 'local-rollout', rootDir: __dirname, maxWorkers: 1 };
