// Tests start their own moto and real processes on loopback; each file runs alone (2 cores).
module.exports = { ...require('../../jest.preset.js'), displayName: 'data-plane', rootDir: __dirname, maxWorkers: 1, testTimeout: 120_000 };
