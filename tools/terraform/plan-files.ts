import path from 'node:path';
import { distRoot } from '../workspace-root';

/** Saved plans and their JSON live outside the synth output, so a re-synth never deletes a reviewed plan. */
export function planDir(app: string): string {
  return path.join(distRoot(), 'plans', app);
}

export function planFile(app: string, stack: string): string {
  return path.join(planDir(app), `${stack}.tfplan`);
}

export function planJsonFile(app: string, stack: string): string {
  return path.join(planDir(app), `${stack}.plan.json`);
}
