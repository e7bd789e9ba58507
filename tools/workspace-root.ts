import path from 'node:path';

/** The repository root, from wherever a tool runs. */
export const WORKSPACE_ROOT = path.resolve(__dirname, '..');
