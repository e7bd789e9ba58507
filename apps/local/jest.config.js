// The integration tests here share one local deployment on one moto (tools/local-aws/shared-deployment.ts),
// run one file at a time in the order of their numeric prefix.
const path = require('node:path');

module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'local',
  rootDir: __dirname,
  globalSetup: path.join(__dirname, '../../tools/jest/shared-local-setup.ts'),
  globalTeardown: path.join(__dirname, '../../tools/jest/shared-local-teardown.ts'),
  testSequencer: path.join(__dirname, '../../tools/jest/ordered-sequencer.js'),
  maxWorkers: 1,
};
