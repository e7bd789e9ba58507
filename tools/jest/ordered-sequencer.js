// Runs test files in the order of their numeric file-name prefix (01-..., 02-...), then by name:
// the integration tests of one shared deployment build on each other (lifecycle, traffic, data plane,
// rollouts, CLI path and destroy last).
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');

class OrderedSequencer extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => path.basename(a.path).localeCompare(path.basename(b.path), 'en', { numeric: true }));
  }
}

module.exports = OrderedSequencer;
