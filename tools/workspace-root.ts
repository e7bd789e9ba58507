import path from 'node:path';

/** The repository root, from wherever a tool runs. */
export const WORKSPACE_ROOT = path.resolve(__dirname, '..');

/**
 * Where synthesized stacks, saved plans and outputs go: `dist/`, or CANARYFLEET_DIST (integration
 * tests point it at a temporary folder so they never touch a developer's plans).
 */
export function distRoot(): string {
  return process.env.CANARYFLEET_DIST ?? path.join(WORKSPACE_ROOT, 'dist');
}
