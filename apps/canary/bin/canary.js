#!/usr/bin/env node
// The workspace's `canary` bin: runs apps/canary from its TypeScript source through tsx, with the
// workspace's path mapping, so `npx canary` is this CLI and never the public npm package of that name.
const path = require('node:path');

process.env.TSX_TSCONFIG_PATH = path.join(__dirname, '..', '..', '..', 'tsconfig.base.json');
require('tsx/cjs/api').register();
require('../src/main.ts');
